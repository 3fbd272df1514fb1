"""Scores after hints, and the review schedule a score leads to."""

from typing import Any

from bot.engine.context import Context
from bot.storage.models import naive_utc
from bot.storage.repositories.reviews import ReviewUpdate

HINT_PENALTY = 0.2  # each hint lowers the attainable score by 20%
MAX_HINTS = 2


def max_score(hints: int) -> float:
    return round(10 * max(0.0, 1 - HINT_PENALTY * hints), 1)


def apply_hints(score: float, hints: int) -> float:
    return round(score * max(0.0, 1 - HINT_PENALTY * hints), 1)


def review_update(
    ctx: Context, tenant: str, user_id: int, question_id: str, score: float
) -> ReviewUpdate:
    """The review a score schedules, for the repository to apply to the stored card."""
    now = ctx.clock.now()

    def plan(card: dict[str, Any] | None):
        card, due = ctx.reviews.review(card, score, now)
        return card, naive_utc(due)

    return ReviewUpdate(tenant, user_id, question_id, plan)
