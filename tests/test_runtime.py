"""The HTTP side of `interview-bot run`: health, readiness and metrics."""

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App
from bot.engine.events import Incoming
from bot.runtime import serve
from tests.conftest import free_port


async def test_healthz_readyz_and_metrics(ingested_app: App):
    async with serving(ingested_app) as get:
        await ingested_app.engine.handle(Incoming(text="next", user="ada", tenant="slack:T1"))
        _, ready = await readyz(get)
        async with get("/metrics") as response:
            metrics = await response.text()
    assert ready["ready"] and ready["database"] == "ok" and ready["chroma"] == "ok"
    assert ready["llm"] == "not configured"
    assert 'interview_bot_messages_total{platform="slack"} 1.0' in metrics
    assert "interview_bot_regrade_queue_depth" in metrics
    assert 'interview_bot_daily_posts_total{result="missed"}' in metrics


Get = Callable[[str], Any]  # a path -> an aiohttp request context


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[Get]:
    """`interview-bot run`'s server for `app` on a free port, once `/healthz` answers; stopped
    after. Yields a GET on a path."""
    app.settings.port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(app, [], stop))
    base = f"http://127.0.0.1:{app.settings.port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_serving(http, base)
            yield lambda path: http.get(base + path)
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)


async def readyz(get: Get) -> tuple[int, dict]:
    async with get("/readyz") as response:
        return response.status, await response.json()


async def wait_serving(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(200):
        try:
            async with http.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError("the server did not start")


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file can't be written, by this process either (root ignores file modes: chattr)."""
    os.chmod(path, 0o444)
    immutable = os.geteuid() == 0
    if immutable:
        chattr = shutil.which("chattr")
        done = subprocess.run([chattr, "+i", str(path)], capture_output=True) if chattr else None
        if done is None or done.returncode != 0:
            os.chmod(path, 0o644)
            pytest.skip("running as root without chattr +i: can't make a read-only file")
    try:
        yield
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(path)], check=True)
        os.chmod(path, 0o644)


async def test_an_unwritable_database_fails_readyz_and_answers_say_nothing_was_saved(
    ingested_app: App,
):
    app = ingested_app
    await app.prepare_storage()
    (question,) = await app.engine.handle(Incoming(text="next", user="ada", tenant="slack:T1"))
    asked = next(q for q in app.bank.questions() if q.question in question.text)
    database = app.settings.data_dir / "interview-bot.db"
    async with serving(app) as get:
        with read_only(database):
            await app.database.dispose()  # the next connections open the file as it is now
            status, ready = await readyz(get)
            answer = Incoming(text=" ".join(asked.key_points), user="ada", tenant="slack:T1")
            (refused,) = await app.engine.handle(answer)
            await app.database.dispose()
        (hint,) = await app.engine.handle(Incoming(text="hint", user="ada", tenant="slack:T1"))
    assert status == 503 and not ready["ready"]
    assert ready["database"].startswith("error:") and ready["chroma"] == "ok"
    assert "couldn't save that" in refused.text and "nothing was recorded" in refused.text
    assert "Hint" in hint.text  # the question stayed open for the answer to be sent again


async def test_readyz_fails_while_the_chroma_server_is_unreachable(app: App):
    app.settings.chroma_host, app.settings.chroma_port = "127.0.0.1", free_port()  # no server
    async with serving(app) as get:
        status, ready = await readyz(get)
    assert status == 503 and not ready["ready"]
    assert ready["chroma"] == "error: StoreUnavailable" and ready["database"] == "ok"


async def test_readyz_shows_redis_and_an_open_llm_circuit_as_degraded_not_failing(
    ingested_app: App,
):
    app = ingested_app
    app.settings.redis_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app.settings.openai_base_url = f"http://127.0.0.1:{free_port()}/v1"
    async with serving(app) as get:
        _, closed = await readyz(get)
        assert app.chat is not None
        for _ in range(app.settings.llm_breaker_failures):
            app.chat.breaker.record_failure()
        status, ready = await readyz(get)
    assert closed["llm"] == "ok"
    assert status == 200 and ready["ready"] and ready["database"] == "ok"
    assert ready["redis"].startswith("degraded") and ready["llm"].startswith("degraded")
