"""Showing key points in the user's language whatever language the grader named them in."""

from bot.bank.models import Question


def in_language(points: list[str], question: Question, local: Question) -> list[str]:
    """English key points (LLM grades) mapped to their translation, item for item."""
    mapping = dict(zip(question.key_points, local.key_points, strict=False))
    return [mapping.get(point, point) for point in points]
