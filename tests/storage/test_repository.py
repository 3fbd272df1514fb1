"""The repository on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.storage.database import create_engine, migrate
from bot.storage.repositories.reviews import ReviewUpdate
from bot.storage.repositories.turns import PracticeHistory
from bot.storage.repository import Repository
from tests.conftest import reset_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def repo(request, tmp_path) -> AsyncIterator[Repository]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set")
    engine = create_engine(url)
    if request.param == "postgresql":  # start from an empty schema
        await reset_postgres(engine)
    await migrate(engine)
    await migrate(engine)  # idempotent: a second start changes nothing
    yield Repository(engine)
    await engine.dispose()


async def test_users_are_created_once_per_tenant(repo: Repository):
    first = await repo.user("guild-1", "u1", "Ada")
    again = await repo.user("guild-1", "u1")
    other = await repo.user("guild-2", "u1")
    assert first.id == again.id != other.id
    assert await repo.external_id(first.id) == "u1"


async def test_an_open_question_closes_exactly_once(repo: Repository):
    user = await repo.user("t", "u1")
    served = await repo.serve(
        tenant_id="t", user_id=user.id, question_id="q1", channel="c", thread=None
    )
    assert (await repo.open_served("t", user.id, "c", None)).id == served.id
    results = await asyncio.gather(*(repo.close_served(served.id, "answered") for _ in range(5)))
    assert results.count(True) == 1
    assert await repo.open_served("t", user.id, "c", None) is None


async def test_attempts_grades_and_leaderboard(repo: Repository):
    ada, bob = await repo.user("t", "ada", "Ada"), await repo.user("t", "bob", "Bob")
    for user, score in ((ada, 8.0), (ada, 6.0), (bob, 9.0)):
        served = await repo.serve(
            tenant_id="t", user_id=user.id, question_id="q", channel="c", thread=None
        )
        attempt = await repo.add_attempt(
            served_id=served.id, tenant_id="t", user_id=user.id, question_id="q", answer="a"
        )
        assert attempt.status == "pending"  # stored before grading
        grade = {"grader": "offline", "provisional": False, "score": score}
        await repo.save_grade(attempt.id, grade, score)
    board = await repo.leaderboard("t")
    assert [(s.user, s.points, s.answers) for s in board] == [("ada", 14.0, 2), ("bob", 9.0, 1)]
    assert await repo.unfinished_attempts() == []


async def test_daily_claim_is_won_by_exactly_one_racer(repo: Repository):
    claims = await asyncio.gather(
        *(repo.claim_daily("t", "C1", "2026-11-28", "q1") for _ in range(3))
    )
    assert sum(claim is not None for claim in claims) == 1
    assert await repo.claim_daily("t", "C1", "2026-11-29", "q2") is not None


async def test_turn_state_finds_the_question_open_where_the_message_came_from(repo: Repository):
    assert await repo.turn_state("t", "u1", None, "c", None) is None  # a new user: no row yet
    user = await repo.user("t", "u1", "Ada")
    assert await repo.turn_state("t", "u1", "Ada (renamed)", "c", None) is None
    await repo.set_channel_config("t", "c", language="es")
    in_channel = await repo.serve(
        tenant_id="t", user_id=user.id, question_id="q1", channel="c", thread=None
    )
    in_thread = await repo.serve(
        tenant_id="t", user_id=user.id, question_id="q2", channel="d", thread="th"
    )
    here = await repo.turn_state("t", "u1", "Ada", "c", None)
    assert (here.user.id, here.config.language, here.served.id) == (user.id, "es", in_channel.id)
    there = await repo.turn_state("t", "u1", None, "d", "th")
    assert (there.config, there.served.id, there.daily_post) == (None, in_thread.id, None)
    assert (await repo.turn_state("t", "u1", None, "d", None)).served is None
    # A reply in a thread of a channel whose question has no thread yet answers that question.
    racing = await repo.turn_state("t", "u1", None, "c", "new-thread")
    assert racing.served.id == in_channel.id
    post = await repo.claim_daily("t", "e", "2026-12-01", "q3")
    await repo.daily_posted(post.id, "m1", "daily-thread")
    daily = await repo.turn_state("t", "u1", None, "e", "daily-thread")
    assert (daily.served, daily.daily_post.id) == (None, post.id)
    assert not here.interviewing
    interview = await repo.start_interview(
        tenant_id="t", user_id=user.id, channel="c", question_ids=["q1"]
    )
    assert (await repo.turn_state("t", "u1", None, "c", None)).interviewing
    assert not (await repo.turn_state("t", "u1", None, "d", None)).interviewing
    await repo.update_interview(interview.id, status="stopped")
    assert not (await repo.turn_state("t", "u1", None, "c", None)).interviewing


async def test_practice_history_lists_due_reviews_most_overdue_first(repo: Repository):
    user = await repo.user("t", "u1")
    now = datetime(2026, 12, 1, 12, 0)
    for question, due in (("late", now - timedelta(days=1)), ("later", now - timedelta(days=3))):
        await repo.review(ReviewUpdate("t", user.id, question, lambda _card, due=due: ({}, due)))
    await repo.review(ReviewUpdate("t", user.id, "future", lambda _card: ({}, now + timedelta(1))))
    first = await repo.serve(tenant_id="t", user_id=user.id, question_id="q1", channel="c")
    await repo.serve(tenant_id="t", user_id=user.id, question_id="q2", channel="c")
    await repo.serve(
        tenant_id="t", user_id=user.id, question_id="probe", channel="c", parent_id=first.id
    )
    history = await repo.practice_history("t", user.id, now)
    assert history.due == ["later", "late"]
    assert history.seen == {"q1", "q2"}  # a follow-up is not a question seen
    assert await repo.practice_history("t", 999, now) == PracticeHistory([], set())


async def test_sqlite_connection_returned_mid_transaction_is_rolled_back(tmp_path):
    """The pool rolls back only open transactions (a trip to aiosqlite's thread saved per
    session): one left open by raw use must still not reach the next session."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)

    def leave_open(connection) -> bool:
        cursor = connection.connection.cursor()
        cursor.execute("INSERT INTO tenants (id, created_at) VALUES ('left-open', '2026-12-01')")
        cursor.close()
        return connection.connection.driver_connection.in_transaction

    async with engine.connect() as connection:
        assert await connection.run_sync(leave_open)
    repo = Repository(engine)
    await repo.set_channel_config("t", "c")  # a write first: it commits what it finds open
    async with engine.connect() as connection:
        left = await connection.exec_driver_sql("SELECT id FROM tenants WHERE id = 'left-open'")
        assert left.first() is None
    await engine.dispose()
