"""Messages the user didn't just ask for (a re-grade, a digest): where they go, and when."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.engine.events import Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """Where to send a message the user didn't just ask for (a re-grade)."""

    tenant: str
    channel: str
    thread: str | None
    user: str


Notify = Callable[[Delivery, list[Reply]], Awaitable[None]]


class Outbox:
    """Sends unasked messages to every registered notifier (one per platform).

    While adapters are starting, messages wait here (a grade made while resuming after a restart
    would otherwise reach nobody)."""

    def __init__(self) -> None:
        self._notify: list[Notify] = []
        self._held: list[tuple[Delivery, list[Reply]]] | None = None

    def add(self, notify: Notify) -> Callable[[], None]:
        """Register where unasked messages go; returns a function that unregisters it."""
        self._notify.append(notify)
        return lambda: self._notify.remove(notify) if notify in self._notify else None

    def hold(self) -> None:
        if self._held is None:
            self._held = []

    async def release(self) -> None:
        held, self._held = self._held or [], None
        for delivery, replies in held:
            await self.send(delivery, replies)

    async def send(self, delivery: Delivery, replies: list[Reply]) -> None:
        if self._held is not None:
            self._held.append((delivery, replies))
            return
        for notify in list(self._notify):
            try:
                await notify(delivery, replies)
            except Exception:  # one platform failing must not stop the others
                log.exception("a notifier failed")
