"""Handling each Slack event once, across retries, replays and bot instances.

Slack redelivers an event (same `event_id`, `X-Slack-Retry-Num: n`) when it thinks the first
delivery failed, and any instance behind the load balancer may get the copy. A signed request
captured on the way can also be replayed, byte for byte, while its timestamp is fresh (five
minutes); slash commands and button clicks carry no id of their own, so their signature is the
key. The first instance to claim a key handles the request; the others drop it. Claims live in
Redis (`SET NX EX`) when `REDIS_URL` is set, otherwise in a small table of the bot's database (an
insert that does nothing on conflict). Slack stops retrying after a few minutes, so claims expire
after an hour.

Every claim is also kept in process. When the shared store fails, that in-process record decides
(logged once per outage): a retry reaching the same instance is still dropped, one reaching
another instance may be handled twice, and the engine never grades one question twice.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conflict_insert import conflict_insert

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(hours=1)
PRUNE_EVERY = 600.0  # seconds between deletions of expired claims
TABLE = "slack_event_claims"
MEMORY_CLAIMS = 100_000  # in-process claims kept at most (oldest dropped first)
REDIS_TIMEOUT = 2.0  # seconds: a Redis that doesn't answer counts as down
RETRY_AFTER = 5.0  # seconds the in-process record decides alone after a store failure


class EventClaims(Protocol):
    async def claim(self, key: str) -> bool:
        """True for the first caller with this key (in any instance), False after that."""
        ...

    async def close(self) -> None: ...


class MemoryClaims:
    """Claims in this process only, each kept for `ttl` (at most `size` of them)."""

    def __init__(
        self,
        *,
        ttl: timedelta = CLAIM_TTL,
        size: int = MEMORY_CLAIMS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl.total_seconds()
        self._size = size
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()  # in claim (= expiry) order

    def claim(self, key: str) -> bool:
        now = self._clock()
        while self._expiry and next(iter(self._expiry.values())) <= now:
            self._expiry.popitem(last=False)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self._ttl
        while len(self._expiry) > self._size:
            self._expiry.popitem(last=False)
        return True


class _Outage:
    """Whether the shared store is to be skipped for now; logs each outage once."""

    def __init__(self, store: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self._until: float | None = None

    @property
    def active(self) -> bool:
        return self._until is not None and self._clock() < self._until

    def failed(self, exc: Exception) -> None:
        if self._until is None:
            log.warning(
                "%s is unavailable (%s); Slack de-dup continues in process",
                self._store,
                type(exc).__name__,
            )
        self._until = self._clock() + RETRY_AFTER

    def succeeded(self) -> None:
        if self._until is not None:
            log.info("%s is back; Slack de-dup is shared again", self._store)
        self._until = None


class RedisClaims:
    def __init__(self, url: str, *, ttl: timedelta = CLAIM_TTL) -> None:
        from redis.asyncio import Redis  # only with REDIS_URL: the client takes 0.07 s to import

        self._redis = Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self._ttl = int(ttl.total_seconds())
        self._local = MemoryClaims(ttl=ttl)
        self._outage = _Outage("Redis")

    async def claim(self, key: str) -> bool:
        first_here = self._local.claim(key)
        if self._outage.active:
            return first_here
        try:
            redis_key = f"interview-bot:slack:event:{key}"
            first = bool(await self._redis.set(redis_key, b"1", nx=True, ex=self._ttl))
        except Exception as exc:  # any Redis or connection error: decide in process
            self._outage.failed(exc)
            return first_here
        self._outage.succeeded()
        return first and first_here

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseClaims:
    """Claims in `slack_event_claims(event_id primary key, claimed_at)`, a table of the bot's
    migrations (`0007_slack_stores`)."""

    def __init__(self, engine: AsyncEngine, *, ttl: timedelta = CLAIM_TTL) -> None:
        self._engine = engine
        self._ttl = ttl
        self._table = Table(
            TABLE,
            MetaData(),
            Column("event_id", String(100), primary_key=True),
            Column("claimed_at", DateTime, nullable=False, index=True),
        )
        self._pruned = time.monotonic()
        self._local = MemoryClaims(ttl=ttl)
        self._outage = _Outage("The Slack claims table")

    async def claim(self, key: str) -> bool:
        first_here = self._local.claim(key)
        if self._outage.active:
            return first_here
        try:
            first = await self._insert(key)
        except Exception as exc:  # any database error: decide in process
            self._outage.failed(exc)
            return first_here
        self._outage.succeeded()
        return first and first_here

    async def _insert(self, key: str) -> bool:
        now = datetime.now(UTC).replace(tzinfo=None)
        statement = (
            conflict_insert(self._engine, self._table)
            .values(event_id=key, claimed_at=now)
            .on_conflict_do_nothing()
        )
        async with self._engine.begin() as connection:
            claimed = (await connection.execute(statement)).rowcount == 1
            if time.monotonic() - self._pruned > PRUNE_EVERY:
                self._pruned = time.monotonic()
                expired = self._table.c.claimed_at < now - self._ttl
                await connection.execute(delete(self._table).where(expired))
        return claimed

    async def close(self) -> None:
        """The engine belongs to the app, which disposes of it."""


def claims_store(redis_url: str | None, database: AsyncEngine) -> EventClaims:
    """Redis when the bot has one (instances share it anyway), else the bot's database."""
    return RedisClaims(redis_url) if redis_url else DatabaseClaims(database)
