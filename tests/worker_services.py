"""Each pytest-xdist worker gets its own PostgreSQL database and Redis database number.

Tests on TEST_DATABASE_URL reset its schema and tests on TEST_REDIS_URL flush it; with the suite
split over worker processes, two of them would otherwise do that under each other's feet.
Worker `gwN` uses the database `<name>_gwN` (created on first use, next to the configured one)
and Redis database N + 1.
"""

import asyncio
import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis's default `databases`


def isolate(worker: str) -> None:
    """Point TEST_DATABASE_URL and TEST_REDIS_URL at this worker's own databases."""
    number = int(worker.removeprefix("gw"))
    if url := os.environ.get("TEST_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = asyncio.run(_own_postgres(url, worker))
    if url := os.environ.get("TEST_REDIS_URL"):
        os.environ["TEST_REDIS_URL"] = _own_redis(url, number)


async def _own_postgres(url: str, worker: str) -> str:
    import asyncpg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{worker}"
    own = urlunsplit(parts._replace(path=f"/{name}"))
    admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql")))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return own


def _own_redis(url: str, number: int) -> str:
    parts = urlsplit(url)
    base = int(parts.path.lstrip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + number + 1) % REDIS_DATABASES}"))
