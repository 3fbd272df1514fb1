"""Platform adapters: translate platform events to `Incoming` and render `Reply`."""

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web


class Adapter(Protocol):
    """What `interview-bot run` needs of a platform adapter (`bot.runtime`)."""

    name: str

    def add_routes(self, web_app: "web.Application") -> None: ...
    async def start(self) -> None: ...
    async def close(self) -> None: ...
