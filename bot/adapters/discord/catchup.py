"""Reading back what users wrote while the gateway was away without a resume.

After a resumable disconnect Discord replays the missed events. After a non-resumable one
(INVALID_SESSION, then a fresh IDENTIFY and a new READY), it does not: answers sent meanwhile would
never be read, and their questions would stay open silently. So after every READY but the first,
the bot reads the history of each place where it waits for an answer (a question's thread, a DM)
since the disconnect, and handles the waiting user's messages it has not seen, in order. Messages
already handled live are skipped by id.
"""

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import discord

from bot.engine.engine import ConversationEngine

log = logging.getLogger(__name__)

MARGIN = timedelta(seconds=30)  # the gateway may have been deaf a little before it closed
HISTORY_LIMIT = 50  # messages read back per place
REMEMBERED = 5000  # ids of messages handled live


class CatchUp:
    def __init__(
        self,
        client: discord.Client,
        engine: ConversationEngine,
        handle: Callable[[discord.Message], Awaitable[None]],
    ) -> None:
        self._client = client
        self._engine = engine
        self._handle = handle
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self._ready_before = False
        self._away_since: datetime | None = None

    async def on_message(self, message: discord.Message) -> None:
        """A live message: handled once, even if history brings it again."""
        if self._first_time(message.id):
            await self._handle(message)

    def on_disconnect(self) -> None:
        if self._away_since is None:
            self._away_since = datetime.now(UTC)

    def on_resumed(self) -> None:
        self._away_since = None  # Discord replays what was missed

    async def on_ready(self) -> None:
        since, self._away_since = self._away_since, None
        first, self._ready_before = not self._ready_before, True
        if first or since is None:
            return
        places = await self._engine.waiting_places("discord:")
        log.info("new gateway session: reading back %d places since %s", len(places), since)
        for place in places:
            target = place.thread or place.channel
            if not target.isdigit():
                continue
            try:
                channel = self._client.get_channel(int(target)) or await self._client.fetch_channel(
                    int(target)
                )
                if not isinstance(channel, discord.abc.Messageable):
                    continue
                history = channel.history(
                    limit=HISTORY_LIMIT, after=since - MARGIN, oldest_first=True
                )
                async for message in history:
                    if str(message.author.id) == place.user:
                        await self.on_message(message)
            except discord.HTTPException as exc:
                log.warning("could not read back %s: %s", target, exc)

    def _first_time(self, message_id: int) -> bool:
        if message_id in self._seen:
            return False
        self._seen.add(message_id)
        self._order.append(message_id)
        if len(self._order) > REMEMBERED:
            self._seen.discard(self._order.popleft())
        return True
