"""The SQLite connections run each statement in one trip; results must be what SQLite gives."""

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage.database import create_engine


@pytest.fixture
async def database(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE)")
        )
    yield engine
    await engine.dispose()


async def test_rows_rowcounts_and_returning_come_back_as_sqlite_gives_them(database):
    async with database.begin() as connection:
        inserted = await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), [{"body": f"n{i}"} for i in range(150)]
        )
        assert inserted.rowcount == 150
        returned = await connection.execute(
            text("INSERT INTO notes (body) VALUES ('last') RETURNING id, body")
        )
        assert returned.one() == (151, "last")
        updated = await connection.execute(
            text("UPDATE notes SET body = body || '!' WHERE id <= 10")
        )
        assert updated.rowcount == 10
    async with database.connect() as connection:
        rows = (await connection.execute(text("SELECT id, body FROM notes ORDER BY id"))).all()
        assert len(rows) == 151 and rows[0] == (1, "n0!") and rows[-1] == (151, "last")
        streamed = [row async for row in await connection.stream(text("SELECT id FROM notes"))]
        assert len(streamed) == 151
        first = (await connection.execute(text("SELECT body FROM notes WHERE id = 12"))).first()
        assert first == ("n11",)
        none = (await connection.execute(text("SELECT body FROM notes WHERE id = -1"))).first()
        assert none is None


async def test_a_failed_statement_raises_and_the_connection_keeps_working(database):
    async with database.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('once')"))
    with pytest.raises(IntegrityError):
        async with database.begin() as connection:
            await connection.execute(text("INSERT INTO notes (body) VALUES ('again')"))
            await connection.execute(text("INSERT INTO notes (body) VALUES ('once')"))
    async with database.connect() as connection:
        bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
    assert bodies == ["once"]  # the failed transaction left nothing behind


async def test_a_write_waits_for_another_process_without_stalling_the_bot(database, tmp_path: Path):
    """Statements run on the event loop's thread; one that finds another writer (a CLI import,
    a second bot on the same file) waits for it on the connection's thread instead, so other
    users' turns go on meanwhile, and it is stored once the other writer is done."""
    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    other.execute("INSERT INTO notes (body) VALUES ('theirs')")

    async def write() -> None:
        async with database.begin() as connection:
            await connection.execute(text("INSERT INTO notes (body) VALUES ('ours')"))

    writing = asyncio.create_task(write())
    ticks = 0
    while ticks < 20:  # the loop keeps running while the write waits
        await asyncio.sleep(0.01)
        ticks += 1
    assert not writing.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 5)
    async with database.connect() as connection:
        bodies = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).scalars()
        assert bodies.all() == ["theirs", "ours"]
