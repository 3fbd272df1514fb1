"""One Redis connection for the parts that share state through it, and what they do when it fails.

Redis holds nothing that can't be rebuilt: rate-limit windows and cached verdicts. So when it
stops answering, each user of it falls back to state in this process and the bot keeps working.
The outage is logged once, and so is the recovery. After a failure Redis is left alone for
`retry_after` seconds, so an outage doesn't add a connection attempt to every answer.
"""

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

T = TypeVar("T")
State = Literal["ok", "degraded"]


class RedisUnavailable(Exception):
    """Redis didn't answer (or is resting after a failure): use the in-process fallback."""


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 1.0,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # One immediate retry replaces a pooled connection Redis dropped (a restart); more would
        # only make an outage slower to notice.
        self._redis: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
        )
        self._retry_after = retry_after
        self._clock = clock
        self._down_since: float | None = None
        self._last_try = 0.0

    @property
    def state(self) -> State:
        return "ok" if self._down_since is None else "degraded"

    async def call(self, operation: Callable[["Redis"], Awaitable[T]]) -> T:
        """`operation(redis)`, or RedisUnavailable if Redis fails or is resting after a failure."""
        from redis.exceptions import RedisError

        if self._down_since is not None and self._clock() - self._last_try < self._retry_after:
            raise RedisUnavailable
        self._last_try = self._clock()
        try:
            result = await operation(self._redis)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            raise RedisUnavailable from exc
        self._recovered()
        return result

    async def probe(self) -> State:
        """Redis's state for `/readyz`: a PING, unless the link is resting after a failure (then
        "degraded" at once, so a hung Redis can't make the probe slow)."""
        with contextlib.suppress(RedisUnavailable):
            await self.call(lambda redis: redis.ping())
        return self.state

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _failed(self, exc: BaseException) -> None:
        if self._down_since is None:
            self._down_since = self._clock()
            log.warning(
                "Redis is unreachable (%s); rate limits and the verdict cache use this "
                "process's memory until it is back",
                type(exc).__name__,
            )

    def _recovered(self) -> None:
        if self._down_since is not None:
            outage = self._clock() - self._down_since
            self._down_since = None
            log.info("Redis is back after %.0f s; shared state is used again", outage)
