"""`interview-bot run`: every adapter whose credentials are set, one HTTP server, until SIGTERM.

Each adapter has `start()` and `close()`, and may have `ready` (connected); `App` builds them
(`App.platform_adapters`). The HTTP server
on `PORT` carries `/healthz` (liveness), `/readyz` (database writable, Chroma, Redis, LLM circuit,
adapters; see `bot.observability.readiness`), `/metrics` (Prometheus) and whatever routes adapters
add (Slack's `/slack/events` in HTTP mode).

On SIGTERM: adapters stop taking work and close their gateways, the scheduler and background
re-grades stop (provisional grades stay stored and are re-queued at the next start), and the
process exits within `SHUTDOWN_SECONDS`.
"""

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.adapters import Adapter
from bot.app import App
from bot.observability.readiness import OK, chroma_state, database_state, llm_state, redis_state

log = logging.getLogger(__name__)


SHUTDOWN_SECONDS = 8.0
MAINTENANCE_SECONDS = 3600.0


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def readiness(app: App, adapters: list[Adapter]):
    async def readyz(_request: web.Request) -> web.Response:
        connected = {a.name: bool(getattr(a, "ready", True)) for a in adapters}
        checks: dict[str, object] = {
            "database": await database_state(app.database),
            "chroma": await chroma_state(app.bank.store.check),
            "redis": await redis_state(app.redis),
            "llm": llm_state(app.chat.breaker.state if app.chat is not None else None),
            "adapters": connected,
        }
        # Redis and the LLM have fallbacks: degraded, they don't make the bot unready.
        ok = checks["database"] == OK and checks["chroma"] == OK and all(connected.values())
        return web.json_response({"ready": ok, **checks}, status=200 if ok else 503)

    return readyz


def metrics_view(app: App):
    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=app.metrics.render(), content_type="text/plain")

    return metrics


async def maintenance(app: App) -> None:
    """Hourly: purge answer texts past the retention period."""
    while True:
        if app.settings.retention_days:
            cutoff = datetime.now(UTC) - timedelta(days=app.settings.retention_days)
            purged = await app.repository.purge_answers(cutoff.replace(tzinfo=None))
            if purged:
                log.info("retention: purged %d answer texts", purged)
        await asyncio.sleep(MAINTENANCE_SECONDS)


async def serve(app: App, adapters: list[Adapter], stop: asyncio.Event) -> None:
    """Run until `stop` is set; then close adapters and the HTTP server."""
    # Grades announced before the adapters listen (made while resuming) wait for them.
    app.engine.hold_notifications()
    await app.prepare()
    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readiness(app, adapters))
    web_app.router.add_get("/metrics", metrics_view(app))
    for adapter in adapters:
        adapter.add_routes(web_app)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", app.settings.port)
    await site.start()
    log.info("listening on port %s", app.settings.port)
    background = [
        asyncio.create_task(app.scheduler.run_forever(), name="daily-scheduler"),
        asyncio.create_task(maintenance(app), name="maintenance"),
    ]
    try:
        await asyncio.gather(*(_start(adapter) for adapter in adapters))
        app.start_background()
        await app.engine.release_notifications()
        await stop.wait()
        log.info("shutting down")
    finally:
        for task in background:
            task.cancel()
        # Wait for them to stop before the database closes: a scheduler tick cancelled in the
        # middle of a query would otherwise wait on the closed pool, and the process never exit.
        with contextlib.suppress(Exception, TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*background, return_exceptions=True), SHUTDOWN_SECONDS
            )
        closing = [adapter.close() for adapter in adapters]
        with contextlib.suppress(Exception, TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*closing, return_exceptions=True), SHUTDOWN_SECONDS
            )
        await runner.cleanup()
        await app.aclose()


async def _start(adapter: Adapter) -> None:
    await adapter.start()
    log.info("%s adapter started", adapter.name)


async def run(app: App, adapters: list[Adapter]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await serve(app, adapters, stop)
    return 0
