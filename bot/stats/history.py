"""The score history the chart plots: one point per question, its follow-ups folded in.

A follow-up is graded on its own, but plotting it as a separate point makes a sawtooth (a good
main answer, then a weaker follow-up, then the next question). Here a question and its follow-ups
become one point: the mean of their scores, at the time the question was answered.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime


def question_points(
    graded: Iterable[tuple[int, datetime, float]], parents: Mapping[int, int]
) -> list[tuple[datetime, float]]:
    """`graded` holds (served id, answered at, score); `parents` maps a follow-up's served id to
    the served question it follows up (chains are followed to the first question)."""
    groups: dict[int, list[tuple[datetime, float]]] = {}
    for served, when, score in graded:
        groups.setdefault(_root(served, parents), []).append((when, score))
    points = [
        (min(when for when, _ in group), sum(score for _, score in group) / len(group))
        for group in groups.values()
    ]
    return sorted(points)


def _root(served: int, parents: Mapping[int, int]) -> int:
    seen = {served}
    while served in parents and parents[served] not in seen:
        served = parents[served]
        seen.add(served)
    return served
