"""Deleting what is stored about a user (`forget me`) and purging old answer texts."""

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.storage.models import (
    Appeal,
    Attempt,
    GradeFeedback,
    Interview,
    ReviewCard,
    Served,
    UndeliveredReply,
    User,
)
from bot.storage.repositories.base import Store
from bot.storage.results import (
    Forgotten,
)


class PrivacyRepository(Store):
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
            await session.execute(delete(UndeliveredReply).where(UndeliveredReply.user_id == user))
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
