"""Spaced-repetition cards: one per user and question, with the date it is due."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ReviewCard
from bot.storage.repositories.base import Store

# The card after a graded attempt, from the card before it (None: the first attempt), and when
# it is due next (naive UTC).
ReviewPlan = Callable[[dict[str, Any] | None], tuple[dict[str, Any], datetime]]


def due_query(tenant: str, user_id: int, now: datetime):
    """Ids of the user's questions due for review, most overdue first."""
    return (
        select(ReviewCard.question_id)
        .where(
            ReviewCard.tenant_id == tenant,
            ReviewCard.user_id == user_id,
            ReviewCard.due <= now,
        )
        .order_by(ReviewCard.due)
    )


@dataclass(frozen=True)
class ReviewUpdate:
    tenant: str
    user_id: int
    question_id: str
    plan: ReviewPlan


async def apply_review(session: AsyncSession, change: ReviewUpdate) -> None:
    """Read the card, plan the next review, write the card: in the caller's transaction."""
    where = {"b_user": change.user_id, "b_question": change.question_id}
    row = (await session.execute(_card_query(), where)).first()
    card, due = change.plan(row.card if row is not None else None)
    if row is None:
        values = {"tenant_id": change.tenant, "user_id": change.user_id, "card": card, "due": due}
        await session.execute(insert(CARDS), {**values, "question_id": change.question_id})
    else:
        await session.execute(_update_card(), {"b_id": row.id, "card": card, "due": due})


# apply_review runs with every grade: its statements are built once (on the table, not the
# mapped class: no session holds these rows).
CARDS = ReviewCard.__table__


@cache
def _card_query():
    return select(CARDS.c.id, CARDS.c.card).where(
        CARDS.c.user_id == bindparam("b_user"), CARDS.c.question_id == bindparam("b_question")
    )


@cache
def _update_card():
    return update(CARDS).where(CARDS.c.id == bindparam("b_id"))


class ReviewRepository(Store):
    async def review(self, change: ReviewUpdate) -> None:
        async with self._session.begin() as session:
            await apply_review(session, change)

    async def due_reviews(self, tenant: str, user_id: int, now: datetime) -> list[str]:
        """Question ids due for review, most overdue first."""
        async with self._session() as session:
            return list(await session.scalars(due_query(tenant, user_id, now)))

    async def next_review(self, tenant: str, user_id: int) -> datetime | None:
        async with self._session() as session:
            return await session.scalar(
                select(func.min(ReviewCard.due)).where(
                    ReviewCard.tenant_id == tenant, ReviewCard.user_id == user_id
                )
            )
