"""Per-user limits on graded answers: in process, or shared by every instance through Redis."""

import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Protocol

from bot.redis_link import RedisLink, RedisUnavailable


class RateLimiter(Protocol):
    async def allow(self, key: str) -> bool: ...
    async def close(self) -> None: ...


class MemoryRateLimiter:
    """A sliding window: at most `limit` events per `window` seconds per key."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self._window = window
        self._clock = clock
        self._events: defaultdict[str, deque[float]] = defaultdict(deque)

    async def allow(self, key: str) -> bool:
        now = self._clock()
        events = self._events[key]
        while events and now - events[0] >= self._window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """A fixed window per key in Redis (INCR + EXPIRE), so all instances share the count.

    While Redis is unreachable the count is kept in this process instead: answers are still
    limited, per instance, and never refused because Redis is down."""

    def __init__(self, link: RedisLink, limit: int, window: int = 60) -> None:
        self.limit = limit
        self._window = window
        self._link = link
        self._fallback = MemoryRateLimiter(limit, float(window))

    async def allow(self, key: str) -> bool:
        bucket = f"interview-bot:rate:{key}:{int(time.time()) // self._window}"

        async def count(redis) -> int:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.incr(bucket)
                pipe.expire(bucket, self._window)
                counted, _ = await pipe.execute()
            return int(counted)

        try:
            return await self._link.call(count) <= self.limit
        except RedisUnavailable:
            return await self._fallback.allow(key)

    async def close(self) -> None:
        """The link is the App's to close."""
