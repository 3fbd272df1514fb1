"""Posting the engine's replies to Slack, each where its visibility says.

* "public": `chat.postMessage` in the place's thread. A question asked at the top level of a
  channel is posted at the top level instead, and its message starts the thread where its answer
  is expected (`ConversationEngine.attach_thread`). In a DM answers come at the top level, so no
  thread is attached there.
* "ephemeral": `chat.postEphemeral`, seen only by the user.
* "dm": `conversations.open`, then `chat.postMessage` in that DM.

A channel the bot is not in (a slash command in a private channel, or in a DM between two people)
refuses `chat.postMessage`; when the event came with a `response_url`, the reply goes there,
visible to the user only.

Delivery is part of the outcome: a thread that refuses a reply (deleted, archived) gets it in its
channel, and what Slack refuses every way is handed to the engine to keep, with the reason
(`ConversationEngine.undelivered`); the user then gets a note, for their eyes only.
"""

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import SlackMessage, render
from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Reply

log = logging.getLogger(__name__)

UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


@dataclass(frozen=True)
class Place:
    """Where the replies to one Slack event go."""

    channel: str
    user: str
    thread: str | None = None  # the Slack thread (thread_ts) replies are posted in
    is_dm: bool = False
    opens_threads: bool = False  # a question posted here starts its own thread
    response_url: str | None = None


class Outbox:
    def __init__(self, engine: ConversationEngine) -> None:
        self._engine = engine

    async def send(
        self,
        client: AsyncWebClient,
        place: Place,
        replies: list[Reply],
        *,
        tenant: str | None = None,
    ) -> list[str]:
        """Post `replies` in order; the timestamps of the public messages posted. With the
        user's `tenant`, a reply Slack refuses is kept by the engine; without it (a scheduled
        post, which has its own retries), the error is raised."""
        posted: list[str] = []
        failed: list[tuple[Reply, str]] = []
        for reply in replies:
            try:
                posted += await self._send_one(client, place, reply)
            except (SlackApiError, aiohttp.ClientError, OSError) as exc:
                if tenant is None or not place.user:
                    raise
                log.warning("Slack refused a reply in %s: %s", place.channel, _reason(exc))
                failed.append((reply, _reason(exc)))
        if failed and tenant is not None:
            await self._keep(client, place, tenant, failed)
        return posted

    async def _keep(
        self, client: AsyncWebClient, place: Place, tenant: str, failed: list[tuple[Reply, str]]
    ) -> None:
        delivery = Delivery(tenant, place.channel, place.thread, place.user)
        reason = "; ".join(sorted({why for _, why in failed}))
        notes = await self._engine.undelivered(delivery, [reply for reply, _ in failed], reason)
        for note in notes:
            try:
                await self._ephemeral(client, place, render(note)[0])
            except (SlackApiError, aiohttp.ClientError, OSError) as exc:
                log.warning("could not tell %s about an undelivered reply: %s", place.user, exc)

    async def _send_one(self, client: AsyncWebClient, place: Place, reply: Reply) -> list[str]:
        messages = render(reply)
        if reply.visibility == "ephemeral":
            for message in messages:
                await self._ephemeral(client, place, message)
            if reply.image:  # an ephemeral message can't carry a file: it goes to the DM
                await self._upload(client, await dm_channel(client, place.user), None, reply)
            return []
        channel, thread = place.channel, place.thread
        if reply.visibility == "dm":
            channel, thread = await dm_channel(client, place.user), None
        opens = reply.served_id is not None and place.opens_threads and reply.visibility == "public"
        if opens:
            thread = None
        posted = []
        for message in messages:
            ts = await self._public(client, place, channel, thread, message)
            if ts:
                posted.append(ts)
        if reply.image:
            await self._upload(client, channel, thread, reply)
        if opens and posted and reply.served_id is not None:
            await self._engine.attach_thread(reply.served_id, posted[0])
        return posted

    async def _public(
        self,
        client: AsyncWebClient,
        place: Place,
        channel: str,
        thread: str | None,
        message: SlackMessage,
    ) -> str | None:
        try:
            response = await client.chat_postMessage(
                channel=channel,
                thread_ts=thread,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            if self._fallback(exc, place):
                await _respond(place.response_url or "", message)
                return None
            if thread is None or exc.response.get("error") in UNREACHABLE:
                raise
            # The thread refuses it (deleted, archived, locked): its channel takes it.
            log.info("Slack refused a reply in a thread of %s; posting in the channel", channel)
            response = await client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        return str(response["ts"])

    async def _ephemeral(self, client: AsyncWebClient, place: Place, message: SlackMessage) -> None:
        try:
            await client.chat_postEphemeral(
                channel=place.channel,
                user=place.user,
                thread_ts=place.thread,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as exc:
            if not self._fallback(exc, place):
                raise
            await _respond(place.response_url or "", message)

    @staticmethod
    def _fallback(exc: SlackApiError, place: Place) -> bool:
        error = exc.response.get("error")
        if place.response_url and error in UNREACHABLE:
            log.info("Slack refused to post in %s (%s); using response_url", place.channel, error)
            return True
        return False

    @staticmethod
    async def _upload(
        client: AsyncWebClient, channel: str, thread: str | None, reply: Reply
    ) -> None:
        await client.files_upload_v2(
            channel=channel,
            thread_ts=thread,
            file=reply.image,
            filename=reply.image_name or "image.png",
            title=reply.title or reply.image_name or "image",
        )


async def dm_channel(client: AsyncWebClient, user: str) -> str:
    response = await client.conversations_open(users=user)
    return str(response["channel"]["id"])


async def _respond(url: str, message: SlackMessage) -> None:
    webhook = AsyncWebhookClient(url)
    await webhook.send(text=message.text, blocks=message.blocks, response_type="ephemeral")


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"slack: {exc.response.get('error')}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]
