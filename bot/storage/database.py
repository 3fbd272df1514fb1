"""Opening the database: SQLite (WAL, busy timeout) by default, PostgreSQL when configured.

`migrate` brings the schema to the latest Alembic revision before anything else runs. Alembic
itself (0.1 s and 11 MB to import, more to read the scripts) loads only when the database is
behind: the revision a database is at is one query.
"""

from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState

from bot.errors import ConfigError
from bot.storage.sqlite_driver import connector

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15000


def normalise_url(url: str) -> str:
    """Accept the usual spellings and pick the async drivers."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


def create_engine(url: str) -> AsyncEngine:
    url = normalise_url(url)
    if url.startswith("sqlite+aiosqlite:///"):
        path = url.removeprefix("sqlite+aiosqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer at a time. One pooled connection queues this process's work in
        # order instead of failing with "database is locked" under load; a write that finds
        # another process (or a migration) writing waits on the busy timeout, off the event
        # loop (see sqlite_driver).
        engine = create_async_engine(
            url,
            async_creator=connector(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000),
            pool_size=1,
            max_overflow=0,
            pool_timeout=120,
            pool_reset_on_return=None,  # see _reset_open_transaction
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _reset_open_transaction)
        return engine
    if not url.startswith("postgresql+asyncpg://"):
        raise ConfigError(f"DATABASE_URL: unsupported database {url.split(':', 1)[0]!r}")
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes in WAL mode, and fast
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _reset_open_transaction(dbapi_connection, _record, state: PoolResetState) -> None:
    """The pool's rollback on return, only if a transaction is still open. Each session ends its
    transaction itself, and every call into aiosqlite is a trip to its thread and back: the
    default, an unconditional rollback, was one more trip at the end of every session."""
    if state.terminate_only or not state.asyncio_safe or state.transaction_was_reset:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def head_revision() -> str:
    """The newest migration's revision, read off the file names: `NNNN_what.py` holds revision
    "NNNN" (a test checks this against Alembic's own head)."""
    names = (path.name for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
    return max(name.split("_", 1)[0] for name in names)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None before the first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(connection: Connection) -> None:
    if current_revision(connection) == head_revision():
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
