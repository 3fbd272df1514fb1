"""Scores after hints, and the review schedule a score leads to."""

from bot.engine.context import Context
from bot.storage.models import naive_utc

HINT_PENALTY = 0.2  # each hint lowers the attainable score by 20%
MAX_HINTS = 2


def max_score(hints: int) -> float:
    return round(10 * max(0.0, 1 - HINT_PENALTY * hints), 1)


def apply_hints(score: float, hints: int) -> float:
    return round(score * max(0.0, 1 - HINT_PENALTY * hints), 1)


async def schedule_review(
    ctx: Context, tenant: str, user_id: int, question_id: str, score: float
) -> None:
    existing = await ctx.repo.review_card(user_id, question_id)
    card, due = ctx.reviews.review(existing.card if existing else None, score, ctx.clock.now())
    await ctx.repo.save_review_card(tenant, user_id, question_id, card, naive_utc(due))
