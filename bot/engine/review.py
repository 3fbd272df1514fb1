"""Spaced repetition with FSRS (the `fsrs` package): every graded attempt updates the user's card
for that question, and `review` serves what is due.

Scores map to FSRS ratings: below 4 is Again, below 6 Hard, below 8.5 Good, else Easy. Learning
steps are a day, not minutes: this is interview practice, not flash cards.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

AGAIN_BELOW = 4.0
HARD_BELOW = 6.0
GOOD_BELOW = 8.5


class ReviewPlanner:
    def __init__(self) -> None:
        from fsrs import Scheduler

        self._scheduler = Scheduler(
            learning_steps=(timedelta(days=1),),
            relearning_steps=(timedelta(days=1),),
            enable_fuzzing=False,  # the same grade gives the same due date
        )

    def review(
        self, card: dict[str, Any] | None, score: float, when: datetime
    ) -> tuple[dict[str, Any], datetime]:
        """The card after a graded attempt, and when it is due next (aware UTC)."""
        from fsrs import Card

        current = Card.from_dict(card) if card else Card()
        updated, _log = self._scheduler.review_card(current, rating(score), when.astimezone(UTC))
        return updated.to_dict(), updated.due


def rating(score: float):
    from fsrs import Rating

    if score < AGAIN_BELOW:
        return Rating.Again
    if score < HARD_BELOW:
        return Rating.Hard
    if score < GOOD_BELOW:
        return Rating.Good
    return Rating.Easy
