"""aiosqlite connections that run SQLite's calls on the event loop's own thread.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy's adapter makes four
calls per statement: open a cursor, execute, fetch the rows, close. Each call is a hand-off to
that thread and back (two thread wake-ups), and for a bot's small statements those hand-offs
cost far more than SQLite itself, which answers them in tens of microseconds. So:

- a cursor executes, fetches and closes in one call; its rows wait in the cursor for SQLAlchemy
  to fetch them;
- each call runs inline, with SQLite told not to wait for a lock. Only a call that finds another
  process writing (a CLI import, a second bot on the same file) is handed to the connection's
  thread, to wait there up to the busy timeout while the event loop goes on.

Together they took the engine's overhead per turn from 5.7 ms to about 3 ms (`bench/engine.py`;
2.3 ms of it was the hand-offs).

It overrides aiosqlite's `Connection._execute` (the hand-off to its thread queue, which
SQLAlchemy's own adapter also uses as `_tx`); pyproject pins aiosqlite to the minor version this
was written against.
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
    """Calls run inline and never wait for a lock there; one that finds the database locked is
    retried on the connection's thread, which waits up to `busy_timeout` seconds."""

    busy_timeout = 0.0

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return OneTripCursor(self)

    async def _execute(self, fn, *args, **kwargs):
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if not exc.sqlite_errorname.startswith("SQLITE_BUSY"):  # extended codes too
                raise
        return await super()._execute(self._waiting, partial(fn, *args, **kwargs))

    def _waiting(self, call: Callable[[], Any]) -> Any:
        """`call` on the connection's thread, waiting for the lock as long as allowed."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        try:
            return call()
        finally:
            self._conn.execute("PRAGMA busy_timeout = 0")


def connector(path: str, *, timeout: float) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """`async_creator` for SQLAlchemy's aiosqlite dialect: the file at `path`, waiting up to
    `timeout` seconds for another writer (on the connection's thread). The connection is used
    from the event loop's thread too, and its thread doesn't keep the process up."""

    async def connect() -> aiosqlite.Connection:
        connection = OneTripConnection(
            partial(sqlite3.connect, path, timeout=0, check_same_thread=False),
            ITER_CHUNK_SIZE,
        )
        connection.busy_timeout = timeout
        connection._thread.daemon = True
        return await connection

    return connect
