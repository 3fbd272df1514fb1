"""Mock interviews: the interview row and the questions served in it."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.storage.models import (
    Interview,
    InterviewStatus,
    Served,
    utcnow,
)
from bot.storage.repositories.base import Store


class InterviewRepository(Store):
    async def start_interview(self, **values: Any) -> Interview:
        async with self._session.begin() as session:
            await session.execute(
                update(Interview)
                .where(
                    Interview.user_id == values["user_id"],
                    Interview.channel == values["channel"],
                    Interview.status == InterviewStatus.ACTIVE,
                )
                .values(status=InterviewStatus.STOPPED, finished_at=utcnow())
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
                    Interview.status == InterviewStatus.ACTIVE,
                )
            )

    async def active_interviews(self, since: datetime) -> Sequence[Interview]:
        """Interviews still running that were started after `since`, oldest first."""
        async with self._session() as session:
            rows = await session.scalars(
                select(Interview)
                .where(Interview.status == InterviewStatus.ACTIVE, Interview.created_at >= since)
                .order_by(Interview.id)
            )
            return rows.all()

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
