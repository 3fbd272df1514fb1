"""aiosqlite connections that run each statement in one trip to their thread.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy's adapter makes four
calls per statement: open a cursor, execute, fetch the rows, close. Each call is a hand-off to
that thread and back to the event loop, and on a turn of a few small statements those hand-offs
cost more than SQLite itself. Here a cursor executes, fetches and closes in one call; its rows
wait in the cursor for SQLAlchemy to fetch them. This took the engine's overhead per turn from
5.7 to 3.8 ms (`bench/engine.py`).

It relies on aiosqlite's thread queue (`Connection._execute`), as SQLAlchemy's own adapter does
(`_tx`); pyproject pins aiosqlite to the minor version this was written against.
"""

import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager

ITER_CHUNK_SIZE = 64  # aiosqlite's default


class OneTripCursor(aiosqlite.Cursor):
    """A cursor whose `execute` also fetches every row and closes the sqlite3 cursor; the
    attributes SQLAlchemy reads afterwards (description, rowcount, lastrowid) stay readable."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn, None)  # type: ignore[arg-type]  # made by the first execute
        self._rows: list[Any] = []

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> "OneTripCursor":
        def run() -> tuple[sqlite3.Cursor, list[Any]]:
            cursor = self._conn._conn.cursor()
            try:
                cursor.execute(sql, () if parameters is None else parameters)
                return cursor, cursor.fetchall() if cursor.description else []
            finally:
                cursor.close()

        self._cursor, self._rows = await self._conn._execute(run)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> "OneTripCursor":
        def run() -> sqlite3.Cursor:
            cursor = self._conn._conn.cursor()
            try:
                cursor.executemany(sql, parameters)
                return cursor
            finally:
                cursor.close()

        self._cursor, self._rows = await self._conn._execute(run), []
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []

    @property
    def arraysize(self) -> int:
        return 1 if self._cursor is None else self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        if self._cursor is not None:
            self._cursor.arraysize = value


class OneTripConnection(aiosqlite.Connection):
    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return OneTripCursor(self)


def connector(path: str, *, timeout: float) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """`async_creator` for SQLAlchemy's aiosqlite dialect: the file at `path`, waiting up to
    `timeout` seconds for another writer. Like SQLAlchemy's own connect, the connection may be
    read (never used) from the event loop's thread, and its thread doesn't keep the process up."""

    async def connect() -> aiosqlite.Connection:
        connection = OneTripConnection(
            partial(sqlite3.connect, path, timeout=timeout, check_same_thread=False),
            ITER_CHUNK_SIZE,
        )
        connection._thread.daemon = True
        return await connection

    return connect
