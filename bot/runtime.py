"""`interview-bot run`: every adapter whose credentials are set, one HTTP server, until SIGTERM.

Each adapter has `start()` and `close()`; the HTTP server on `PORT` carries `/healthz` and whatever
routes adapters add (Slack's `/slack/events` in HTTP mode).
"""

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from aiohttp import web

from bot.app import App

log = logging.getLogger(__name__)


class Adapter(Protocol):
    name: str

    def add_routes(self, web_app: web.Application) -> None: ...
    async def start(self) -> None: ...
    async def close(self) -> None: ...


def configured_adapters(app: App) -> list[Adapter]:
    adapters: list[Adapter] = []
    if app.settings.discord_token:
        from bot.adapters.discord_adapter import DiscordAdapter

        adapters.append(DiscordAdapter(app))
    if app.settings.slack_bot_token or app.settings.slack_client_id:
        from bot.adapters.slack_adapter import SlackAdapter

        adapters.append(SlackAdapter(app))
    return adapters


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def serve(app: App, adapters: list[Adapter], stop: asyncio.Event) -> None:
    """Run until `stop` is set; then close adapters and the HTTP server."""
    await app.start()
    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    for adapter in adapters:
        adapter.add_routes(web_app)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", app.settings.port)
    await site.start()
    log.info("listening on port %s", app.settings.port)
    try:
        for adapter in adapters:
            await adapter.start()
            log.info("%s adapter started", adapter.name)
        await stop.wait()
    finally:
        for adapter in adapters:
            with contextlib.suppress(Exception):
                await adapter.close()
        await runner.cleanup()
        await app.aclose()


async def run(app: App, adapters: list[Adapter]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await serve(app, adapters, stop)
    return 0
