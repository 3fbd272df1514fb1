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
            chroma_host=f"http://127.0.0.1:{chroma_server}",
            bank_recheck_seconds=0.2,
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


TEAM_BANK = b"""## Team questions

### 1) How does speculative decoding use a small draft model to speed up generation?

**Answer:** A small draft model proposes several tokens, and the large model verifies them in one
forward pass, keeping the longest accepted prefix; the output distribution is unchanged.
"""


async def test_a_bank_imported_on_one_instance_is_used_on_the_other(
    shared_services, chroma_server, tmp_path, embedder
):
    database, redis = shared_services
    apps = [
        App(
            Settings(
                _env_file=None,
                data_dir=tmp_path / name,
                database_url=database,
                redis_url=redis,
                chroma_host=f"http://127.0.0.1:{chroma_server}",
                bank_recheck_seconds=0.2,
            ),
            embedder=embedder,
        )
        for name in ("a", "b")
    ]
    await reset_postgres(apps[0].database)
    one, two = apps
    tenant = "slack:T9"
    try:
        await one.start()
        await one.bank.synced()  # the shipped bank is indexed once; the second finds it there
        await two.start()
        outcome = await one.bank.import_file(TEAM_BANK, source="team.md", tenant=tenant)
        (imported,) = outcome.result.questions
        for _ in range(100):  # the second instance rechecks every 0.2 s
            if imported.id in {q.id for q in two.bank.questions(tenant)}:
                break
            await asyncio.sleep(0.1)
        seen = {q.id for q in two.bank.questions(tenant)}
        other_tenant = {q.id for q in two.bank.questions("slack:T1")}
        (found,) = await two.engine.handle(
            Incoming(text="ask How does speculative decoding work?", user="u1", tenant=tenant)
        )
        (practice,) = await two.engine.handle(
            Incoming(text=f"next {imported.topic}", user="u2", tenant=tenant)
        )
        await one.bank.remove(imported.id, tenant)
        for _ in range(100):
            if imported.id not in {q.id for q in two.bank.questions(tenant)}:
                break
            await asyncio.sleep(0.1)
        after_removal = {q.id for q in two.bank.questions(tenant)}
    finally:
        for app in apps:
            await app.aclose()
    assert imported.id in seen and imported.id not in other_tenant
    assert f"question #{imported.number}: {imported.question}" in found.text  # found in Chroma
    assert imported.question in practice.text  # and served from the shared rows
    assert imported.id not in after_removal
    for app in apps:  # nothing of it is kept in the instances' own folders
        assert not (app.settings.data_dir / "banks").exists()
