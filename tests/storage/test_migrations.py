"""Data migrations on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

import os
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack.dedup import DatabaseClaims
from bot.storage.database import (
    MIGRATIONS,
    create_engine,
    current_revision,
    head_revision,
    migrate,
)
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
    repo = Repository(engine)  # written with today's tables, then taken back before the move
    await practised(repo, "discord:dm", "111", 8.0)
    await practised(repo, "discord:dm", "222", 6.0)
    await practised(repo, "discord:999", "111", 5.0)  # a guild: stays
    await migrate_to(engine, "0005")  # the schema before the move

    await migrate_to(engine, "head")

    assert await repo.leaderboard("discord:dm") == []
    mine = await repo.leaderboard("discord:dm:111")
    assert [(s.user, s.points) for s in mine] == [("111", 8.0)]
    assert [(s.user, s.points) for s in await repo.leaderboard("discord:dm:222")] == [("222", 6.0)]
    assert [(s.user, s.points) for s in await repo.leaderboard("discord:999")] == [("111", 5.0)]
    user = await repo.user("discord:dm:111", "111")
    assert len(await repo.attempts("discord:dm:111", user.id)) == 1


def _slack_stores(engine: AsyncEngine):
    installations = AsyncSQLAlchemyInstallationStore(client_id="1111.2222", engine=engine)
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    return installations, states


def _columns(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {name: {c["name"] for c in inspector.get_columns(name)} for name in SLACK_TABLES}


SLACK_TABLES = ("slack_event_claims", "slack_installations", "slack_bots", "slack_oauth_states")
INSTALLATION = Installation(
    app_id="A0APP",
    enterprise_id=None,
    team_id="T0TEAM",
    bot_token="xoxb-installed",
    bot_id="B0BOT",
    bot_user_id="U0BOT",
    bot_scopes=["chat:write"],
    user_id="U0INSTALLER",
)


async def test_migrations_create_the_slack_claims_and_oauth_tables_the_stores_use(
    engine: AsyncEngine,
):
    """The Slack adapter used to create these with `create_all` at start-up, outside the history
    (a fresh database had no OAuth tables until the adapter ran)."""
    await migrate(engine)
    installations, states = _slack_stores(engine)
    async with engine.connect() as connection:
        found = await connection.run_sync(_columns)
    # The migrated columns are the ones slack_sdk's own table definitions read and write.
    for table in (*installations.metadata.tables.values(), *states.metadata.tables.values()):
        assert found[table.name] == {column.name for column in table.columns}, table.name
    assert found["slack_event_claims"] == {"event_id", "claimed_at"}

    await installations.async_save(INSTALLATION)
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T0TEAM")
    assert bot is not None and bot.bot_token == "xoxb-installed"
    state = await states.async_issue()
    assert await states.async_consume(state) and not await states.async_consume(state)
    one, two = DatabaseClaims(engine), DatabaseClaims(engine)
    assert await one.claim("Ev1") and not await two.claim("Ev1")


async def test_slack_tables_an_earlier_version_created_keep_their_rows(engine: AsyncEngine):
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _upgrade_to("0006", sync))
    installations, states = _slack_stores(engine)
    await installations.create_tables()  # what the adapter did at start-up before 0007
    await states.create_tables()
    await installations.async_save(INSTALLATION)

    await migrate(engine)

    bot = await installations.async_find_bot(enterprise_id=None, team_id="T0TEAM")
    assert bot is not None and bot.bot_token == "xoxb-installed"
    assert await DatabaseClaims(engine).claim("Ev1")


def _upgrade_to(revision: str, connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def test_the_head_read_off_file_names_is_alembics_head():
    """`migrate` skips Alembic when the database is at `head_revision()`: a migration named
    against the `NNNN_what.py` convention would leave databases behind."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [head_revision()]


async def test_a_database_one_revision_behind_is_brought_to_head(engine):
    await migrate(engine)
    async with engine.connect() as connection:
        head = await connection.run_sync(current_revision)
    assert head == head_revision()
    await migrate_to(engine, "0009")
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(current_revision) == head
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("served_questions")}
        )
    assert "follow_up_rubric" in columns
