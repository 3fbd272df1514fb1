"""Daily-question streaks: consecutive local days with an answer at or above the threshold."""

from datetime import date, timedelta

STREAK_THRESHOLD = 6.0


def streak(days: set[date], today: date) -> int:
    """Consecutive days ending today, or yesterday when today isn't answered yet."""
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


def at_risk(days: set[date], today: date) -> bool:
    """A streak of 2 or more that ends yesterday: it breaks unless today is answered."""
    return today not in days and streak(days, today) >= 2
