"""The HTTP side of `interview-bot run`: health, readiness and metrics."""

import asyncio

import aiohttp

from bot.app import App
from bot.engine.events import Incoming
from bot.runtime import serve
from tests.conftest import free_port


async def test_healthz_readyz_and_metrics(ingested_app: App):
    ingested_app.settings.port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(ingested_app, [], stop))
    base = f"http://127.0.0.1:{ingested_app.settings.port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            try:
                async with http.get(f"{base}/healthz") as response:
                    assert response.status == 200
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        await ingested_app.engine.handle(Incoming(text="next", user="ada", tenant="slack:T1"))
        async with http.get(f"{base}/readyz") as response:
            ready = await response.json()
        async with http.get(f"{base}/metrics") as response:
            metrics = await response.text()
    stop.set()
    await asyncio.wait_for(server, 10)
    assert ready["ready"] and ready["database"] == "ok" and ready["chroma"] == "ok"
    assert ready["llm"] == "not configured"
    assert 'interview_bot_messages_total{platform="slack"} 1.0' in metrics
    assert "interview_bot_regrade_queue_depth" in metrics
    assert 'interview_bot_daily_posts_total{result="missed"}' in metrics
