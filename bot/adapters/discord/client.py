"""The discord.py bot: intents, mentions, command sync and event wiring.

Intents: guilds (channels, threads, roles), guild and DM messages, and message content, which is
privileged: without it Discord sends empty `content` for messages that don't mention the bot, and
answers typed into a question's thread or a DM could not be read.
"""

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bridge import Bridge
from bot.adapters.discord.catchup import CatchUp
from bot.adapters.discord.commands import PracticeCommands
from bot.adapters.discord.translator import CommandTranslator
from bot.adapters.discord.views import EngineButton

log = logging.getLogger(__name__)


# What the bot needs in a channel: read it, post, embed grades, attach charts, quote the answer it
# grades (replying needs Read Message History), open a thread per question and post in it.
PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


class _Events(commands.Cog):
    def __init__(self, bridge: Bridge, catchup: CatchUp) -> None:
        self.bridge = bridge
        self.catchup = catchup

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.catchup.on_message(message)

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        self.catchup.on_disconnect()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self.catchup.on_resumed()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.catchup.on_ready()

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_interaction(interaction)


class _Setup:
    """Shared by the plain and the sharded bot: commands, buttons and listeners in
    `setup_hook`, which runs after login (the application id is known) and before the gateway."""

    router: Bridge
    catchup: CatchUp
    translator: CommandTranslator

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: messages reach the engine through `_Events` only."""

    async def setup_hook(self) -> None:
        bot: commands.Bot = self  # type: ignore[assignment]
        bot.add_dynamic_items(EngineButton)
        await bot.add_cog(_Events(self.router, self.catchup))
        await bot.add_cog(PracticeCommands(self.router))
        bot.tree.on_error = self.router.on_command_error  # type: ignore[method-assign]
        await bot.tree.set_translator(self.translator)
        try:
            synced = await bot.tree.sync()
        except discord.HTTPException:
            log.exception("syncing slash commands failed; the ones synced before stay")
        else:
            log.info("synced %d slash commands", len(synced))
        if bot.application_id is not None:
            log.info("invite the bot with %s", invite_url(bot.application_id))


class InterviewBot(_Setup, commands.Bot):
    pass


class ShardedInterviewBot(_Setup, commands.AutoShardedBot):
    pass


def build_bot(
    *,
    shard_count: int | None = None,
    shard_ids: list[int] | None = None,
    **options: Any,
) -> InterviewBot | ShardedInterviewBot:
    """The bot, sharded when a shard count or shard ids are given (then it also identifies on
    several shards from one process)."""
    common: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,  # unused: see `_Setup.on_message`
        "help_command": None,
        "intents": intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "allowed_contexts": app_commands.AppCommandContext(guild=True, dm_channel=True),
        "allowed_installs": app_commands.AppInstallationType(guild=True),
        **options,
    }
    if shard_count is not None or shard_ids is not None:
        return ShardedInterviewBot(shard_count=shard_count, shard_ids=shard_ids, **common)
    return InterviewBot(**common)
