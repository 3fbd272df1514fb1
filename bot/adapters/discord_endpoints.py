"""Point one discord.py client at a configurable REST base and gateway.

``DISCORD_API_URL`` / ``DISCORD_GATEWAY_URL`` exist for proxies and for tests (a local fake
Discord). discord.py has no per-client setting for either:

* every REST URL is built as ``Route.BASE + path`` where ``Route.BASE`` is a class attribute of
  ``discord.http.Route``, and ``Route`` objects are created all over the library;
* the gateway URL comes from the class attribute ``DiscordWebSocket.DEFAULT_GATEWAY``.

Assigning those class attributes would redirect *every* client in the process and leak between
tests, so this module does not touch them. It rewrites URLs at the two places where one client's
traffic passes through an object that belongs to that client:

1. ``client.http`` (an ``HTTPClient``) sends all bot-authenticated REST calls through
   ``request(route)`` and opens every gateway websocket through ``ws_connect(url)``. The client's
   instance is switched to :class:`RebasedHTTPClient`, a subclass overriding just those two methods
   (its ``__class__`` is swapped rather than the object replaced, because ``ConnectionState``
   and others already hold a reference to it and it keeps every constructor option).
2. Interaction callbacks, ``@original`` edits and follow-ups bypass ``HTTPClient.request``: they go
   through discord.py's webhook adapter (``discord.webhook.async_.async_context``, a
   ``ContextVar``) with the client's aiohttp session. :class:`RebasingWebhookAdapter` rewrites
   only requests made with a session registered by a :class:`RebasedHTTPClient`, so webhooks of
   other clients or sessions are untouched. It is installed into the context of the task that
   logs in, which every task discord.py spawns afterwards (event handlers, app commands, views)
   inherits.

Only URLs under discord.py's own default base are rewritten. URLs that the configured server
hands out itself (``resume_gateway_url`` in READY, ``url`` of ``GET /gateway/bot`` for
``AutoShardedClient``) are used as given.

Usage::

    bot = commands.Bot(command_prefix="!", intents=intents)
    use_endpoints(bot, api_url=settings.discord_api_url, gateway_url=settings.discord_gateway_url)
    await bot.start(token)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_GATEWAY_URL",
    "DiscordEndpoints",
    "RebasedHTTPClient",
    "RebasingWebhookAdapter",
    "use_endpoints",
]

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

ClientT = TypeVar("ClientT", bound=discord.Client)


@dataclass(frozen=True, slots=True)
class DiscordEndpoints:
    """Where one client sends its REST calls (``api_url``, with version) and opens its gateway."""

    api_url: str = DEFAULT_API_URL
    gateway_url: str = DEFAULT_GATEWAY_URL

    def __post_init__(self) -> None:
        api = yarl.URL(self.api_url)
        if api.scheme not in ("http", "https") or not api.host:
            raise ValueError(f"api_url must be an http(s) URL, got {self.api_url!r}")
        gateway = yarl.URL(self.gateway_url)
        if gateway.scheme not in ("ws", "wss", "http", "https") or not gateway.host:
            raise ValueError(f"gateway_url must be a ws(s) URL, got {self.gateway_url!r}")
        object.__setattr__(self, "api_url", self.api_url.rstrip("/"))

    @property
    def is_default(self) -> bool:
        return (self.api_url, self.gateway_url) == (DEFAULT_API_URL, DEFAULT_GATEWAY_URL)

    def rebase_api(self, url: str) -> str:
        """``url`` moved from discord.py's REST base (``Route.BASE``) to ``api_url``."""
        base = Route.BASE.rstrip("/")  # read on each call: it is what discord.py just used
        if url == base or url.startswith((base + "/", base + "?")):
            return self.api_url + url[len(base) :]
        return url

    def rebase_gateway(self, url: str) -> str:
        """``url`` moved from the default gateway to ``gateway_url``, keeping discord.py's query
        (``v``, ``encoding``, ``compress``); any other gateway URL is returned unchanged."""
        parsed = yarl.URL(url)
        if parsed.with_query(None).with_fragment(None) != DiscordWebSocket.DEFAULT_GATEWAY:
            return url
        return str(yarl.URL(self.gateway_url).update_query(parsed.query))


# The sessions of rebased clients. Weak keys: a closed client's session just disappears.
_ENDPOINTS_BY_SESSION: weakref.WeakKeyDictionary[aiohttp.ClientSession, DiscordEndpoints] = (
    weakref.WeakKeyDictionary()
)


class RebasingWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's webhook adapter, rewriting URLs for sessions of rebased clients only."""

    async def request(  # type: ignore[override]  # same signature, loosely typed
        self, route: Route, session: aiohttp.ClientSession, **kwargs: Any
    ) -> Any:
        endpoints = _ENDPOINTS_BY_SESSION.get(session)
        if endpoints is not None:
            route.url = endpoints.rebase_api(route.url)
        return await super().request(route, session, **kwargs)


class RebasedHTTPClient(HTTPClient):
    """An ``HTTPClient`` that sends its REST calls and gateway connections to ``endpoints``.

    Not constructed directly: :func:`use_endpoints` turns a client's existing ``HTTPClient``
    into one.
    """

    endpoints: DiscordEndpoints

    async def request(self, route: Route, **kwargs: Any) -> Any:  # type: ignore[override]
        # Route objects are built per call, so rewriting this one is local to this request.
        route.url = self.endpoints.rebase_api(route.url)
        return await super().request(route, **kwargs)

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        return await super().ws_connect(self.endpoints.rebase_gateway(url), compress=compress)

    async def static_login(self, token: str) -> Any:
        if not isinstance(async_context.get(), RebasingWebhookAdapter):
            async_context.set(RebasingWebhookAdapter())
        data = await super().static_login(token)
        # discord.py itself reaches the session by this mangled name (interactions, webhooks).
        _ENDPOINTS_BY_SESSION[self._HTTPClient__session] = self.endpoints  # type: ignore[attr-defined]
        return data


def use_endpoints(
    client: ClientT,
    api_url: str | None = None,
    gateway_url: str | None = None,
) -> ClientT:
    """Make ``client`` (``Client``, ``commands.Bot``, ``AutoShardedClient``, ...) use the given
    REST base and gateway; ``None`` or empty means Discord's own. Call before ``login()`` /
    ``start()``. Returns ``client``. Nothing changes for the defaults or for other clients.
    """
    endpoints = DiscordEndpoints(
        api_url=api_url or DEFAULT_API_URL, gateway_url=gateway_url or DEFAULT_GATEWAY_URL
    )
    http = client.http
    if http.token is not None:
        raise RuntimeError("use_endpoints() must be called before the client logs in")
    if endpoints.is_default and not isinstance(http, RebasedHTTPClient):
        return client
    if type(http) is HTTPClient:
        http.__class__ = RebasedHTTPClient
    elif not isinstance(http, RebasedHTTPClient):
        raise TypeError(f"cannot rebase a custom HTTP client ({type(http).__name__})")
    assert isinstance(http, RebasedHTTPClient)
    http.endpoints = endpoints
    return client
