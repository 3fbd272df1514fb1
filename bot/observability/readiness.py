"""What `/readyz` reports: the real state of each dependency.

A part the bot can't work without fails readiness: a database that can't be written, an
unreachable Chroma. A part with a fallback only degrades it: Redis (rate limits and the verdict
cache fall back to this process's memory) and the LLM (an open circuit means offline,
provisional grades, re-graded later). Each check is bounded, so a hung dependency can't hang
the probe.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

OK = "ok"
NOT_CONFIGURED = "not configured"
CHECK_SECONDS = 5.0
# Writes nothing, but needs the write lock: a read-only file or database fails it.
WRITE_PROBE = text("UPDATE tenants SET id = id WHERE 1 = 0")


class Probe(Protocol):
    async def probe(self) -> str: ...


async def database_state(engine: AsyncEngine) -> str:
    async def check() -> None:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            try:
                await connection.execute(WRITE_PROBE)
            finally:
                await transaction.rollback()

    return await _bounded(check())


async def chroma_state(count: Callable[[], Awaitable[object]]) -> str:
    return await _bounded(count())


async def redis_state(link: Probe | None) -> str:
    if link is None:
        return NOT_CONFIGURED
    if await link.probe() == OK:
        return OK
    return "degraded: unreachable, using in-process state"


def llm_state(circuit: str | None) -> str:
    """`circuit` is the breaker's state, None without an LLM."""
    if circuit is None:
        return NOT_CONFIGURED
    if circuit == "closed":
        return OK
    return f"degraded: circuit {circuit.replace('_', '-')}, grading offline"


async def _bounded(check: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(check, CHECK_SECONDS)
    except Exception as exc:  # reported, not raised: this is a health endpoint
        return f"error: {type(exc).__name__}"
    return OK
