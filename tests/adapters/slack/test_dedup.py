"""Slack de-dup claims: first caller wins, in process when the shared store is down."""

import logging
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.slack.dedup import DatabaseClaims, MemoryClaims, RedisClaims
from bot.storage.database import create_engine, migrate


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_memory_claims_expire_and_stay_bounded() -> None:
    now = [0.0]
    claims = MemoryClaims(ttl=timedelta(seconds=10), size=3, clock=lambda: now[0])
    assert claims.claim("a") and not claims.claim("a")
    now[0] = 11.0
    assert claims.claim("a")  # expired, so a new first claim
    for key in ("b", "c", "d"):
        assert claims.claim(key)
    assert claims.claim("a")  # the oldest was dropped to keep three


async def test_with_redis_down_replays_are_still_dropped_and_the_outage_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    claims = RedisClaims(f"redis://127.0.0.1:{closed_port()}")
    try:
        with caplog.at_level(logging.WARNING, logger="bot.adapters.slack.dedup"):
            assert await claims.claim("request:v0=abc")
            assert not await claims.claim("request:v0=abc")
            assert await claims.claim("Ev1") and not await claims.claim("Ev1")
    finally:
        await claims.close()
    outages = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outages) == 1


async def test_with_the_claims_table_unusable_replays_are_dropped_in_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "claims.db"
    broken.write_bytes(b"this is not an SQLite database\n" * 64)
    engine = create_engine(f"sqlite:///{broken}")
    claims = DatabaseClaims(engine)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.adapters.slack.dedup"):
            assert await claims.claim("request:v0=abc")
            assert not await claims.claim("request:v0=abc")
    finally:
        await engine.dispose()
    assert sum("unavailable" in r.getMessage() for r in caplog.records) == 1


async def test_database_claims_are_shared_between_instances(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/claims.db")
    try:
        await migrate(engine)
        one, two = DatabaseClaims(engine), DatabaseClaims(engine)
        assert await one.claim("Ev1")
        assert not await two.claim("Ev1")
        assert await two.claim("Ev2") and not await one.claim("Ev2")
    finally:
        await engine.dispose()
