"""Follow-ups fold into their question's point, read from real storage after a real interview."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.app import App
from bot.engine.events import Incoming
from bot.stats.history import question_points
from tests.engine.conftest import build_engine

T0 = datetime(2026, 11, 2, 9, 0)


@pytest.fixture
async def started(ingested_app: App) -> AsyncIterator[App]:
    await ingested_app.start()
    yield ingested_app
    await ingested_app.aclose()


def test_a_follow_up_is_averaged_into_its_question_at_the_question_time():
    graded = [
        (1, T0, 8.0),
        (2, T0 + timedelta(minutes=3), 4.0),  # follow-up of 1
        (3, T0 + timedelta(minutes=9), 7.0),
        (4, T0 + timedelta(minutes=12), 6.0),  # follow-up of 3
        (5, T0 + timedelta(minutes=14), 2.0),  # follow-up of 4: still question 3
    ]
    points = question_points(graded, {2: 1, 4: 3, 5: 4})
    assert points == [(T0, 6.0), (T0 + timedelta(minutes=9), 5.0)]


def test_without_follow_ups_every_answer_is_its_own_point():
    graded = [(2, T0 + timedelta(days=1), 5.0), (1, T0, 9.0)]
    assert question_points(graded, {}) == [(T0, 9.0), (T0 + timedelta(days=1), 5.0)]


async def test_storage_says_which_attempt_answered_a_follow_up(started: App):
    engine = build_engine(started)
    replies = await engine.handle(Incoming(text="interview start 2", user="ada"))
    asked = next(
        q for r in replies for q in started.bank.questions() if r.served_id and q.question in r.text
    )
    # A partial answer brings a follow-up (see tests/engine/test_flows.py).
    replies = await engine.handle(Incoming(text=asked.key_points[0], user="ada"))
    assert replies[1].title == "Follow-up"
    await engine.handle(Incoming(text=" ".join(asked.key_points[1:]), user="ada"))
    user = await started.repository.user("global", "ada")
    attempts = await started.repository.attempts("global", user.id)
    assert len(attempts) == 2
    parents = await started.repository.follow_up_parents([a.served_id for a in attempts])
    assert parents == {attempts[1].served_id: attempts[0].served_id}
    points = question_points([(a.served_id, a.created_at, a.score) for a in attempts], parents)
    assert len(points) == 1
    assert points[0][1] == pytest.approx((attempts[0].score + attempts[1].score) / 2)
