"""Daily questions: the claimed post per channel and local date, its answers and summary."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from bot.storage.models import (
    Attempt,
    AttemptStatus,
    ChannelConfig,
    DailyPost,
    Reminder,
    Served,
    Tenant,
    User,
    naive_utc,
    utcnow,
)
from bot.storage.repositories.base import Store
from bot.storage.results import (
    DailyResult,
)

ERROR_CHARS = 200


class DailyRepository(Store):
    async def claim_daily(
        self, tenant: str, channel: str, local_date: str, question_id: str
    ) -> DailyPost | None:
        """Claim today's post for a channel; None if another instance (or run) already did."""
        async with self._session.begin() as session:
            await session.execute(self._insert(Tenant).values(id=tenant).on_conflict_do_nothing())
            result = await session.execute(
                self._insert(DailyPost)
                .values(
                    tenant_id=tenant,
                    channel=channel,
                    local_date=local_date,
                    question_id=question_id,
                    claimed_at=utcnow(),
                )
                .on_conflict_do_nothing()
            )
            if result.rowcount != 1:
                return None
            return await session.scalar(
                select(DailyPost).where(
                    DailyPost.tenant_id == tenant,
                    DailyPost.channel == channel,
                    DailyPost.local_date == local_date,
                )
            )

    async def daily_posted(self, post_id: int, message_ref: str, thread: str | None) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(DailyPost)
                .where(DailyPost.id == post_id)
                .values(message_ref=message_ref, thread=thread, posted_at=utcnow(), failed_at=None)
            )

    async def daily_failed(self, post_id: int, at: datetime, error: str) -> int:
        """Release a claimed post whose sending failed, so that a later tick may claim it again;
        returns how many times it has failed."""
        async with self._session.begin() as session:
            await session.execute(
                update(DailyPost)
                .where(DailyPost.id == post_id, DailyPost.posted_at.is_(None))
                .values(
                    failures=DailyPost.failures + 1,
                    failed_at=naive_utc(at),
                    last_error=error[:ERROR_CHARS],
                )
            )
            return int(
                await session.scalar(select(DailyPost.failures).where(DailyPost.id == post_id)) or 0
            )

    async def reclaim_daily(self, post_id: int, failed_before: datetime) -> DailyPost | None:
        """Claim a released post again, if it failed before `failed_before` (the back-off);
        like `claim_daily`, only one caller wins."""
        async with self._session.begin() as session:
            result = await session.execute(
                update(DailyPost)
                .where(
                    DailyPost.id == post_id,
                    DailyPost.posted_at.is_(None),
                    DailyPost.failed_at.is_not(None),
                    DailyPost.failed_at <= naive_utc(failed_before),
                )
                .values(failed_at=None, claimed_at=utcnow())
            )
            if result.rowcount != 1:
                return None
            return await session.get(DailyPost, post_id)

    async def recent_daily_posts(self, tenant: str, channel: str, count: int) -> list[DailyPost]:
        """The channel's last `count` claimed posts, newest first."""
        async with self._session() as session:
            rows = await session.scalars(
                select(DailyPost)
                .where(DailyPost.tenant_id == tenant, DailyPost.channel == channel)
                .order_by(DailyPost.local_date.desc())
                .limit(count)
            )
            return list(rows)

    async def daily_by_thread(self, tenant: str, thread: str) -> DailyPost | None:
        async with self._session() as session:
            return await session.scalar(
                select(DailyPost).where(DailyPost.tenant_id == tenant, DailyPost.thread == thread)
            )

    async def daily_answered(self, post_id: int, user_id: int) -> set[str]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Served.question_id).where(
                    Served.daily_post_id == post_id, Served.user_id == user_id
                )
            )
            return set(rows)

    async def daily_channels(self) -> Sequence[ChannelConfig]:
        """Channels whose daily question is switched on."""
        async with self._session() as session:
            rows = (await session.scalars(select(ChannelConfig))).all()
        return [row for row in rows if (row.daily or {}).get("enabled")]

    async def daily_for(self, tenant: str, channel: str, local_date: str) -> DailyPost | None:
        async with self._session() as session:
            return await session.scalar(
                select(DailyPost).where(
                    DailyPost.tenant_id == tenant,
                    DailyPost.channel == channel,
                    DailyPost.local_date == local_date,
                )
            )

    async def claim_summary(self, post_id: int) -> bool:
        async with self._session.begin() as session:
            result = await session.execute(
                update(DailyPost)
                .where(DailyPost.id == post_id, DailyPost.summary_posted_at.is_(None))
                .values(summary_posted_at=utcnow())
            )
            return result.rowcount == 1

    async def daily_results(self, post_id: int) -> list[DailyResult]:
        """Each graded answer to a daily post, best first."""
        async with self._session() as session:
            rows = await session.execute(
                select(User.external_id, User.name, Attempt.score)
                .join(Served, Served.id == Attempt.served_id)
                .join(User, User.id == Attempt.user_id)
                .where(Served.daily_post_id == post_id, Attempt.status == AttemptStatus.GRADED)
                .order_by(Attempt.score.desc())
            )
            return [DailyResult(u, n, float(s or 0)) for u, n, s in rows]

    async def daily(self, post_id: int) -> DailyPost | None:
        async with self._session() as session:
            return await session.get(DailyPost, post_id)

    async def daily_answer_dates(self, tenant: str, user_id: int, min_score: float) -> set[str]:
        """Local dates of daily questions this user answered with at least `min_score`."""
        async with self._session() as session:
            rows = await session.scalars(
                select(DailyPost.local_date)
                .join(Served, Served.daily_post_id == DailyPost.id)
                .join(Attempt, Attempt.served_id == Served.id)
                .where(
                    DailyPost.tenant_id == tenant,
                    Attempt.user_id == user_id,
                    Attempt.status == AttemptStatus.GRADED,
                    Attempt.score >= min_score,
                )
            )
            return set(rows)

    async def claim_reminder(self, kind: str, key: str) -> bool:
        """True once per (kind, key): the claim that keeps reminders from repeating."""
        async with self._session.begin() as session:
            result = await session.execute(
                self._insert(Reminder).values(kind=kind, key=key).on_conflict_do_nothing()
            )
            return result.rowcount == 1
