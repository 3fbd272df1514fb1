"""The Discord adapter: discord.py on one side, the engine's `Incoming`/`Reply` on the other.

Started by `interview-bot run` when `DISCORD_TOKEN` is set. `DISCORD_API_URL` and
`DISCORD_GATEWAY_URL` point it at another Discord-compatible server (a proxy, or the fake in
tests); `DISCORD_SHARD_COUNT` / `DISCORD_SHARD_IDS` make it an `AutoShardedBot`. Everything the
bot says goes out with `AllowedMentions.none()`.

Parts, in `bot/adapters/discord/`: `client` (the bot, intents, command sync), `commands` (slash
commands), `bridge` (events to `Incoming`, replies back), `delivery` (follow-ups, channels,
threads), `render` (embeds, score bar, splitting), `views` (buttons, answer form), `translator`
(localized command names and descriptions).
"""

import asyncio
import contextlib
import logging

import aiohttp
import discord
from aiohttp import web

from bot.adapters.discord.bridge import TENANT_PREFIX, Bridge
from bot.adapters.discord.catchup import CatchUp
from bot.adapters.discord.client import InterviewBot, ShardedInterviewBot, build_bot
from bot.adapters.discord.downloads import AttachmentDownloader
from bot.adapters.discord.translator import CommandTranslator
from bot.adapters.discord_endpoints import DEFAULT_API_URL, use_endpoints
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.events import Reply
from bot.errors import ConfigError

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 10.0
READY_TIMEOUT = 60.0  # then start() returns anyway; discord.py keeps connecting
MAX_UPLOAD_BYTES = 1024 * 1024  # a question bank file; larger ones are refused


class DiscordAdapter:
    name = "discord"

    def __init__(
        self, engine: ConversationEngine, settings: Settings, *, guild_ready_timeout: float = 0.25
    ) -> None:
        """`guild_ready_timeout`: how long discord.py waits for more guilds after the last one
        arrives before it reports ready; every start waits that long (tests shorten it).
        Discord sends a bot's guilds right after READY; one that comes later is still added,
        and its messages handled, when it does."""
        if settings.discord_token is None:
            raise ValueError("the Discord adapter needs DISCORD_TOKEN")
        self._token = settings.discord_token.get_secret_value()
        self._api_url = settings.discord_api_url or DEFAULT_API_URL
        self._engine = engine
        self.bot: InterviewBot | ShardedInterviewBot = build_bot(
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_ids,
            guild_ready_timeout=guild_ready_timeout,
        )
        use_endpoints(self.bot, settings.discord_api_url, settings.discord_gateway_url)
        downloads = AttachmentDownloader(settings.discord_attachment_origins, MAX_UPLOAD_BYTES)
        self.bridge = Bridge(engine, self.bot, downloads)
        self.bot.router = self.bridge
        self.bot.catchup = CatchUp(self.bot, engine, self.bridge.on_message)
        self.bot.translator = CommandTranslator(engine.translator, engine.languages)
        self._task: asyncio.Task[None] | None = None

    def add_routes(self, web_app: web.Application) -> None:
        """Discord needs no HTTP routes: events come over the gateway."""

    async def start(self) -> None:
        """Log in, sync commands, connect; returns once the bot is ready, or after
        `READY_TIMEOUT` while discord.py keeps connecting (so other adapters still start), or
        raises what stopped it (a wrong token, privileged intents not enabled)."""
        if self._task is not None:
            return
        self._engine.add_notifier(self.bridge.notify)
        self._task = asyncio.create_task(self.bot.start(self._token), name="discord-bot")
        ready = asyncio.create_task(self.bot.wait_until_ready())
        try:
            done, _ = await asyncio.wait(
                {self._task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            ready.cancel()
        if self._task in done:
            self._raise_why_it_stopped(self._task)
            raise RuntimeError("the Discord bot stopped while starting")
        if ready not in done:
            log.warning("Discord: not ready after %.0f s; still connecting", READY_TIMEOUT)
        self._task.add_done_callback(_report_exit)  # from now on nobody awaits it

    def _raise_why_it_stopped(self, task: "asyncio.Task[None]") -> None:
        """What the operator must fix, in one line (ConfigError), or the error itself."""
        try:
            task.result()
        except discord.LoginFailure as exc:
            raise ConfigError(
                "DISCORD_TOKEN: Discord refused the token (401 Unauthorized); copy the bot "
                "token again from the Discord developer portal"
            ) from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise ConfigError(
                "DISCORD_TOKEN: the bot needs the Message Content intent; enable it in the "
                "Discord developer portal (Bot > Privileged Gateway Intents)"
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConfigError(
                f"cannot reach Discord at DISCORD_API_URL={self._api_url} "
                f"({type(exc).__name__}: {exc})"
            ) from exc

    async def close(self) -> None:
        await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, CLOSE_TIMEOUT)

    @property
    def ready(self) -> bool:
        """Connected to the gateway (for `/readyz`)."""
        return self.bot.is_ready() and not self.bot.is_closed()

    async def post_daily(
        self, tenant: str, channel: str, thread: str | None, replies: list[Reply]
    ) -> tuple[str, str | None]:
        """The daily scheduler's poster: a daily question opens its answer thread; a summary
        goes into the question's thread. Returns (message id, thread id)."""
        if not tenant.startswith(TENANT_PREFIX):
            raise ValueError(f"{tenant} is not a Discord tenant")
        return await self.bridge.post(int(channel), int(thread) if thread else None, replies)


def _report_exit(task: "asyncio.Task[None]") -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("the Discord bot stopped", exc_info=error)
