"""Scores across users: leaderboards and weekly digests."""

from datetime import datetime

from sqlalchemy import func, select

from bot.storage.models import (
    Attempt,
    AttemptStatus,
    Served,
    User,
)
from bot.storage.repositories.base import Store
from bot.storage.results import (
    ScoredAnswer,
    Standing,
)


class StandingsRepository(Store):
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
            .where(Attempt.tenant_id == tenant, Attempt.status == AttemptStatus.GRADED)
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

    async def scores_between(
        self, tenant: str, start: datetime, end: datetime, channel: str | None = None
    ) -> list[ScoredAnswer]:
        """Graded answers in [start, end)."""
        query = (
            select(User.external_id, User.name, Attempt.question_id, Attempt.score)
            .join(User, User.id == Attempt.user_id)
            .join(Served, Served.id == Attempt.served_id)
            .where(
                Attempt.tenant_id == tenant,
                Attempt.status == AttemptStatus.GRADED,
                Attempt.created_at >= start,
                Attempt.created_at < end,
            )
        )
        if channel is not None:
            query = query.where(Served.channel == channel)
        async with self._session() as session:
            rows = await session.execute(query)
            return [ScoredAnswer(u, n, q, float(s or 0)) for u, n, q, s in rows]
