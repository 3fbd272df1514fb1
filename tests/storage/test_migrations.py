"""Data migrations on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

import os
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import MIGRATIONS, create_engine, migrate
from bot.storage.repository import Repository
from tests.conftest import reset_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request, tmp_path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set")
    engine = create_engine(url)
    if request.param == "postgresql":
        await reset_postgres(engine)
    yield engine
    await engine.dispose()


def _to(revision: str, connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    if revision == "head":
        command.upgrade(config, "head")
    else:
        command.downgrade(config, revision)


async def migrate_to(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _to(revision, sync))


async def practised(repo: Repository, tenant: str, user: str, score: float) -> None:
    row = await repo.user(tenant, user, user.title())
    served = await repo.serve(
        tenant_id=tenant, user_id=row.id, question_id="q", channel="d", thread=None
    )
    attempt = await repo.add_attempt(
        served_id=served.id, tenant_id=tenant, user_id=row.id, question_id="q", answer="a"
    )
    await repo.save_grade(attempt.id, {"grader": "offline", "provisional": False}, score)


async def test_discord_dms_move_from_one_shared_tenant_to_one_per_user(engine: AsyncEngine):
    """Regression: every Discord DM was the tenant `discord:dm`, so a DM leaderboard listed the
    DM users of every server."""
    await migrate(engine)
    await migrate_to(engine, "0005")  # the schema before the move
    repo = Repository(engine)
    await practised(repo, "discord:dm", "111", 8.0)
    await practised(repo, "discord:dm", "222", 6.0)
    await practised(repo, "discord:999", "111", 5.0)  # a guild: stays

    await migrate_to(engine, "head")

    assert await repo.leaderboard("discord:dm") == []
    mine = await repo.leaderboard("discord:dm:111")
    assert [(s.user, s.points) for s in mine] == [("111", 8.0)]
    assert [(s.user, s.points) for s in await repo.leaderboard("discord:dm:222")] == [("222", 6.0)]
    assert [(s.user, s.points) for s in await repo.leaderboard("discord:999")] == [("111", 5.0)]
    user = await repo.user("discord:dm:111", "111")
    assert len(await repo.attempts("discord:dm:111", user.id)) == 1
