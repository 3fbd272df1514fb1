"""Handling each Slack event once, across retries and across bot instances.

Slack redelivers an event (same `event_id`, `X-Slack-Retry-Num: n`) when it thinks the first
delivery failed, and any instance behind the load balancer may get the copy. The first instance to
claim the id handles the event; the others drop it. Claims live in Redis (`SET NX EX`) when
`REDIS_URL` is set, otherwise in a small table of the bot's database (an insert that does nothing
on conflict). Slack stops retrying after a few minutes, so claims expire after an hour.

A claim store that fails lets the event through: the engine never grades one question twice, so
the worst case is a duplicate "already answered" note, never a lost answer.
"""

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(hours=1)
PRUNE_EVERY = 600.0  # seconds between deletions of expired claims
TABLE = "slack_event_claims"


class EventClaims(Protocol):
    async def claim(self, event_id: str) -> bool:
        """True for the first caller with this id (in any instance), False after that."""
        ...

    async def close(self) -> None: ...


class RedisClaims:
    def __init__(self, url: str, *, ttl: timedelta = CLAIM_TTL) -> None:
        self._redis = Redis.from_url(url)
        self._ttl = int(ttl.total_seconds())

    async def claim(self, event_id: str) -> bool:
        try:
            key = f"interview-bot:slack:event:{event_id}"
            return bool(await self._redis.set(key, b"1", nx=True, ex=self._ttl))
        except Exception:
            log.warning("Redis is unavailable; handling event %s without de-dup", event_id)
            return True

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseClaims:
    """Claims in `slack_event_claims(event_id primary key, claimed_at)`, created on first use."""

    def __init__(self, engine: AsyncEngine, *, ttl: timedelta = CLAIM_TTL) -> None:
        self._engine = engine
        self._ttl = ttl
        self._table = Table(
            TABLE,
            MetaData(),
            Column("event_id", String(100), primary_key=True),
            Column("claimed_at", DateTime, nullable=False, index=True),
        )
        self._ready = False
        self._lock = asyncio.Lock()
        self._pruned = time.monotonic()

    async def create_table(self) -> None:
        async with self._lock:
            if not self._ready:
                async with self._engine.begin() as connection:
                    await connection.run_sync(self._table.metadata.create_all)
                self._ready = True

    async def claim(self, event_id: str) -> bool:
        try:
            await self.create_table()
            now = datetime.now(UTC).replace(tzinfo=None)
            insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
            statement = (
                insert(self._table)
                .values(event_id=event_id, claimed_at=now)
                .on_conflict_do_nothing()
            )
            async with self._engine.begin() as connection:
                claimed = (await connection.execute(statement)).rowcount == 1
                if time.monotonic() - self._pruned > PRUNE_EVERY:
                    self._pruned = time.monotonic()
                    expired = self._table.c.claimed_at < now - self._ttl
                    await connection.execute(delete(self._table).where(expired))
            return claimed
        except Exception:
            log.exception(
                "event claims table unavailable; handling event %s without de-dup", event_id
            )
            return True

    async def close(self) -> None:
        """The engine belongs to the app, which disposes of it."""
