"""Every query the engine needs, each in its own short transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import session_factory
from bot.storage.models import (
    Appeal,
    Attempt,
    ChannelConfig,
    DailyPost,
    GradeFeedback,
    Interview,
    LLMUsage,
    MachineTranslation,
    Reminder,
    ReviewCard,
    Served,
    Tenant,
    User,
    utcnow,
)

# The database can't be reached or written (read-only file, full disk, server gone): not a bug in a
# query, and nothing the failed call meant to store was stored.
StorageUnavailable = (OperationalError, InterfaceError, PoolTimeout, OSError)


@dataclass(frozen=True)
class Forgotten:
    user_id: int | None  # None: nothing was stored about the user here
    attempts: tuple[int, ...]


@dataclass(frozen=True)
class Standing:
    user: str
    name: str | None
    points: float
    answers: int


class Repository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session = session_factory(engine)

    def _insert(self, table):
        """INSERT … ON CONFLICT DO NOTHING in the database's dialect."""
        dialect = self.engine.dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    # ---- tenants and users

    async def user(self, tenant: str, external_id: str, name: str | None = None) -> User:
        """The user's row, created on first sight. A read when nothing changed: this runs for
        every message, and a write transaction each time would queue every turn behind it."""
        async with self._session() as session:
            row = await session.scalar(
                select(User).where(User.tenant_id == tenant, User.external_id == external_id)
            )
        if row is not None and (not name or row.name == name):
            return row
        async with self._session.begin() as session:
            await session.execute(self._insert(Tenant).values(id=tenant).on_conflict_do_nothing())
            await session.execute(
                self._insert(User)
                .values(
                    tenant_id=tenant,
                    external_id=external_id,
                    name=name,
                    language_state={},
                    preferences={},
                )
                .on_conflict_do_nothing()
            )
            row = await session.scalar(
                select(User).where(User.tenant_id == tenant, User.external_id == external_id)
            )
            assert row is not None
            if name and row.name != name:
                row.name = name
            return row

    async def external_id(self, user_id: int) -> str:
        async with self._session() as session:
            row = await session.get(User, user_id)
            assert row is not None
            return row.external_id

    async def save_language_state(self, user_id: int, state: dict[str, Any]) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(language_state=state)
            )

    async def channel_config(self, tenant: str, channel: str) -> ChannelConfig | None:
        async with self._session() as session:
            return await session.scalar(
                select(ChannelConfig).where(
                    ChannelConfig.tenant_id == tenant, ChannelConfig.channel == channel
                )
            )

    async def set_channel_config(self, tenant: str, channel: str, **values: Any) -> ChannelConfig:
        async with self._session.begin() as session:
            await session.execute(self._insert(Tenant).values(id=tenant).on_conflict_do_nothing())
            await session.execute(
                self._insert(ChannelConfig)
                .values(tenant_id=tenant, channel=channel, daily={}, grade_delivery="thread")
                .on_conflict_do_nothing()
            )
            row = await session.scalar(
                select(ChannelConfig).where(
                    ChannelConfig.tenant_id == tenant, ChannelConfig.channel == channel
                )
            )
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)
            return row

    # ---- questions served

    async def open_served(
        self, tenant: str, user_id: int, channel: str, thread: str | None
    ) -> Served | None:
        """The question open for this user here: in the thread, else in the channel itself."""
        place = Served.thread == thread if thread else Served.thread.is_(None)
        async with self._session() as session:
            return await session.scalar(
                select(Served)
                .where(
                    Served.tenant_id == tenant,
                    Served.user_id == user_id,
                    Served.channel == channel,
                    Served.status == "open",
                    or_(place, Served.mode == "interview") if not thread else place,
                )
                .order_by(Served.id.desc())
                .limit(1)
            )

    async def latest_open(self, tenant: str, user_id: int, channel: str) -> Served | None:
        """The user's most recent open question in a channel, whatever thread it is in."""
        async with self._session() as session:
            return await session.scalar(
                select(Served)
                .where(
                    Served.tenant_id == tenant,
                    Served.user_id == user_id,
                    Served.channel == channel,
                    Served.status == "open",
                )
                .order_by(Served.id.desc())
                .limit(1)
            )

    async def served(self, served_id: int) -> Served | None:
        async with self._session() as session:
            return await session.get(Served, served_id)

    async def serve(self, **values: Any) -> Served:
        """Open a question; any other question open for the user in that place is closed."""
        async with self._session.begin() as session:
            await session.execute(
                update(Served)
                .where(
                    Served.tenant_id == values["tenant_id"],
                    Served.user_id == values["user_id"],
                    Served.channel == values["channel"],
                    Served.status == "open",
                )
                .values(status="skipped", closed_at=utcnow())
            )
            row = Served(**values)
            session.add(row)
        return row

    async def attach_thread(self, served_id: int, thread: str) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(Served).where(Served.id == served_id).values(thread=thread)
            )

    async def close_served(self, served_id: int, status: str) -> bool:
        """Close an open question; False if it was no longer open (someone else got there)."""
        async with self._session.begin() as session:
            result = await session.execute(
                update(Served)
                .where(Served.id == served_id, Served.status == "open")
                .values(status=status, closed_at=utcnow())
            )
            return result.rowcount == 1

    async def reopen_served(self, served_id: int) -> None:
        """Undo `close_served` when the answer it was closed for could not be stored."""
        async with self._session.begin() as session:
            await session.execute(
                update(Served).where(Served.id == served_id).values(status="open", closed_at=None)
            )

    async def add_hint(self, served_id: int) -> int:
        async with self._session.begin() as session:
            row = await session.get(Served, served_id)
            assert row is not None
            row.hints += 1
            return row.hints

    async def seen_question_ids(self, tenant: str, user_id: int) -> set[str]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Served.question_id).where(
                    Served.tenant_id == tenant,
                    Served.user_id == user_id,
                    Served.parent_id.is_(None),
                )
            )
            return set(rows)

    # ---- attempts

    async def add_attempt(self, **values: Any) -> Attempt:
        async with self._session.begin() as session:
            row = Attempt(**values)
            session.add(row)
        return row

    async def save_grade(self, attempt_id: int, grade: dict[str, Any], score: float) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(Attempt)
                .where(Attempt.id == attempt_id)
                .values(
                    status="graded",
                    grade=grade,
                    grader=grade["grader"],
                    provisional=grade["provisional"],
                    score=score,
                    prompt_version=grade.get("prompt_version"),
                    graded_at=utcnow(),
                )
            )

    async def attempt(self, attempt_id: int) -> Attempt | None:
        async with self._session() as session:
            return await session.get(Attempt, attempt_id)

    async def unfinished_attempts(self) -> Sequence[Attempt]:
        """Answers stored but not graded (a crash mid-grade), or graded provisionally."""
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt).where(
                    or_(Attempt.status == "pending", Attempt.provisional.is_(True))
                )
            )
            return rows.all()

    async def last_attempt(self, tenant: str, user_id: int) -> Attempt | None:
        async with self._session() as session:
            return await session.scalar(
                select(Attempt)
                .where(
                    Attempt.tenant_id == tenant,
                    Attempt.user_id == user_id,
                    Attempt.status == "graded",
                )
                .order_by(Attempt.id.desc())
                .limit(1)
            )

    async def attempts(self, tenant: str, user_id: int) -> Sequence[Attempt]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt)
                .where(Attempt.tenant_id == tenant, Attempt.user_id == user_id)
                .order_by(Attempt.id)
            )
            return rows.all()

    async def follow_up_parents(self, served_ids: Sequence[int]) -> dict[int, int]:
        """For each follow-up among `served_ids`, the served question it follows up."""
        async with self._session() as session:
            rows = await session.execute(
                select(Served.id, Served.parent_id).where(
                    Served.id.in_(served_ids), Served.parent_id.is_not(None)
                )
            )
            return {served: parent for served, parent in rows.all()}

    async def attempts_for_served(self, served_ids: Sequence[int]) -> Sequence[Attempt]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt).where(Attempt.served_id.in_(served_ids)).order_by(Attempt.id)
            )
            return rows.all()

    async def leaderboard(
        self,
        tenant: str,
        *,
        since: datetime | None = None,
        channel: str | None = None,
        limit: int = 10,
    ) -> list[Standing]:
        points = func.sum(Attempt.score)
        query = (
            select(User.external_id, User.name, points, func.count(Attempt.id))
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.tenant_id == tenant, Attempt.status == "graded")
            .group_by(User.id, User.external_id, User.name)
            .order_by(points.desc(), User.external_id)
            .limit(limit)
        )
        if since is not None:
            query = query.where(Attempt.created_at >= since)
        if channel is not None:
            query = query.join(Served, Served.id == Attempt.served_id).where(
                Served.channel == channel
            )
        async with self._session() as session:
            rows = await session.execute(query)
            return [Standing(u, n, round(float(p or 0), 1), c) for u, n, p, c in rows]

    # ---- appeals and feedback

    async def add_appeal(
        self, attempt_id: int, reason: str, regrade: dict[str, Any] | None, accepted: bool
    ) -> None:
        async with self._session.begin() as session:
            session.add(
                Appeal(attempt_id=attempt_id, reason=reason, regrade=regrade, accepted=accepted)
            )

    async def vote(self, attempt_id: int, user_id: int, vote: int) -> None:
        async with self._session.begin() as session:
            existing = await session.scalar(
                select(GradeFeedback).where(
                    GradeFeedback.attempt_id == attempt_id, GradeFeedback.user_id == user_id
                )
            )
            if existing is None:
                session.add(GradeFeedback(attempt_id=attempt_id, user_id=user_id, vote=vote))
            else:
                existing.vote = vote

    async def feedback_rows(self) -> list[dict[str, Any]]:
        """Disputed grades (appealed or voted on), for admins."""
        async with self._session() as session:
            votes = dict(
                (
                    await session.execute(
                        select(GradeFeedback.attempt_id, func.sum(GradeFeedback.vote)).group_by(
                            GradeFeedback.attempt_id
                        )
                    )
                ).all()
            )
            appeals = {a.attempt_id: a for a in (await session.scalars(select(Appeal))).all()}
            ids = sorted(set(votes) | set(appeals))
            attempts = (await session.scalars(select(Attempt).where(Attempt.id.in_(ids)))).all()
        rows = []
        for attempt in sorted(attempts, key=lambda a: a.id):
            appeal = appeals.get(attempt.id)
            rows.append(
                {
                    "attempt": attempt.id,
                    "tenant": attempt.tenant_id,
                    "question": attempt.question_id,
                    "score": attempt.score,
                    "grader": attempt.grader,
                    "votes": int(votes.get(attempt.id, 0)),
                    "appeal": appeal.reason if appeal else "",
                    "regrade_score": (appeal.regrade or {}).get("score") if appeal else None,
                    "appeal_accepted": appeal.accepted if appeal else None,
                }
            )
        return rows

    # ---- interviews

    async def start_interview(self, **values: Any) -> Interview:
        async with self._session.begin() as session:
            await session.execute(
                update(Interview)
                .where(
                    Interview.user_id == values["user_id"],
                    Interview.channel == values["channel"],
                    Interview.status == "active",
                )
                .values(status="stopped", finished_at=utcnow())
            )
            row = Interview(**values)
            session.add(row)
        return row

    async def active_interview(self, user_id: int, channel: str) -> Interview | None:
        async with self._session() as session:
            return await session.scalar(
                select(Interview).where(
                    Interview.user_id == user_id,
                    Interview.channel == channel,
                    Interview.status == "active",
                )
            )

    async def update_interview(self, interview_id: int, **values: Any) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(Interview).where(Interview.id == interview_id).values(**values)
            )

    async def interview_served(self, interview_id: int) -> Sequence[Served]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Served).where(Served.interview_id == interview_id).order_by(Served.id)
            )
            return rows.all()

    # ---- daily posts

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
                .values(message_ref=message_ref, thread=thread, posted_at=utcnow())
            )

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

    async def daily_results(self, post_id: int) -> list[tuple[str, str | None, float]]:
        """(user, name, score) for each graded answer to a daily post, best first."""
        async with self._session() as session:
            rows = await session.execute(
                select(User.external_id, User.name, Attempt.score)
                .join(Served, Served.id == Attempt.served_id)
                .join(User, User.id == Attempt.user_id)
                .where(Served.daily_post_id == post_id, Attempt.status == "graded")
                .order_by(Attempt.score.desc())
            )
            return [(u, n, float(s or 0)) for u, n, s in rows]

    async def daily(self, post_id: int) -> DailyPost | None:
        async with self._session() as session:
            return await session.get(DailyPost, post_id)

    # ---- reviews, streaks, reminders

    async def review_card(self, user_id: int, question_id: str) -> ReviewCard | None:
        async with self._session() as session:
            return await session.scalar(
                select(ReviewCard).where(
                    ReviewCard.user_id == user_id, ReviewCard.question_id == question_id
                )
            )

    async def save_review_card(
        self, tenant: str, user_id: int, question_id: str, card: dict[str, Any], due: datetime
    ) -> None:
        async with self._session.begin() as session:
            row = await session.scalar(
                select(ReviewCard).where(
                    ReviewCard.user_id == user_id, ReviewCard.question_id == question_id
                )
            )
            if row is None:
                session.add(
                    ReviewCard(
                        tenant_id=tenant,
                        user_id=user_id,
                        question_id=question_id,
                        card=card,
                        due=due,
                    )
                )
            else:
                row.card, row.due = card, due

    async def due_reviews(self, tenant: str, user_id: int, now: datetime) -> list[str]:
        """Question ids due for review, most overdue first."""
        async with self._session() as session:
            rows = await session.scalars(
                select(ReviewCard.question_id)
                .where(
                    ReviewCard.tenant_id == tenant,
                    ReviewCard.user_id == user_id,
                    ReviewCard.due <= now,
                )
                .order_by(ReviewCard.due)
            )
            return list(rows)

    async def next_review(self, tenant: str, user_id: int) -> datetime | None:
        async with self._session() as session:
            return await session.scalar(
                select(func.min(ReviewCard.due)).where(
                    ReviewCard.tenant_id == tenant, ReviewCard.user_id == user_id
                )
            )

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
                    Attempt.status == "graded",
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

    async def set_preference(self, user_id: int, name: str, value: Any) -> None:
        async with self._session.begin() as session:
            row = await session.get(User, user_id)
            assert row is not None
            row.preferences = {**(row.preferences or {}), name: value}

    # ---- LLM usage

    async def add_tokens(self, tenant: str, day: str, tokens: int) -> None:
        async with self._session.begin() as session:
            await session.execute(
                self._insert(LLMUsage)
                .values(tenant_id=tenant, day=day, tokens=0)
                .on_conflict_do_nothing()
            )
            await session.execute(
                update(LLMUsage)
                .where(LLMUsage.tenant_id == tenant, LLMUsage.day == day)
                .values(tokens=LLMUsage.tokens + tokens)
            )

    async def tokens_used(self, tenant: str, day: str) -> int:
        async with self._session() as session:
            value = await session.scalar(
                select(LLMUsage.tokens).where(LLMUsage.tenant_id == tenant, LLMUsage.day == day)
            )
            return int(value or 0)

    async def usage(self) -> list[tuple[str, str, int]]:
        async with self._session() as session:
            rows = await session.execute(
                select(LLMUsage.tenant_id, LLMUsage.day, LLMUsage.tokens).order_by(
                    LLMUsage.day, LLMUsage.tenant_id
                )
            )
            return [(t, d, int(n)) for t, d, n in rows]

    # ---- privacy

    async def forget(self, tenant: str, external_id: str) -> Forgotten:
        """Delete everything stored about a user in one tenant (other tenants are untouched)."""
        async with self._session.begin() as session:
            user = await session.scalar(
                select(User.id).where(User.tenant_id == tenant, User.external_id == external_id)
            )
            if user is None:
                return Forgotten(None, ())
            attempts = list(
                await session.scalars(select(Attempt.id).where(Attempt.user_id == user))
            )
            await session.execute(delete(Appeal).where(Appeal.attempt_id.in_(attempts)))
            await session.execute(
                delete(GradeFeedback).where(
                    GradeFeedback.attempt_id.in_(attempts) | (GradeFeedback.user_id == user)
                )
            )
            await session.execute(delete(Attempt).where(Attempt.id.in_(attempts)))
            await session.execute(delete(ReviewCard).where(ReviewCard.user_id == user))
            served = select(Served.id).where(Served.user_id == user)
            await session.execute(
                update(Served).where(Served.parent_id.in_(served)).values(parent_id=None)
            )
            await session.execute(delete(Served).where(Served.user_id == user))
            await session.execute(delete(Interview).where(Interview.user_id == user))
            await session.execute(delete(User).where(User.id == user))
            return Forgotten(user, tuple(attempts))

    async def purge_answers(self, before: datetime) -> int:
        """Blank the text of answers older than `before` (scores and stats stay)."""
        async with self._session.begin() as session:
            result = await session.execute(
                update(Attempt)
                .where(Attempt.created_at < before, Attempt.answer != "")
                .values(answer="")
            )
            return result.rowcount

    async def users_with_preference(self, tenant: str, name: str) -> Sequence[User]:
        async with self._session() as session:
            rows = (await session.scalars(select(User).where(User.tenant_id == tenant))).all()
        return [row for row in rows if (row.preferences or {}).get(name)]

    async def scores_between(
        self, tenant: str, start: datetime, end: datetime, channel: str | None = None
    ) -> list[tuple[str, str | None, str, float]]:
        """(user, name, question id, score) of graded answers in [start, end)."""
        query = (
            select(User.external_id, User.name, Attempt.question_id, Attempt.score)
            .join(User, User.id == Attempt.user_id)
            .join(Served, Served.id == Attempt.served_id)
            .where(
                Attempt.tenant_id == tenant,
                Attempt.status == "graded",
                Attempt.created_at >= start,
                Attempt.created_at < end,
            )
        )
        if channel is not None:
            query = query.where(Served.channel == channel)
        async with self._session() as session:
            rows = await session.execute(query)
            return [(u, n, q, float(s or 0)) for u, n, q, s in rows]

    # ---- machine translations

    async def machine_translation(self, content_hash: str, language: str) -> dict | None:
        async with self._session() as session:
            return await session.scalar(
                select(MachineTranslation.entry).where(
                    MachineTranslation.content_hash == content_hash,
                    MachineTranslation.language == language,
                )
            )

    async def save_machine_translation(
        self, question_id: str, content_hash: str, language: str, entry: dict
    ) -> None:
        async with self._session.begin() as session:
            await session.execute(
                self._insert(MachineTranslation)
                .values(
                    question_id=question_id,
                    content_hash=content_hash,
                    language=language,
                    entry=entry,
                )
                .on_conflict_do_nothing()
            )
