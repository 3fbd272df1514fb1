"""Where rendered replies go: an interaction's follow-ups, a channel, or a push; and what failed.

A button click is acknowledged without a placeholder (a deferred update): its replies are then
each public or ephemeral as the engine says, so a refusal of someone else's button is never shown
to the channel, not even as a "thinking…" placeholder.

A deferred interaction shows a "thinking" placeholder that the first follow-up fills. It can
carry the first reply only when that reply may be shown the way the placeholder is: a private
placeholder takes anything but a question (questions open a thread, so they must be public), and a
public placeholder takes nothing private. Otherwise the placeholder is deleted and every reply is
its own follow-up. A reply for a DM goes to the user's DM channel.

Delivery is part of the outcome: discord.py retries 429s and 5xx; what still fails goes another
way where there is one (a thread that is gone or closed to the bot: its channel), and what fails
every way is returned by `deliver`, with the reason, for the engine to keep (`Bridge`). A deferred
interaction is always completed: with its reply, or with a note saying what happened.
"""

import contextlib
import logging
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import discord

from bot.adapters.discord.render import Outgoing, render, thread_name
from bot.engine.events import Reply

log = logging.getLogger(__name__)

COMPLETE_TRIES = 4  # a placeholder is completed, or at least removed, with this many tries


class SendFailed(Exception):
    """Discord refused a message after discord.py's retries (and any other route)."""


@dataclass(frozen=True)
class Failure:
    reply: Reply
    reason: str
    dm: bool  # it was for the user's DMs (closed?): a note in the channel tells them


class Sink(Protocol):
    @property
    def thread_parent(self) -> discord.TextChannel | None:
        """The channel a question's thread is opened in, if threads can be opened here."""

    async def send(self, out: Outgoing, reply: Reply) -> discord.Message | None: ...


class AttachThread(Protocol):
    async def __call__(self, served_id: int, thread: str) -> None: ...


async def deliver(sink: Sink, replies: list[Reply], attach_thread: AttachThread) -> list[Failure]:
    """Send every reply; a public question in a text channel gets its own thread. Returns the
    replies that could not be delivered at all (a reply cut short counts as undelivered)."""
    failed: list[Failure] = []
    for reply in replies:
        sent = []
        try:
            for out in render(reply):
                sent.append(await sink.send(out, reply))
        except SendFailed as exc:
            failed.append(Failure(reply, str(exc), dm=reply.visibility != "public"))
            continue
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
            continue  # its Answer button still works
        await attach_thread(reply.served_id, str(thread.id))
    return failed


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
            fits = not reply.served_id if self._private else not ephemeral
            if fits:
                message = await _followup(interaction, out, ephemeral=self._private)
                self._placeholder = False  # only once filled: else `finish` completes it
                return message
            await self._delete_placeholder()
            self._placeholder = False
        return await _followup(interaction, out, ephemeral=ephemeral)

    async def finish(self, note: str | None = None) -> None:
        """Complete a placeholder no reply filled: with `note` (why nothing came), or removed
        when there is nothing to say (all replies went to DMs). Tried a few times: a
        "thinking…" that never ends is the worst outcome."""
        if self._placeholder:
            self._placeholder = False
            for _ in range(COMPLETE_TRIES):
                try:
                    if note:
                        await self._interaction.edit_original_response(content=note)
                    else:
                        await self._interaction.delete_original_response()
                    return
                except discord.NotFound:
                    if not note:
                        return  # already gone
                except discord.HTTPException as exc:
                    log.warning("could not complete interaction %s: %s", self._interaction.id, exc)
            with contextlib.suppress(discord.HTTPException):
                await self._interaction.delete_original_response()
            return
        if note:  # the placeholder was filled, but a later reply failed
            for _ in range(COMPLETE_TRIES):
                try:
                    await self._interaction.followup.send(note, ephemeral=True)
                    return
                except discord.HTTPException as exc:
                    log.warning("could not send a note to %s: %s", self._interaction.id, exc)

    async def _delete_placeholder(self) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self._interaction.delete_original_response()


class ChannelSink:
    """Replies to a message: the first one quotes it, without pinging its author. In a thread
    that fails (deleted, or closed to the bot), replies go to the thread's channel."""

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
        try:
            if self._quoted:
                return await _send(message.channel, out)
            reference = message.to_reference(fail_if_not_exists=False)
            sent = await _send(message.channel, out, reference=reference)
            self._quoted = True
            return sent
        except SendFailed:
            parent = _parent_of(message.channel)
            if parent is None:
                raise
            return await _send(parent, out)

    async def note(self, text: str) -> None:
        """A mention-free note where the message was sent (or its thread's channel)."""
        await _note([self._message.channel, _parent_of(self._message.channel)], text)


class PushSink:
    """Messages nobody asked for just now (a re-grade): to a thread, else its channel, or a DM."""

    def __init__(
        self,
        client: discord.Client,
        channel_id: int,
        thread_id: int | None,
        user_id: int,
        *,
        in_dm: bool,
    ) -> None:
        self._client = client
        self._channel = client.get_partial_messageable(channel_id)
        self._thread = client.get_partial_messageable(thread_id) if thread_id else None
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
                raise SendFailed(f"user {self._user_id} not found: {exc}") from exc
            return await _send(user, out)
        if self._thread is not None:
            try:
                return await _send(self._thread, out)
            except SendFailed:
                pass  # the thread is gone or closed: its channel
        return await _send(self._channel, out)

    async def note(self, text: str) -> None:
        await _note([self._thread, self._channel], text)


def _parent_of(channel: object) -> discord.abc.Messageable | None:
    return channel.parent if isinstance(channel, discord.Thread) else None


async def _note(targets: list, text: str) -> None:
    for target in targets:
        if target is None:
            continue
        try:
            await target.send(text, allowed_mentions=discord.AllowedMentions.none())
            return
        except discord.HTTPException as exc:
            log.warning("could not post a note: %s", exc)


async def _send(
    target: discord.abc.Messageable, out: Outgoing, **extra: object
) -> discord.Message | None:
    try:
        return await target.send(**out.send_kwargs(), **extra)  # type: ignore[call-overload]
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        log.warning("could not send a message: %s", exc)
        raise SendFailed(_reason(exc)) from exc


async def _followup(
    interaction: discord.Interaction, out: Outgoing, *, ephemeral: bool
) -> discord.Message | None:
    try:
        return await interaction.followup.send(**out.send_kwargs(), ephemeral=ephemeral, wait=True)
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        log.warning("could not send a follow-up to interaction %s: %s", interaction.id, exc)
        raise SendFailed(_reason(exc)) from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {exc.code}: {exc.text}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]
