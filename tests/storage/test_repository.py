"""The repository on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from bot.storage.database import create_engine, migrate
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
