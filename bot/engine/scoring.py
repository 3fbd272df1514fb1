"""Scores after hints, and the review schedule a score leads to."""

from typing import Any

from bot.engine.context import Context
from bot.storage.models import naive_utc
from bot.storage.repositories.reviews import ReviewUpdate

# One rule for hints, which the hint's message and the score both follow: each hint lowers the
# score the answer can reach by 2 points (at most 8/10 after one hint, 6/10 after two). It is a
# cap, not a factor: an answer worth 5/10 is still worth 5/10 after two hints.
HINT_CAP_STEP = 2.0
MAX_HINTS = 2


def max_score(hints: int) -> float:
    """The best score an answer can get after `hints` hints (what the hint message promises)."""
    return max(0.0, 10.0 - HINT_CAP_STEP * hints)


def apply_hints(score: float, hints: int) -> float:
    """The grader's score held to `max_score(hints)`."""
    return round(min(score, max_score(hints)), 1)


def review_update(
    ctx: Context, tenant: str, user_id: int, question_id: str, score: float
) -> ReviewUpdate:
    """The review a score schedules, for the repository to apply to the stored card."""
    now = ctx.clock.now()

    def plan(card: dict[str, Any] | None):
        card, due = ctx.reviews.review(card, score, now)
        return card, naive_utc(due)

    return ReviewUpdate(tenant, user_id, question_id, plan)
