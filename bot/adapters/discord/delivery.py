"""Where rendered replies go: an interaction's follow-ups, a channel, or a push.

A button click is acknowledged without a placeholder (a deferred update): its replies are then
each public or ephemeral as the engine says, so a refusal of someone else's button is never shown
to the channel, not even as a "thinking…" placeholder.

A deferred interaction shows a "thinking" placeholder that the first follow-up fills. It can
carry the first reply only when that reply may be shown the way the placeholder is: a private
placeholder takes anything but a question (questions open a thread, so they must be public), and a
public placeholder takes nothing private. Otherwise the placeholder is deleted and every reply is
its own follow-up. A reply for a DM goes to the user's DM channel.
"""

import contextlib
import logging
from typing import Protocol

import discord

from bot.adapters.discord.render import Outgoing, render, thread_name
from bot.engine.events import Reply

log = logging.getLogger(__name__)


class Sink(Protocol):
    @property
    def thread_parent(self) -> discord.TextChannel | None:
        """The channel a question's thread is opened in, if threads can be opened here."""

    async def send(self, out: Outgoing, reply: Reply) -> discord.Message | None: ...


class AttachThread(Protocol):
    async def __call__(self, served_id: int, thread: str) -> None: ...


async def deliver(sink: Sink, replies: list[Reply], attach_thread: AttachThread) -> None:
    """Send every reply; a public question in a text channel gets its own thread."""
    for reply in replies:
        sent = [await sink.send(out, reply) for out in render(reply)]
        first = sent[0] if sent else None
        parent = sink.thread_parent
        if reply.served_id is None or first is None or parent is None or first.flags.ephemeral:
            continue
        if reply.visibility != "public":
            continue
        try:
            thread = await parent.create_thread(name=thread_name(reply), message=first)
        except discord.HTTPException as exc:  # e.g. no "Create Public Threads" permission
            log.warning("could not open a thread for question %s: %s", reply.served_id, exc)
            continue
        await attach_thread(reply.served_id, str(thread.id))


class InteractionSink:
    def __init__(
        self, interaction: discord.Interaction, *, private: bool, placeholder: bool = True
    ) -> None:
        """`placeholder`: the interaction was deferred with a "thinking…" message to fill."""
        self._interaction = interaction
        self._private = private
        self._placeholder = placeholder

    @property
    def thread_parent(self) -> discord.TextChannel | None:
        channel = self._interaction.channel
        return channel if isinstance(channel, discord.TextChannel) else None

    async def send(self, out: Outgoing, reply: Reply) -> discord.Message | None:
        interaction = self._interaction
        if reply.visibility == "dm" and interaction.guild_id is not None:
            return await _send(interaction.user, out)
        ephemeral = reply.visibility == "ephemeral"
        if self._placeholder:
            self._placeholder = False
            fits = not reply.served_id if self._private else not ephemeral
            if fits:
                return await _followup(interaction, out, ephemeral=self._private)
            await self._delete_placeholder()
        return await _followup(interaction, out, ephemeral=ephemeral)

    async def finish(self) -> None:
        """Remove a placeholder no reply filled (all went to DMs, or sending failed)."""
        if self._placeholder:
            self._placeholder = False
            await self._delete_placeholder()

    async def _delete_placeholder(self) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self._interaction.delete_original_response()


class ChannelSink:
    """Replies to a message: the first one quotes it, without pinging its author."""

    def __init__(self, message: discord.Message) -> None:
        self._message = message
        self._quoted = False

    @property
    def thread_parent(self) -> discord.TextChannel | None:
        channel = self._message.channel
        return channel if isinstance(channel, discord.TextChannel) else None

    async def send(self, out: Outgoing, reply: Reply) -> discord.Message | None:
        message = self._message
        if reply.visibility != "public" and message.guild is not None:
            # A channel message can't be answered privately: what is for the author alone (a
            # refusal, a `forget me` confirmation) goes to them by DM, never to the channel.
            return await _send(message.author, out)
        if self._quoted:
            return await _send(message.channel, out)
        self._quoted = True
        reference = message.to_reference(fail_if_not_exists=False)
        return await _send(message.channel, out, reference=reference)


class PushSink:
    """Messages nobody asked for just now (a re-grade): to a channel or thread, or a DM."""

    def __init__(self, client: discord.Client, channel_id: int, user_id: int, *, in_dm: bool):
        self._client = client
        self._channel = client.get_partial_messageable(channel_id)
        self._user_id = user_id
        self._in_dm = in_dm

    @property
    def thread_parent(self) -> discord.TextChannel | None:
        return None

    async def send(self, out: Outgoing, reply: Reply) -> discord.Message | None:
        if reply.visibility == "dm" and not self._in_dm:
            try:
                user = await self._client.fetch_user(self._user_id)
            except discord.HTTPException as exc:
                log.warning("could not find user %s: %s", self._user_id, exc)
                return None
            return await _send(user, out)
        return await _send(self._channel, out)


async def _send(
    target: discord.abc.Messageable, out: Outgoing, **extra: object
) -> discord.Message | None:
    try:
        return await target.send(**out.send_kwargs(), **extra)  # type: ignore[call-overload]
    except discord.HTTPException as exc:
        log.warning("could not send a message: %s", exc)
        return None


async def _followup(
    interaction: discord.Interaction, out: Outgoing, *, ephemeral: bool
) -> discord.Message | None:
    try:
        return await interaction.followup.send(**out.send_kwargs(), ephemeral=ephemeral, wait=True)
    except discord.HTTPException as exc:
        log.warning("could not send a follow-up to interaction %s: %s", interaction.id, exc)
        return None
