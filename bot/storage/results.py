"""Typed results of queries that return more than a table row."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Forgotten:
    user_id: int | None  # None: nothing was stored about the user here
    attempts: tuple[int, ...]


@dataclass(frozen=True)
class Standing:
    user: str
    name: str | None
    points: float
    answers: int


@dataclass(frozen=True)
class DailyResult:
    """One graded answer to a daily question."""

    user: str
    name: str | None
    score: float


@dataclass(frozen=True)
class ScoredAnswer:
    user: str
    name: str | None
    question_id: str
    score: float


@dataclass(frozen=True)
class TokenUsage:
    tenant: str
    day: str
    tokens: int


@dataclass(frozen=True)
class DisputedGrade:
    """A grade that was appealed or voted on, for admins."""

    attempt: int
    tenant: str
    question: str
    score: float | None
    grader: str | None
    votes: int
    appeal: str
    regrade_score: float | None
    appeal_accepted: bool | None
