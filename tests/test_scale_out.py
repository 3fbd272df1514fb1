"""Two bot instances sharing PostgreSQL, Redis and a Chroma server: nothing lost or doubled."""

import asyncio
import os

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from bot.engine.events import Incoming
from bot.storage.models import Attempt
from tests.conftest import reset_postgres

USERS = 12


@pytest.fixture
def shared_services():
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not database or not redis:
        pytest.skip("needs TEST_DATABASE_URL and TEST_REDIS_URL (PostgreSQL and Redis)")
    return database, redis


async def test_two_instances_share_the_work(shared_services, chroma_server, tmp_path, embedder):
    database, redis = shared_services
    apps = []
    for name in ("a", "b"):
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path / name,
            database_url=database,
            redis_url=redis,
            chroma_host="127.0.0.1",
            chroma_port=chroma_server,
        )
        app = App(settings, embedder=embedder)
        apps.append(app)
    await reset_postgres(apps[0].database)
    await apps[0].bank.ingest_all()
    for app in apps:
        await app.start()
    one, two = apps[0].engine, apps[1].engine
    try:

        async def user_session(index: int) -> int:
            user = f"user{index}"
            first, second = (one, two) if index % 2 else (two, one)
            (question,) = await first.handle(Incoming(text="next", user=user, tenant="slack:T1"))
            asked = next(q for q in apps[0].bank.questions() if q.question in question.text)
            answer = Incoming(text=" ".join(asked.key_points), user=user, tenant="slack:T1")
            # The same answer reaches both instances at once (a retried delivery).
            replies = await asyncio.gather(first.handle(answer), second.handle(answer))
            return sum("Score:" in r[0].text for r in replies)

        graded = await asyncio.gather(*(user_session(i) for i in range(USERS)))
        async with apps[0].repository._session() as session:
            stored = await session.scalar(select(func.count(Attempt.id)))
            pending = await session.scalar(
                select(func.count(Attempt.id)).where(Attempt.status != "graded")
            )
    finally:
        for app in apps:
            await app.aclose()
    assert graded == [1] * USERS  # every answer graded exactly once
    assert stored == USERS and pending == 0  # and stored, none left behind
