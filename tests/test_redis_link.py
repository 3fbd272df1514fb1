"""Redis going away and coming back: rate limits keep working, each change is logged once."""

import logging

import pytest
from redis.asyncio import Redis

from bot.engine.ratelimit import RedisRateLimiter
from bot.redis_link import RedisLink
from tests.redis_process import RedisProcess, free_port

LOGGER = "bot.redis_link"


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and text in r.getMessage()]


async def rate_keys(url: str) -> list[str]:
    client = Redis.from_url(url, decode_responses=True)
    try:
        return await client.keys("interview-bot:rate:*")
    finally:
        await client.aclose()


async def test_rate_limits_are_kept_in_process_when_redis_is_down_from_the_start(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    link = RedisLink(f"redis://127.0.0.1:{free_port()}/0", retry_after=0)
    limiter = RedisRateLimiter(link, limit=2)
    try:
        allowed = [await limiter.allow("slack:T1:ada") for _ in range(3)]
        other = await limiter.allow("slack:T1:bob")
    finally:
        await link.aclose()
    assert allowed == [True, True, False]  # still limited, never an error
    assert other is True
    assert link.state == "degraded"
    assert len(messages(caplog, "Redis is unreachable")) == 1


async def test_redis_cut_mid_run_and_back_each_logged_once(
    redis_server: RedisProcess, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger=LOGGER)
    link = RedisLink(redis_server.url, retry_after=0)
    limiter = RedisRateLimiter(link, limit=100)
    try:
        assert await limiter.allow("slack:T1:ada")
        assert await rate_keys(redis_server.url)  # shared through Redis while it is up
        redis_server.kill()
        during = [await limiter.allow("slack:T1:ada") for _ in range(5)]
        assert link.state == "degraded"
        redis_server.start()  # an empty Redis, as after a restart
        after = [await limiter.allow("slack:T1:ada") for _ in range(3)]
        assert link.state == "ok"
        assert await rate_keys(redis_server.url)  # shared again
    finally:
        await link.aclose()
    assert during == [True] * 5 and after == [True] * 3
    assert len(messages(caplog, "Redis is unreachable")) == 1
    assert len(messages(caplog, "Redis is back")) == 1


async def test_after_a_failure_redis_is_left_alone_for_a_while(redis_server: RedisProcess):
    now = [0.0]
    link = RedisLink(redis_server.url, retry_after=5, clock=lambda: now[0])
    limiter = RedisRateLimiter(link, limit=100)
    try:
        redis_server.kill()
        await limiter.allow("k")
        redis_server.start()
        await limiter.allow("k")  # within the resting period: not even tried
        assert link.state == "degraded" and not await rate_keys(redis_server.url)
        now[0] = 6.0
        await limiter.allow("k")
        assert link.state == "ok" and await rate_keys(redis_server.url)
    finally:
        await link.aclose()
