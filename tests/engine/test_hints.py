"""Hints: one rule, which the hint's message and the score both follow (a cap per hint)."""

import re

from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming
from bot.grading.models import GradeRequest
from tests.engine.fakes import FakeGrader


def say(text: str, user: str = "ada") -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title())


def _score(text: str) -> float:
    return float(re.search(r"Score: ([\d.]+)/10", text).group(1))


async def _raw_score(request: GradeRequest) -> float:
    """What the grader gives the same answer with no hint taken."""
    return (await FakeGrader().grade(request)).score


async def test_the_score_after_hints_is_capped_where_the_hint_said(fake_engine: ConversationEngine):
    grader: FakeGrader = fake_engine.grader  # type: ignore[assignment]
    for hints, cap in ((0, 10.0), (1, 8.0), (2, 6.0)):
        user = f"user{hints}"
        (question,) = await fake_engine.handle(say("next", user))
        promised = None
        for _ in range(hints):
            (hint,) = await fake_engine.handle(say("hint", user))
            promised = float(re.search(r"score at most ([\d.]+)/10", hint.text).group(1))
        assert promised == (cap if hints else None)
        # An answer that makes some of the key points (the fake grader reads first words).
        served = await fake_engine.repository.served(question.served_id)
        points = fake_engine.context.question("global", served.question_id).key_points
        (grade,) = await fake_engine.handle(say(f"{points[0]} and more", user))
        raw = await _raw_score(grader.requests[-1])
        assert 0 < raw < 10  # where a cap and a factor differ
        # Capped, not scaled: the same answer keeps its score when it is under the cap.
        assert _score(grade.text) == min(raw, cap) == grade.score
        if hints:
            assert f"(at most {cap:g}/10 after hints)" in grade.text
