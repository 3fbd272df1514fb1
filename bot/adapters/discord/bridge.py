"""Discord events in, `Incoming` to the engine, replies back out. No behaviour of its own.

Places: a guild is the tenant `discord:<guild id>`; a user's direct messages with the bot are
that user's own tenant, `discord:dm:<user id>`: DMs of people from unrelated servers share
nothing, not even a leaderboard.
A message in a thread has the thread's parent as its channel and the thread as its thread, which
is where the engine expects the answer to a question whose thread was attached.

Every interaction is acknowledged first (deferred, within Discord's 3 seconds) and answered with
follow-ups, because almost anything may end up grading an answer.
"""

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import discord
from discord.utils import escape_markdown

from bot.adapters.discord.attachments import Unread, read_attachments
from bot.adapters.discord.delivery import (
    ChannelSink,
    Failure,
    InteractionSink,
    PushSink,
    deliver,
)
from bot.adapters.discord.downloads import AttachmentDownloader
from bot.adapters.discord.render import render, thread_name
from bot.adapters.discord.translator import language_of
from bot.adapters.discord.views import ANSWER_ACTION, AnswerModal, answer_text
from bot.engine.commands import Command
from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Attachment, Incoming, Reply
from bot.i18n.catalog import N_, Translator

log = logging.getLogger(__name__)

TENANT_PREFIX = "discord:"
DM_TENANT = "discord:dm:"  # + the user id
SOMETHING_WRONG = N_("Something went wrong. Please try again.")
PRIVATE_ACTIONS = frozenset({"hint", "vote"})  # whose replies are for the clicker only


def tenant_for(guild_id: int | None, user_id: int) -> str:
    return f"{TENANT_PREFIX}{guild_id}" if guild_id else f"{DM_TENANT}{user_id}"


@dataclass(frozen=True)
class Place:
    tenant: str
    channel: str
    thread: str | None
    is_dm: bool


def place_of(channel: object, channel_id: int | None, guild_id: int | None, user_id: int) -> Place:
    tenant = tenant_for(guild_id, user_id)
    if isinstance(channel, discord.Thread):
        return Place(tenant, str(channel.parent_id), str(channel.id), False)
    return Place(tenant, str(channel_id), None, guild_id is None)


class Bridge:
    def __init__(
        self, engine: ConversationEngine, client: discord.Client, downloads: AttachmentDownloader
    ) -> None:
        self._engine = engine
        self._client = client
        self._downloads = downloads

    # ---- interactions

    async def on_command(
        self,
        interaction: discord.Interaction,
        command: Command,
        *,
        private: bool = False,
        files: Sequence[discord.Attachment] = (),
        channel: discord.abc.GuildChannel | None = None,
    ) -> None:
        """A slash command, typed: the engine never reads it as an answer; `channel` overrides
        where it applies (`/daily set channel:#other`)."""
        if not await self._defer(interaction, private=private):
            return
        tr = self.translator(interaction.locale)
        try:
            attachments = await read_attachments(self._downloads, files, tr)
        except Unread as exc:
            sink = InteractionSink(interaction, private=private)
            replies = [Reply(str(exc), visibility="ephemeral")]
            failed = await deliver(sink, replies, self._engine.attach_thread)
            await sink.finish(str(exc) if failed else None)
            return
        text = " ".join(part for part in (command.name, *command.args, command.rest) if part)
        incoming = self._incoming(interaction, text=text, typed=command, attachments=attachments)
        if channel is not None:
            place = place_of(channel, channel.id, interaction.guild_id, interaction.user.id)
            incoming = _moved(incoming, place)
        await self._respond(interaction, incoming, private=private)

    async def on_action(self, interaction: discord.Interaction, action: str) -> None:
        """A button: "answer:<id>" opens the answer form, anything else goes to the engine."""
        if ANSWER_ACTION.fullmatch(action):
            tr = self.translator(interaction.locale)
            modal = AnswerModal(action, title=tr("Your answer"), label=tr("Answer"))
            try:
                await interaction.response.send_modal(modal)
            except discord.HTTPException as exc:
                log.warning("could not open the answer form: %s", exc)
            return
        private = action.split(":", 1)[0] in PRIVATE_ACTIONS
        silent = not private  # no public "thinking…": the reply may be a private refusal
        if not await self._defer(interaction, private=private, silent=silent):
            return
        incoming = self._incoming(interaction, action=action)
        await self._respond(interaction, incoming, private=private, placeholder=not silent)

    async def on_command_error(
        self, interaction: discord.Interaction, error: discord.app_commands.AppCommandError
    ) -> None:
        """A command discord.py could not run (an option it can't convert, a bug): the user is
        told, never left with "thinking…" or "The application did not respond"."""
        log.error("slash command failed", exc_info=error)
        text = self.translator(interaction.locale)(SOMETHING_WRONG)
        try:
            if interaction.response.is_done():
                await interaction.edit_original_response(content=text)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not tell the user a command failed: %s", exc)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Submitted answer forms, read from the raw data so that a form opened before a restart
        still counts."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = interaction.data or {}
        action = str(data.get("custom_id", ""))
        text = answer_text(data)
        if not ANSWER_ACTION.fullmatch(action) or text is None:
            return
        incoming = self._incoming(interaction, text=text, action=action)
        # The answer goes to the engine before the acknowledgement: a slow acknowledgement
        # (discord.py retries a 5xx for seconds) must not let the user's next command overtake
        # the answer and close its question first.
        handling = asyncio.create_task(self._handle(incoming))
        if not await self._defer(interaction, private=False):
            # The answer was typed and must not be lost: it is graded, and since this
            # interaction can no longer be answered, the grade goes to the channel (public
            # replies) or is kept for the user (the rest).
            replies = await handling
            public = [reply for reply in replies if reply.visibility == "public"]
            private = [r for r in replies if r.visibility != "public"]
            await self.notify(_delivery_of(incoming), public)
            if private:
                unacknowledged = [
                    Failure(r, "interaction not acknowledged", dm=True) for r in private
                ]
                await self._keep(_delivery_of(incoming), unacknowledged)
            return
        await self._respond(interaction, incoming, private=False, handling=handling)

    # ---- messages

    async def on_message(self, message: discord.Message) -> None:
        """DMs; in guilds, messages in the bot's own threads (answers) or that mention it."""
        me = self._client.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        text = message.content
        if message.guild is not None:
            channel = message.channel
            own_thread = isinstance(channel, discord.Thread) and channel.owner_id == me.id
            mentioned = any(user.id == me.id for user in message.mentions)
            if not (own_thread or mentioned):
                return
            text = re.sub(rf"<@!?{me.id}>", "", text).strip()
        if not text.strip():
            return
        guild_id = message.guild.id if message.guild else None
        place = place_of(message.channel, message.channel.id, guild_id, message.author.id)
        author = message.author
        incoming = Incoming(
            text=text,
            user=str(author.id),
            channel=place.channel,
            tenant=place.tenant,
            thread=place.thread,
            user_name=_name(author),
            is_dm=place.is_dm,
            is_admin=isinstance(author, discord.Member) and author.guild_permissions.manage_guild,
        )
        # The message goes to the engine first, as an answer form does (`on_interaction`): the
        # typing indicator is retried for seconds on a 5xx, and the user's next command must not
        # overtake the answer and close its question meanwhile.
        handling = asyncio.create_task(self._handle(incoming))
        typing = asyncio.create_task(_typing(message.channel))
        try:
            replies = await handling
        finally:
            typing.cancel()  # no indicator once the reply is going out
            await asyncio.wait([typing])
        sink = ChannelSink(message)
        failed = await deliver(sink, replies, self._engine.attach_thread)
        if failed:
            note = await self._keep(_delivery_of(incoming), failed)
            if note:
                await sink.note(note)

    # ---- pushes

    async def notify(self, delivery: Delivery, replies: list[Reply]) -> None:
        """The engine's notifier: a re-grade goes to the question's thread or channel."""
        if not delivery.tenant.startswith(TENANT_PREFIX) or self._client.is_closed():
            return  # another platform's user, or this bot was shut down
        thread = delivery.thread if delivery.thread and delivery.thread.isdigit() else None
        if not delivery.channel.isdigit() or not delivery.user.isdigit():
            return
        sink = PushSink(
            self._client,
            int(delivery.channel),
            int(thread) if thread else None,
            int(delivery.user),
            in_dm=delivery.tenant.startswith(DM_TENANT),
        )
        failed = await deliver(sink, replies, self._engine.attach_thread)
        if failed:
            note = await self._keep(delivery, failed)
            if note and any(failure.dm for failure in failed):
                await sink.note(note)  # a DM that failed: say so where they answered

    async def post(
        self, channel_id: int, thread_id: int | None, replies: list[Reply]
    ) -> tuple[str, str | None]:
        """Post `replies` unasked (the daily scheduler): into `thread_id`, or into the channel,
        where a post people answer (it has an Answer button) opens the thread its answers go
        to. Without thread permission (403) it stays without a thread: its Answer button is
        the way to answer. Returns (first message id, thread id or None)."""
        target = thread_id or channel_id
        channel = self._client.get_channel(target) or await self._client.fetch_channel(target)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise RuntimeError(f"channel {target} is not a text channel or thread")
        first: discord.Message | None = None
        for reply in replies:
            for out in render(reply):
                message = await channel.send(**out.send_kwargs())
                first = first or message
        if first is None:
            raise RuntimeError(f"nothing to post in {target}")
        if isinstance(channel, discord.Thread):
            return str(first.id), str(channel.id)
        if not any(button.action.startswith("daily:") for button in replies[0].buttons):
            return str(first.id), None
        try:
            thread = await channel.create_thread(name=thread_name(replies[0]), message=first)
        except discord.Forbidden as exc:
            log.warning(
                "no thread for the daily post in %s (%s): answers use its button", target, exc
            )
            return str(first.id), None
        return str(first.id), str(thread.id)

    # ---- helpers

    def translator(self, locale: discord.Locale | str | None) -> Translator:
        return self._engine.translator(language_of(locale) or "en")

    def topics(self, guild_id: int | None) -> list[str]:
        tenant = tenant_for(guild_id, 0)  # every DM tenant has the shared bank
        return sorted({q.topic for q in self._engine.bank_questions(tenant)})

    @property
    def languages(self) -> tuple[str, ...]:
        return self._engine.languages

    async def _defer(
        self, interaction: discord.Interaction, *, private: bool, silent: bool = False
    ) -> bool:
        """Acknowledge at once: with a "thinking…" placeholder, or `silent`ly (a button's
        deferred update, which shows nothing)."""
        try:
            if silent:
                await interaction.response.defer()
            else:
                await interaction.response.defer(thinking=True, ephemeral=private)
        except discord.HTTPException as exc:  # too late (404) or already answered (400)
            log.warning("could not acknowledge interaction %s: %s", interaction.id, exc)
            return False
        return True

    async def _respond(
        self,
        interaction: discord.Interaction,
        incoming: Incoming,
        *,
        private: bool,
        placeholder: bool = True,
        handling: asyncio.Task[list[Reply]] | None = None,
    ) -> None:
        """Deliver the engine's replies (`handling`, when the engine already has the message)
        through the interaction."""
        sink = InteractionSink(interaction, private=private, placeholder=placeholder)
        note: str | None = None
        try:
            replies = await (handling or self._handle(incoming))
            failed = await deliver(sink, replies, self._engine.attach_thread)
            if failed:
                note = await self._keep(_delivery_of(incoming), failed)
                note = note or self.translator(incoming.locale)(SOMETHING_WRONG)
        finally:  # whatever happened, "thinking…" ends
            await sink.finish(note)

    async def _keep(self, delivery: Delivery, failed: list[Failure]) -> str | None:
        """Undelivered replies are kept by the engine; returns its note for the user."""
        reason = "; ".join(sorted({failure.reason for failure in failed}))
        try:
            notes = await self._engine.undelivered(
                delivery, [failure.reply for failure in failed], reason
            )
        except Exception:
            log.exception("could not keep %d undelivered replies", len(failed))
            return None
        return "\n".join(note.text for note in notes) or None

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        try:
            return await self._engine.handle(incoming)
        except Exception:
            log.exception("the engine failed on a message from %s", incoming.user)
            tr = self.translator(incoming.locale)
            return [Reply(tr(SOMETHING_WRONG), visibility="ephemeral")]

    def _incoming(
        self,
        interaction: discord.Interaction,
        *,
        text: str = "",
        action: str | None = None,
        typed: Command | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> Incoming:
        place = place_of(
            interaction.channel, interaction.channel_id, interaction.guild_id, interaction.user.id
        )
        return Incoming(
            text=text,
            user=str(interaction.user.id),
            channel=place.channel,
            tenant=place.tenant,
            thread=place.thread,
            locale=interaction.locale.value,
            user_name=_name(interaction.user),
            is_dm=place.is_dm,
            is_admin=interaction.guild_id is not None and interaction.permissions.manage_guild,
            action=action,
            typed=typed,
            attachments=attachments,
        )


async def _typing(channel: discord.abc.Messageable) -> None:
    """One typing indicator, shown while the answer is graded; its failure changes nothing."""
    with contextlib.suppress(discord.HTTPException):
        await channel.typing()


def _delivery_of(incoming: Incoming) -> Delivery:
    return Delivery(incoming.tenant, incoming.channel, incoming.thread, incoming.user)


def _moved(incoming: Incoming, place: Place) -> Incoming:
    return replace(incoming, channel=place.channel, thread=place.thread, is_dm=place.is_dm)


def _name(user: discord.abc.User) -> str:
    """The display name, markdown-escaped: the engine shows it in leaderboards."""
    return escape_markdown(user.display_name)
