"""A local fake Discord (REST + gateway websocket) that the real discord.py client talks to.

One aiohttp app on 127.0.0.1:<free port> serves the REST API under ``/api/v10`` and the
gateway at ``/gateway``. Point a client at it with
``bot.adapters.discord_endpoints.use_endpoints(bot, fake.api_url, fake.gateway_url)``::

    async with FakeDiscord(heartbeat_interval_ms=200) as fake:
        bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.1)
        use_endpoints(bot, api_url=fake.api_url, gateway_url=fake.gateway_url)
        task = asyncio.create_task(bot.start(fake.token))
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        alice = fake.add_member("alice")
        await fake.dispatch_message(fake.channel["id"], alice, "hello")
        sent = await fake.wait_for_request("POST", r"/channels/\\d+/messages")
        ...
        await bot.close()  # close the bot before the fake, or it starts reconnecting
        await task

What it models, and why:

* State: users, guilds (roles, channels, members), DM channels, threads, messages, synced
  application commands and interactions. A default guild with ``#general``, its owner and the
  bot member exist from the start (``fake.guild``, ``fake.channel``, ``fake.owner``).
* Every REST request is recorded in ``fake.requests`` (method, path under ``/api/v10``, JSON
  body or the ``payload_json`` of a multipart body, uploaded files, time, status). Unknown routes
  answer 404 JSON and are also listed in ``fake.unhandled``, so missing routes are visible.
* Answers carry ``Content-Type: application/json`` exactly: discord.py parses JSON only then.
* Interactions behave like Discord's: one initial callback only (a second gets 400, code 40060),
  within ``callback_deadline`` seconds (later: 404 "Unknown interaction"), follow-ups only after
  that. Ephemeral replies are not broadcast; everything else the bot posts comes back as
  MESSAGE_CREATE over the gateway, like on Discord, so handlers must ignore their own messages.
* ``pings_of(message_id)`` tells who a sent message would notify, given its content and
  ``allowed_mentions`` (Discord's rules), so tests can assert that nothing pings anyone.
* Gateway: HELLO, heartbeat ACKs, IDENTIFY -> READY (guilds unavailable, ``resume_gateway_url``
  pointing back here) -> one GUILD_CREATE per guild of that shard, RESUME (replays missed events,
  then RESUMED), op 8 member requests, sharding by ``(guild_id >> 22) % shard_count``. The
  transport compression that the client asks for in the URL is honoured: ``zlib-stream`` and
  ``zstd-stream`` (with the ``zstandard`` package; without it, plain text frames, which
  discord.py also reads). Only ``encoding=json`` is supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import secrets
import time
import uuid
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import BodyPartReader, WSMsgType, web

JSON = dict[str, Any]
T = TypeVar("T")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ALL_PERMISSIONS = (1 << 51) - 1
DEFAULT_PERMISSIONS = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 26)  # change nickname
    | (1 << 31)  # use application commands
    | (1 << 35)  # create public threads
    | (1 << 38)  # send messages in threads
)
BOT_PERMISSIONS = DEFAULT_PERMISSIONS | (1 << 13) | (1 << 34) | (1 << 36)  # + manage msgs/threads

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Channel types
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})

# Interaction types and callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
CALLBACK_TYPES = frozenset(
    {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE,
        UPDATE_MESSAGE,
        AUTOCOMPLETE_RESULT,
        MODAL,
    }
)

# Gateway opcodes and intents
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME, OP_RECONNECT = 0, 1, 2, 6, 7
OP_REQUEST_MEMBERS, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 8, 9, 10, 11
INTENT_GUILD_PRESENCES = 1 << 8

# Slash-command option types, by the Python type of a value given to dispatch_slash_command
_OPTION_TYPES: dict[type, int] = {str: 3, int: 4, bool: 5, float: 10}

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _json(data: Any, status: int = 200) -> web.Response:
    """A JSON answer whose Content-Type is exactly ``application/json`` (no charset)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


def _no_content() -> web.Response:
    return web.Response(status=204)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class RecordedRequest:
    """One REST request as the fake saw it. ``path`` is relative to ``/api/v10``."""

    method: str
    path: str
    json: Any
    time: float
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    status: int = 0  # 0 while being handled

    @property
    def done(self) -> bool:
        return self.status != 0


_RECORD = web.RequestKey("record", RecordedRequest)


@dataclass(slots=True)
class FakeInteraction:
    """An interaction dispatched to the bot, and what the bot answered."""

    id: str
    token: str
    type: int
    payload: JSON
    created: float
    callbacks: list[JSON] = field(default_factory=list)  # {"type", "data", "time"}
    original_message_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    modal: JSON | None = None  # data of a type-9 callback

    @property
    def callback_path(self) -> str:
        return f"/interactions/{self.id}/{self.token}/callback"

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/{self.payload['application_id']}/{self.token}"

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def callback_types(self) -> list[int]:
        return [cb["type"] for cb in self.callbacks]

    @property
    def channel_id(self) -> str:
        return str(self.payload["channel_id"])

    @property
    def user(self) -> JSON:
        """Who triggered it (``member.user`` in guilds, ``user`` in DMs)."""
        member = self.payload.get("member")
        return member["user"] if member else self.payload["user"]

    @property
    def guild_id(self) -> str | None:
        return self.payload.get("guild_id")


@dataclass(slots=True)
class FakeGuild:
    """A guild: ``roles[0]`` is @everyone (same id as the guild); ``members`` by user id."""

    id: str
    name: str
    owner_id: str
    locale: str
    joined_at: str
    roles: list[JSON] = field(default_factory=list)
    channels: list[JSON] = field(default_factory=list)  # text channels and threads
    members: dict[str, JSON] = field(default_factory=dict)

    def role_named(self, name: str) -> JSON:
        return next(r for r in self.roles if r["name"] == name)

    def channel_named(self, name: str) -> JSON:
        return next(c for c in self.channels if c["name"] == name)

    def permissions_of(self, user_id: str) -> int:
        """Guild-level permissions: @everyone plus the member's roles; owner and admin get all."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        role_ids = {self.id, *(member["roles"] if member else ())}
        perms = 0
        for role in self.roles:
            if role["id"] in role_ids:
                perms |= int(role["permissions"])
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def payload(self, *, all_members: bool, bot_id: str) -> JSON:
        """The GUILD_CREATE payload. Like Discord, without the presence intent the member list
        holds only the bot itself."""
        members = [m for uid, m in self.members.items() if all_members or uid == bot_id]
        text = [c for c in self.channels if c["type"] not in THREAD_TYPES]
        threads = [c for c in self.channels if c["type"] in THREAD_TYPES]
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": self.owner_id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "features": [],
            "application_id": None,
            "system_channel_id": text[0]["id"] if text else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "joined_at": self.joined_at,
            "large": False,
            "lazy": True,
            "unavailable": False,
            "member_count": len(self.members),
            "roles": [dict(r) for r in self.roles],
            "emojis": [],
            "stickers": [],
            "channels": [dict(c) for c in text],
            "threads": [dict(c) for c in threads],
            "members": [dict(m) for m in members],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


# --------------------------------------------------------------------------- gateway plumbing


class _Compressor:
    """Transport compression for one websocket: a single stream for the whole connection, each
    message flushed so that it can be decompressed on its own (as Discord does)."""

    def __init__(self, kind: str | None) -> None:
        self.kind: str | None = None
        self._zlib: Any = None
        self._zstd: Any = None
        self._zstd_flush: int = 0
        if kind == "zlib-stream":
            self.kind, self._zlib = kind, zlib.compressobj()
        elif kind == "zstd-stream":
            try:
                import zstandard  # type: ignore[import-not-found]
            except ImportError:  # no zstd here: plain text frames, which clients also accept
                return
            self.kind = kind
            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._zstd_flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    def compress(self, text: str) -> bytes | str:
        data = text.encode()
        if self._zlib is not None:
            return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            return self._zstd.compress(data) + self._zstd.flush(self._zstd_flush)
        return text


@dataclass(slots=True)
class GatewaySession:
    """A gateway session (survives RESUME onto a new socket): sequence, replay log, shard."""

    session_id: str
    shard: tuple[int, int]
    intents: int
    identify: JSON
    seq: int = 0
    log: list[JSON] = field(default_factory=list)
    socket: _Socket | None = None


class _Socket:
    """One websocket connection; sends are serialised so compression and ``s`` stay in order."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compressor = _Compressor(compress)
        self.session: GatewaySession | None = None
        self.ready = False
        self._lock = asyncio.Lock()

    async def send(self, frame: JSON) -> None:
        async with self._lock:
            await self._send_locked(frame)

    async def dispatch(self, event: str, data: JSON) -> None:
        session = self.session
        assert session is not None
        async with self._lock:
            session.seq += 1
            frame = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
            session.log.append(frame)
            await self._send_locked(frame)

    async def _send_locked(self, frame: JSON) -> None:
        frame = {"op": frame["op"], "d": frame.get("d"), "s": frame.get("s"), "t": frame.get("t")}
        if self.ws.closed:
            return
        out = self.compressor.compress(json.dumps(frame))
        with contextlib.suppress(ConnectionResetError):
            if isinstance(out, bytes):
                await self.ws.send_bytes(out)
            else:
                await self.ws.send_str(out)


# --------------------------------------------------------------------------- the fake


class FakeDiscord:
    """A fake Discord on 127.0.0.1: REST under ``api_url``, gateway at ``gateway_url``.

    Constructor options: ``token`` (the bot token it accepts), ``heartbeat_interval_ms``,
    ``shard_count`` (announced by ``GET /gateway/bot``), ``callback_deadline`` (seconds an
    interaction may wait for its first callback; ``None``: no limit), ``echo_own_messages``
    (send MESSAGE_CREATE for the bot's own non-ephemeral messages, as Discord does).
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        heartbeat_interval_ms: int = 41250,
        shard_count: int = 1,
        callback_deadline: float | None = 3.0,
        echo_own_messages: bool = True,
        bot_name: str = "PracticeBot",
        guild_name: str = "Practice Guild",
        guild_locale: str = "en-US",
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.shard_count = shard_count
        self.callback_deadline = callback_deadline
        self.echo_own_messages = echo_own_messages

        self.port = 0
        self.base_url = ""
        self.api_url = ""
        self.gateway_url = ""

        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.gateway_received: list[JSON] = []
        self.gateway_connections: list[dict[str, str]] = []  # query of each gateway connect
        self.gateway_close_codes: list[int | None] = []
        self.users: dict[str, JSON] = {}
        self.guilds: dict[str, FakeGuild] = {}
        self.channels: dict[str, JSON] = {}
        self.messages: dict[str, JSON] = {}
        self.deleted_messages: dict[str, JSON] = {}
        self.reactions: list[tuple[str, str, str]] = []  # (channel_id, message_id, emoji)
        self.attachments: dict[str, bytes] = {}  # attachment id -> bytes
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[str, list[JSON]] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.sessions: dict[str, GatewaySession] = {}

        self._last_ms = 0
        self._increment = 0
        self._sockets: set[_Socket] = set()
        self._claimed_requests: set[int] = set()
        self._claimed_frames: set[int] = set()
        self._waiters: list[asyncio.Future[None]] = []
        self._failures: list[tuple[str, re.Pattern[str], int, JSON, list[int]]] = []
        self._chaos: tuple[random.Random, float, tuple[int, ...]] | None = None
        self.chaos_failures: list[RecordedRequest] = []
        self._message_meta: dict[str, JSON] = {}  # id -> {"allowed_mentions": ...}
        self._runner: web.AppRunner | None = None

        self.bot_user: JSON = self.add_user(bot_name, bot=True)
        self.bot_user.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        self.owner: JSON = self.add_user("guild-owner")
        self.application_id = self.new_id()
        self.application: JSON = {
            "id": self.application_id,
            "name": bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": dict(self.owner),
            "team": None,
            "bot": dict(self.bot_user),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "install_params": None,
            "integration_types_config": {"0": {}},
        }
        self.guild: FakeGuild = self.add_guild(guild_name, locale=guild_locale)
        self.channel: JSON = self.guild.channel_named("general")

        self.app = web.Application(middlewares=[self._record_middleware])
        self._routes(self.app.router)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeDiscord:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_url = self.base_url + API_PREFIX
        self.gateway_url = f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"
        return self

    async def close(self) -> None:
        """Close gateway sockets (code 1001), then the server. Close the bot first: a bot that is
        still running treats this as an outage and keeps reconnecting."""
        for sock in list(self._sockets):
            await sock.ws.close(code=1001, message=b"fake discord is shutting down")
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ ids and entities

    def new_id(self) -> str:
        """A real-looking snowflake: milliseconds since the Discord epoch, then an increment."""
        ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, self._last_ms)
        if ms == self._last_ms:
            self._increment += 1
            if self._increment >= 1 << 12:
                ms, self._increment = ms + 1, 0
        else:
            self._increment = 0
        self._last_ms = ms
        return str((ms << 22) | self._increment)

    def add_user(self, name: str, *, bot: bool = False, global_name: str | None = None) -> JSON:
        user: JSON = {
            "id": self.new_id(),
            "username": name,
            "discriminator": "0",
            "global_name": global_name if global_name is not None else (None if bot else name),
            "avatar": None,
            "bot": bot,
            "system": False,
            "public_flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }
        self.users[user["id"]] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: JSON | None = None,
        channel_names: Iterable[str] = ("general",),
        locale: str = "en-US",
        shard_id: int | None = None,
    ) -> FakeGuild:
        """A guild with text channels, roles (@everyone, Moderator: Manage Server, Admin:
        Administrator, the bot's managed role) and the owner and bot as members.
        ``shard_id`` picks an id that shard owns (of ``shard_count``).

        Guilds added while a bot is connected reach it only via :meth:`announce_guild`.
        """
        owner = owner or self.owner
        guild_id = int(self.new_id())
        if shard_id is not None:  # step the timestamp part until the guild lands on that shard
            while shard_of(str(guild_id), self.shard_count) != shard_id:
                guild_id += 1 << 22
        guild = FakeGuild(
            id=str(guild_id), name=name, owner_id=owner["id"], locale=locale, joined_at=_now_iso()
        )

        def role(role_id: str, role_name: str, perms: int, position: int, **extra: Any) -> JSON:
            return {
                "id": role_id,
                "name": role_name,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "icon": None,
                "unicode_emoji": None,
                "position": position,
                "permissions": str(perms),
                "managed": False,
                "mentionable": False,
                "flags": 0,
                **extra,
            }

        bot_tags = {"bot_id": self.bot_user["id"]}
        guild.roles = [
            role(guild.id, "@everyone", DEFAULT_PERMISSIONS, 0),
            role(self.new_id(), "Moderator", DEFAULT_PERMISSIONS | MANAGE_GUILD, 1),
            role(self.new_id(), "Admin", ADMINISTRATOR, 2),
            role(
                self.new_id(),
                self.bot_user["username"],
                BOT_PERMISSIONS,
                3,
                managed=True,
                tags=bot_tags,
            ),
        ]
        self.guilds[guild.id] = guild
        for channel_name in channel_names:
            self.add_channel(guild, channel_name)
        self.add_member(owner, guild)
        self.add_member(self.bot_user, guild, roles=[guild.roles[3]["id"]])
        return guild

    def add_channel(
        self,
        guild: FakeGuild | None = None,
        name: str = "general",
        *,
        type: int = GUILD_TEXT,
        parent_id: str | None = None,
        topic: str | None = None,
    ) -> JSON:
        guild = guild or self.guild
        channel: JSON = {
            "id": self.new_id(),
            "type": type,
            "guild_id": guild.id,
            "name": name,
            "position": len(guild.channels),
            "permission_overwrites": [],
            "parent_id": parent_id,
            "topic": topic,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        guild.channels.append(channel)
        self.channels[channel["id"]] = channel
        return channel

    def add_member(
        self,
        user: JSON | str,
        guild: FakeGuild | None = None,
        *,
        manage_guild: bool = False,
        administrator: bool = False,
        roles: Iterable[str] = (),
        nick: str | None = None,
    ) -> JSON:
        """Make ``user`` (a user payload, or a name for a new user) a member of ``guild``
        (default: ``fake.guild``). Returns the member payload; its ``"user"`` is the user.
        ``manage_guild`` gives the Moderator role (Manage Server), ``administrator`` the Admin
        role."""
        guild = guild or self.guild
        user = self.add_user(user) if isinstance(user, str) else user
        role_ids = list(roles)
        if manage_guild:
            role_ids.append(guild.role_named("Moderator")["id"])
        if administrator:
            role_ids.append(guild.role_named("Admin")["id"])
        member: JSON = {
            "user": user,
            "nick": nick,
            "avatar": None,
            "banner": None,
            "roles": role_ids,
            "joined_at": _now_iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        guild.members[user["id"]] = member
        return member

    def dm_channel(self, user: JSON | str) -> JSON:
        """The DM channel between the bot and ``user``, created on first use."""
        user = self._user(user)
        for channel in self.channels.values():
            if channel["type"] == DM and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = {
            "id": self.new_id(),
            "type": DM,
            "last_message_id": None,
            "recipients": [user],
            "flags": 0,
        }
        self.channels[channel["id"]] = channel
        return channel

    def guild_of(self, channel_id: str) -> FakeGuild | None:
        channel = self.channels.get(str(channel_id))
        if channel is None or "guild_id" not in channel:
            return None
        return self.guilds[channel["guild_id"]]

    def messages_in(self, channel_id: str) -> list[JSON]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    def bot_messages(self, channel_id: str | None = None) -> list[JSON]:
        """Messages the bot posted (REST, interaction responses, follow-ups), oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["author"]["id"] == self.bot_user["id"]
            and (channel_id is None or m["channel_id"] == str(channel_id))
        ]

    def find_component(
        self, message_id: str, *, label: str | None = None, custom_id: str | None = None
    ) -> JSON:
        """The first component of a stored message matching ``label`` and/or ``custom_id``."""
        for component in _walk_components(self.messages[str(message_id)].get("components", [])):
            if label is not None and component.get("label") != label:
                continue
            if custom_id is not None and component.get("custom_id") != custom_id:
                continue
            if "custom_id" in component:
                return component
        raise LookupError(f"no component {label=} {custom_id=} on message {message_id}")

    def pings_of(self, message_id: str) -> set[str]:
        """Who the message notifies under Discord's rules: user ids, ``"role:<id>"``,
        ``"everyone"``. Empty for ``AllowedMentions.none()``."""
        message = self.messages.get(str(message_id)) or self.deleted_messages[str(message_id)]
        allowed = self._message_meta.get(message["id"], {}).get("allowed_mentions")
        content = message.get("content") or ""
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        users = set() if allowed is None else {str(u) for u in allowed.get("users", [])}
        roles = set() if allowed is None else {str(r) for r in allowed.get("roles", [])}
        pings: set[str] = set()
        for uid in _USER_MENTION.findall(content):
            if "users" in parse or uid in users:
                pings.add(uid)
        for rid in _ROLE_MENTION.findall(content):
            if "roles" in parse or rid in roles:
                pings.add(f"role:{rid}")
        if "everyone" in parse and ("@everyone" in content or "@here" in content):
            pings.add("everyone")
        referenced = message.get("referenced_message")
        replied = True if allowed is None else bool(allowed.get("replied_user", False))
        if referenced and replied:
            pings.add(referenced["author"]["id"])
        pings.discard(self.bot_user["id"])
        return pings

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: JSON | None = None,
        *,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching REST requests with ``status`` and ``body``.
        (A 429 needs ``retry_after`` in the body; discord.py retries 500/502/504 by itself.)"""
        body = body if body is not None else {"message": f"{status}: injected", "code": 0}
        self._failures.append((method.upper(), re.compile(path_regex), status, body, [times]))

    def fail_randomly(
        self, rate: float, statuses: Iterable[int] = (500, 403, 404), *, seed: int = 0
    ) -> None:
        """From now on answer a share ``rate`` of REST requests (chosen by a seeded random) with
        one of ``statuses``, at random; ``rate=0`` stops it. Failed requests are listed in
        ``chaos_failures``."""
        self._chaos = (random.Random(seed), rate, tuple(statuses)) if rate > 0 else None

    # ------------------------------------------------------------------ waiting

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _wait(self, check: Callable[[], T | None], limit: float, what: str) -> T:
        """Re-run ``check`` after every change until it returns a value, for ``limit`` seconds.
        The public helpers take a ``timeout`` on purpose: a broken test fails, it never hangs."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [f"{r.method} {r.path} -> {r.status}" for r in self.requests[-10:]]
                raise TimeoutError(f"timed out after {limit}s waiting for {what}; last: {seen}")
            waiter = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - see _wait
    ) -> RecordedRequest:
        """The first handled request matching ``method`` and ``path_regex`` (``re.fullmatch``
        on the path under ``/api/v10``) that no earlier call returned; waits for it if needed.
        """
        pattern = re.compile(path_regex)

        def check() -> RecordedRequest | None:
            for index, rec in enumerate(self.requests):
                if index in self._claimed_requests or not rec.done:
                    continue
                if rec.method == method.upper() and pattern.fullmatch(rec.path):
                    self._claimed_requests.add(index)
                    return rec
            return None

        return await self._wait(check, timeout, f"{method} {path_regex}")

    def requests_matching(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [
            r for r in self.requests if r.method == method.upper() and pattern.fullmatch(r.path)
        ]

    async def wait_for_gateway(self, op: int, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        """The first frame with opcode ``op`` the bot sent that no earlier call returned."""

        def check() -> JSON | None:
            for index, frame in enumerate(self.gateway_received):
                if index not in self._claimed_frames and frame.get("op") == op:
                    self._claimed_frames.add(index)
                    return frame
            return None

        return await self._wait(check, timeout, f"gateway op {op}")

    async def wait_until_ready(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until every shard the bot identified with has been sent READY and its GUILD_CREATEs.
        (The bot's ``on_ready`` follows after its ``guild_ready_timeout``.)"""

        def check() -> bool | None:
            ready = [s for s in self._sockets if s.ready and s.session is not None]
            if not ready:
                return None
            count = max(s.session.shard[1] for s in ready if s.session)
            ids = {s.session.shard[0] for s in ready if s.session}
            return True if ids >= set(range(count)) else None

        await self._wait(check, timeout, "the bot to identify")

    async def wait_until_disconnected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until no gateway socket is open (after ``bot.close()``: the close is recorded)."""
        await self._wait(lambda: None if self._sockets else True, timeout, "the bot to hang up")

    # ------------------------------------------------------------------ dispatching events

    def _sockets_for(self, guild_id: str | None) -> list[_Socket]:
        ready = [s for s in self._sockets if s.ready and s.session is not None]
        if not ready:
            raise RuntimeError("no bot is connected to the fake gateway (await its readiness)")
        out = []
        for sock in ready:
            assert sock.session is not None
            shard_id, count = sock.session.shard
            if shard_of(guild_id, count) == shard_id:
                out.append(sock)
        return out

    async def dispatch(self, event: str, data: JSON, *, guild_id: str | None = None) -> None:
        """Send a DISPATCH (op 0) event to the shard owning ``guild_id`` (DMs: shard 0)."""
        for sock in self._sockets_for(guild_id):
            await sock.dispatch(event, data)

    async def announce_guild(self, guild: FakeGuild) -> None:
        """GUILD_CREATE for a guild added after the bot connected (the bot "joins" it)."""
        for sock in self._sockets_for(guild.id):
            assert sock.session is not None
            await sock.dispatch("GUILD_CREATE", self._guild_create(guild, sock.session))

    async def invalidate_sessions(self) -> None:
        """Forget every gateway session and drop the connections: the client's RESUME gets
        INVALID_SESSION (not resumable) and it identifies anew. Events in between are never
        delivered, as on Discord."""
        self.sessions.clear()
        for sock in list(self._sockets):
            sock.ready = False
            await sock.ws.close(code=4000, message=b"Unknown error")

    async def send_reconnect(self) -> None:
        """Op 7 RECONNECT to every socket: the bot reconnects to ``resume_gateway_url`` and
        RESUMEs."""
        for sock in list(self._sockets):
            await sock.send({"op": OP_RECONNECT, "d": None})

    async def dispatch_message(
        self,
        channel_id: str,
        author: JSON | str,
        content: str,
        *,
        attachments: Iterable[tuple[str, bytes]] = (),
        mentions: Iterable[JSON | str] = (),
        reply_to: str | None = None,
        **extra: Any,
    ) -> JSON:
        """A user posts ``content`` in a channel, thread or DM: stored, then MESSAGE_CREATE.
        ``attachments`` are ``(filename, bytes)``, served back at the attachment's ``url``;
        ``extra`` keys are set on the payload as given. Returns the message payload."""
        channel_id = str(channel_id)
        user = self._user(author)
        files = [
            UploadedFile(f"files[{i}]", name, "application/octet-stream", data)
            for i, (name, data) in enumerate(attachments)
        ]
        message = self._new_message(channel_id, user, {"content": content}, files=files)
        mentioned = [self._user(m) for m in mentions]
        if mentioned:
            message["mentions"] = mentioned
        message.update(extra)
        if reply_to is not None:
            ref = self.messages[str(reply_to)]
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": ref["id"],
                "channel_id": channel_id,
            }
            message["referenced_message"] = ref
        self._store_message(message, None)
        await self._broadcast_message(message)
        return message

    async def dispatch_interaction(
        self,
        type: int,
        *,
        user: JSON | str,
        channel_id: str | None = None,
        data: JSON | None = None,
        message: JSON | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """INTERACTION_CREATE of any ``type`` from ``user`` in ``channel_id`` (default
        ``#general``). In a guild the payload carries ``member`` with its ``permissions`` string
        (from its roles), otherwise ``user``. Returns the record of the interaction."""
        channel_id = str(channel_id or self.channel["id"])
        channel = self.channels[channel_id]
        guild = self.guild_of(channel_id)
        user = self._user(user)
        interaction_id = self.new_id()
        payload: JSON = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": type,
            "token": f"ixtk.{secrets.token_urlsafe(32)}",
            "version": 1,
            "locale": locale,
            "channel": dict(channel),
            "channel_id": channel_id,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            member = guild.members.get(user["id"]) or self.add_member(user, guild)
            payload.update(
                guild_id=guild.id,
                guild={"id": guild.id, "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member={**member, "permissions": str(guild.permissions_of(user["id"]))},
                app_permissions=str(guild.permissions_of(self.bot_user["id"])),
                authorizing_integration_owners={"0": guild.id},
                context=0,
            )
        else:
            payload.update(
                user=user,
                app_permissions=str(DEFAULT_PERMISSIONS),
                authorizing_integration_owners={"1": user["id"]},
                context=1 if channel["type"] == DM else 2,
            )
        if data is not None:
            payload["data"] = data
        if message is not None:
            payload["message"] = message
        record = FakeInteraction(
            id=interaction_id,
            token=payload["token"],
            type=type,
            payload=payload,
            created=time.monotonic(),
        )
        self.interactions[interaction_id] = record
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=payload.get("guild_id"))
        return record

    async def dispatch_slash_command(
        self,
        name: str,
        *,
        user: JSON | str,
        channel_id: str | None = None,
        options: Mapping[str, Any] | list[JSON] | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """``/name`` (``"group sub"`` for subcommands) with ``options`` given as ``{name:
        value}`` (types taken from the synced definition, else from the Python type) or as raw
        option payloads. The command id comes from the synced commands (guild ones first)."""
        channel_id = str(channel_id or self.channel["id"])
        guild = self.guild_of(channel_id)
        top, *subs = name.split()
        command = None
        if guild is not None:
            command = _named(self.guild_commands.get(guild.id, []), top)
        command = command or _named(self.global_commands, top)
        data: JSON = {"id": command["id"] if command else self.new_id(), "name": top, "type": 1}
        if command and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        definitions = command.get("options", []) if command else []
        holder = data
        for sub in subs:
            definition = _named(definitions, sub) or {}
            option = {"name": sub, "type": definition.get("type", 1), "options": []}
            holder.setdefault("options", []).append(option)
            holder, definitions = option, definition.get("options", [])
        if isinstance(options, list):
            holder.setdefault("options", []).extend(options)
        elif options:
            for key, value in options.items():
                definition = _named(definitions, key) or {}
                kind = definition.get("type") or _OPTION_TYPES.get(type(value), 3)
                holder.setdefault("options", []).append({"name": key, "type": kind, "value": value})
        data.setdefault("options", [])
        return await self.dispatch_interaction(
            APPLICATION_COMMAND, user=user, channel_id=channel_id, data=data, locale=locale
        )

    async def dispatch_component(
        self,
        message_id: str,
        custom_id: str,
        *,
        user: JSON | str,
        component_type: int | None = None,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A click (type 3) on a component of a stored message; ``values`` for selects."""
        message = self.messages[str(message_id)]
        if component_type is None:
            try:
                component_type = self.find_component(message_id, custom_id=custom_id)["type"]
            except LookupError:
                component_type = 2
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self.dispatch_interaction(
            MESSAGE_COMPONENT,
            user=user,
            channel_id=message["channel_id"],
            data=data,
            message=dict(message),
            locale=locale,
        )

    async def click_button(
        self,
        message_id: str,
        *,
        user: JSON | str,
        label: str | None = None,
        custom_id: str | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Click the button labelled ``label`` (or with ``custom_id``) on a stored message."""
        button = self.find_component(message_id, label=label, custom_id=custom_id)
        return await self.dispatch_component(
            message_id,
            button["custom_id"],
            user=user,
            component_type=button["type"],
            locale=locale,
        )

    async def dispatch_modal_submit(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user: JSON | str,
        channel_id: str | None = None,
        message_id: str | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A modal submit (type 5): each text input ``custom_id -> value`` in its own row."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        return await self._submit(custom_id, rows, user, channel_id, message_id, locale)

    async def submit_modal(
        self,
        interaction: FakeInteraction,
        values: Mapping[str, str | list[str]],
        *,
        user: JSON | str | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Submit the modal that the bot opened in answer to ``interaction`` (type-9 callback),
        with the modal's own layout, filling each input by custom_id or label (a list of
        strings for a select)."""
        if interaction.modal is None:
            raise LookupError(f"interaction {interaction.id} was not answered with a modal")
        modal = interaction.modal

        def fill(component: JSON, label: str | None = None) -> JSON:
            kind = component.get("type")
            if kind == 1:  # action row
                return {"type": 1, "components": [fill(c) for c in component["components"]]}
            if kind == 18:  # label around one input
                inner = fill(component["component"], component.get("label"))
                return {"type": 18, "component": inner}
            key = component.get("custom_id", "")
            label = component.get("label", label)
            value = values.get(key, values.get(label, "") if label else "")
            answer: JSON = {"type": kind, "custom_id": key}
            answer["values" if isinstance(value, list) else "value"] = value
            return answer

        rows = [fill(c) for c in modal.get("components", [])]
        message_id = (interaction.payload.get("message") or {}).get("id")
        return await self._submit(
            modal["custom_id"],
            rows,
            user or interaction.user,
            interaction.channel_id,
            message_id,
            locale,
        )

    async def _submit(
        self,
        custom_id: str,
        rows: list[JSON],
        user: JSON | str,
        channel_id: str | None,
        message_id: str | None,
        locale: str,
    ) -> FakeInteraction:
        message = self.messages.get(str(message_id)) if message_id else None
        return await self.dispatch_interaction(
            MODAL_SUBMIT,
            user=user,
            channel_id=channel_id,
            data={"custom_id": custom_id, "components": rows},
            message=dict(message) if message else None,
            locale=locale,
        )

    # ------------------------------------------------------------------ internals: entities

    def _user(self, who: JSON | str) -> JSON:
        if isinstance(who, str):
            return self.users[who]
        return who["user"] if "user" in who and "username" not in who else who

    def _new_message(
        self,
        channel_id: str,
        author: JSON,
        body: JSON,
        *,
        files: Iterable[UploadedFile] = (),
        flags: int = 0,
    ) -> JSON:
        message_id = self.new_id()
        attachments = []
        for upload in files:
            attachment_id = self.new_id()
            self.attachments[attachment_id] = upload.data
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
            attachments.append(
                {
                    "id": attachment_id,
                    "filename": upload.filename,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
        content = body.get("content") or ""
        mentioned = [self.users[u] for u in _USER_MENTION.findall(content) if u in self.users]
        message: JSON = {
            "id": message_id,
            "channel_id": channel_id,
            "type": 0,
            "content": content,
            "author": author,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": mentioned,
            "mention_roles": _ROLE_MENTION.findall(content),
            "attachments": attachments,
            "embeds": list(body.get("embeds") or []),
            "components": list(body.get("components") or []),
            "pinned": False,
            "flags": int(body.get("flags") or 0) | flags,
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if body.get("poll"):
            message["poll"] = body["poll"]
        return message

    def _store_message(self, message: JSON, body: JSON | None) -> None:
        """Store it; a bot message's ``allowed_mentions`` is kept for :meth:`pings_of`."""
        self.messages[message["id"]] = message
        self._message_meta[message["id"]] = {
            "allowed_mentions": (body or {}).get("allowed_mentions")
        }
        channel = self.channels.get(message["channel_id"])
        if channel is not None:
            channel["last_message_id"] = message["id"]
            if channel["type"] in THREAD_TYPES:
                channel["message_count"] = channel.get("message_count", 0) + 1
                channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1

    async def _broadcast_message(self, message: JSON, event_name: str = "MESSAGE_CREATE") -> None:
        """MESSAGE_CREATE/UPDATE as the gateway sends it: with guild_id and member in guilds.
        User messages always go out; the bot's own only with ``echo_own_messages``; ephemeral
        ones never."""
        own = message["author"]["id"] == self.bot_user["id"]
        if message["flags"] & EPHEMERAL or (own and not self.echo_own_messages):
            return
        if not self._sockets_ready():
            return
        guild = self.guild_of(message["channel_id"])
        event = dict(message)
        if guild is not None:
            event["guild_id"] = guild.id
            member = guild.members.get(message["author"]["id"])
            if member is not None:
                event["member"] = {k: v for k, v in member.items() if k != "user"}
        await self.dispatch(event_name, event, guild_id=event.get("guild_id"))

    def _sockets_ready(self) -> bool:
        return any(s.ready for s in self._sockets)

    def _bot_message(
        self,
        channel_id: str,
        body: JSON,
        files: Iterable[UploadedFile] = (),
        *,
        flags: int = 0,
        interaction: FakeInteraction | None = None,
        message_type: int = 0,
    ) -> JSON:
        """Store a message the bot posts (REST send, interaction response, follow-up)."""
        message = self._new_message(channel_id, self.bot_user, body, files=files, flags=flags)
        message["type"] = message_type
        reference = body.get("message_reference")
        if reference and str(reference.get("message_id")) in self.messages:
            message["type"] = 19
            message["message_reference"] = {
                "type": reference.get("type", 0),
                "message_id": str(reference["message_id"]),
                "channel_id": channel_id,
            }
            message["referenced_message"] = self.messages[str(reference["message_id"])]
        if interaction is not None:
            payload = interaction.payload
            invoker = payload.get("member", {}).get("user") or payload.get("user")
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
            message["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": invoker,
                "authorizing_integration_owners": payload["authorizing_integration_owners"],
            }
        self._store_message(message, body)
        return message

    def _guild_create(self, guild: FakeGuild, session: GatewaySession) -> JSON:
        return guild.payload(
            all_members=bool(session.intents & INTENT_GUILD_PRESENCES),
            bot_id=self.bot_user["id"],
        )

    # ------------------------------------------------------------------ internals: HTTP

    def _routes(self, router: web.UrlDispatcher) -> None:
        api = API_PREFIX
        add = router.add_route
        add("GET", GATEWAY_PATH, self._gateway)
        add("GET", "/attachments/{channel_id}/{attachment_id}/{filename}", self._get_attachment)
        add("GET", api + "/users/@me", self._get_me)
        add("GET", api + "/users/{user_id}", self._get_user)
        add("GET", api + "/oauth2/applications/@me", self._get_application)
        add("GET", api + "/applications/@me", self._get_application)
        add("GET", api + "/gateway", self._get_gateway)
        add("GET", api + "/gateway/bot", self._get_gateway_bot)
        commands = api + "/applications/{app_id}/commands"
        guild_commands = api + "/applications/{app_id}/guilds/{guild_id}/commands"
        for path in (commands, guild_commands):
            add("GET", path, self._get_commands)
            add("PUT", path, self._put_commands)
            add("POST", path, self._post_command)
        add("GET", api + "/guilds/{guild_id}", self._get_guild)
        add("GET", api + "/guilds/{guild_id}/members/{user_id}", self._get_member)
        add("GET", api + "/channels/{channel_id}", self._get_channel)
        add("POST", api + "/channels/{channel_id}/typing", self._typing)
        add("POST", api + "/channels/{channel_id}/messages", self._post_message)
        add("GET", api + "/channels/{channel_id}/messages", self._get_messages)
        message = api + "/channels/{channel_id}/messages/{message_id}"
        add("GET", message, self._get_message)
        add("PATCH", message, self._patch_message)
        add("DELETE", message, self._delete_message)
        add("POST", message + "/threads", self._thread_from_message)
        reaction = message + "/reactions/{emoji}/@me"
        add("PUT", reaction, self._put_reaction)
        add("DELETE", reaction, self._delete_reaction)
        add("POST", api + "/channels/{channel_id}/threads", self._thread_without_message)
        add("POST", api + "/users/@me/channels", self._open_dm)
        add("POST", api + "/interactions/{interaction_id}/{token}/callback", self._callback)
        webhook = api + "/webhooks/{app_id}/{token}"
        add("POST", webhook, self._followup)
        add("GET", webhook + "/messages/{message_id}", self._get_webhook_message)
        add("PATCH", webhook + "/messages/{message_id}", self._edit_webhook_message)
        add("DELETE", webhook + "/messages/{message_id}", self._delete_webhook_message)
        add("*", "/{tail:.*}", self._not_found)

    @web.middleware
    async def _record_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Record every API request before it is handled; mark it done (status) after."""
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        rec = await self._read_request(request)
        self.requests.append(rec)
        request[_RECORD] = rec
        status = 500  # stays so if the handler raises: a bug in the fake, logged by aiohttp
        try:
            response = self._injected_failure(rec)
            if response is None and not self._authorised(request, rec):
                response = _error(401, "401: Unauthorized")
            if response is None:
                response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            rec.status = status
            self._wake()

    @staticmethod
    async def _read_request(request: web.Request) -> RecordedRequest:
        rec = RecordedRequest(
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            json=None,
            time=time.monotonic(),
            query=dict(request.query),
            headers=dict(request.headers),
        )
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue  # nested multipart: discord.py never sends one
                data = bytes(await part.read())
                name = part.name or ""
                if part.filename:
                    content_type = part.headers.get("Content-Type", "application/octet-stream")
                    rec.files.append(UploadedFile(name, part.filename, content_type, data))
                elif name == "payload_json":
                    rec.json = json.loads(data)
                else:
                    rec.form[name] = data.decode()
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    rec.json = json.loads(raw)
                except ValueError:
                    rec.form["raw"] = raw.decode(errors="replace")
        return rec

    def _authorised(self, request: web.Request, rec: RecordedRequest) -> bool:
        # Interaction callbacks and interaction webhooks are authorised by the token in the URL.
        if rec.path.startswith(("/interactions/", "/webhooks/")):
            return True
        return request.headers.get("Authorization") == f"Bot {self.token}"

    def _injected_failure(self, rec: RecordedRequest) -> web.Response | None:
        if self._chaos is not None:
            chance, rate, statuses = self._chaos
            if chance.random() < rate:
                status = chance.choice(statuses)
                self.chaos_failures.append(rec)
                codes = {403: (50013, "Missing Permissions"), 404: (10003, "Unknown Channel")}
                code, message = codes.get(status, (0, f"{status}: injected"))
                return _json({"message": message, "code": code}, status)
        for method, pattern, status, body, left in self._failures:
            if left[0] > 0 and rec.method == method and pattern.fullmatch(rec.path):
                left[0] -= 1
                response = _json(body, status)
                if status == 429:  # discord.py treats a 429 without Via as Cloudflare's
                    response.headers["Via"] = "1.1 google"
                return response
        return None

    @staticmethod
    def _rec(request: web.Request) -> RecordedRequest:
        return request[_RECORD]

    async def _not_found(self, request: web.Request) -> web.Response:
        if _RECORD in request:
            self.unhandled.append(self._rec(request))
        return _error(404, "404: Not Found")

    async def _get_attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(request.match_info["attachment_id"])
        if data is None:
            return _error(404, "404: Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    # ---- users, application, gateway

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(request.match_info["user_id"])
        return _json(user) if user else _error(404, "Unknown User", 10013)

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json(self.application)

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    # ---- application commands

    def _command_list(self, request: web.Request) -> list[JSON] | None:
        if request.match_info["app_id"] != self.application_id:
            return None
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def _command(self, body: JSON, existing: list[JSON], guild_id: str | None) -> JSON:
        kind = body.get("type", 1)
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == kind), None)
        command = {
            "id": old["id"] if old else self.new_id(),
            "application_id": self.application_id,
            "version": self.new_id(),
            "type": kind,
            "name": body["name"],
            "description": body.get("description", ""),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "nsfw": body.get("nsfw", False),
            "name_localizations": body.get("name_localizations"),
            "description_localizations": body.get("description_localizations"),
            "integration_types": body.get("integration_types", [0]),
            "contexts": body.get("contexts"),
        }
        if guild_id is not None:
            command["guild_id"] = guild_id
        return command

    async def _get_commands(self, request: web.Request) -> web.Response:
        commands = self._command_list(request)
        return _json(commands) if commands is not None else _error(403, "Missing Access", 50001)

    async def _put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite, as ``tree.sync()`` does: the body replaces the whole list."""
        commands = self._command_list(request)
        body = self._rec(request).json
        if commands is None or not isinstance(body, list):
            return _error(400, "Invalid Form Body", 50035)
        guild_id = request.match_info.get("guild_id")
        new = [self._command(c, commands, guild_id) for c in body]
        commands[:] = new
        return _json(new)

    async def _post_command(self, request: web.Request) -> web.Response:
        commands = self._command_list(request)
        body = self._rec(request).json
        if commands is None or not isinstance(body, dict):
            return _error(400, "Invalid Form Body", 50035)
        command = self._command(body, commands, request.match_info.get("guild_id"))
        commands[:] = [c for c in commands if c["id"] != command["id"]] + [command]
        return _json(command, 201)

    # ---- guilds and channels

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(request.match_info["guild_id"])
        if guild is None:
            return _error(404, "Unknown Guild", 10004)
        data = guild.payload(all_members=False, bot_id=self.bot_user["id"])
        for key in ("channels", "threads", "members", "voice_states", "presences", "joined_at"):
            data.pop(key)
        return _json(data)

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(request.match_info["guild_id"])
        member = guild.members.get(request.match_info["user_id"]) if guild else None
        return _json(member) if member else _error(404, "Unknown Member", 10007)

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(request.match_info["channel_id"])
        return _json(channel) if channel else _error(404, "Unknown Channel", 10003)

    async def _typing(self, request: web.Request) -> web.Response:
        if request.match_info["channel_id"] not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        return _no_content()

    async def _open_dm(self, request: web.Request) -> web.Response:
        body = self._rec(request).json or {}
        user = self.users.get(str(body.get("recipient_id")))
        if user is None:
            return _error(400, "Invalid Recipient(s)", 50033)
        return _json(self.dm_channel(user))

    def _thread(self, parent: JSON, owner_id: str, body: JSON, thread_id: str | None) -> JSON:
        now = _now_iso()
        thread: JSON = {
            "id": thread_id or self.new_id(),
            "guild_id": parent["guild_id"],
            "parent_id": parent["id"],
            "owner_id": owner_id,
            "name": body.get("name", "thread"),
            "type": int(body.get("type", PUBLIC_THREAD)),
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "rate_limit_per_user": int(body.get("rate_limit_per_user") or 0),
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": int(body.get("auto_archive_duration") or 4320),
                "archive_timestamp": now,
                "locked": False,
                "invitable": bool(body.get("invitable", True)),
                "create_timestamp": now,
            },
            "member": {"id": None, "user_id": owner_id, "join_timestamp": now, "flags": 0},
        }
        thread["member"]["id"] = thread["id"]
        self.channels[thread["id"]] = thread
        self.guilds[parent["guild_id"]].channels.append(thread)
        return thread

    async def _create_thread(self, request: web.Request, message_id: str | None) -> web.Response:
        parent = self.channels.get(request.match_info["channel_id"])
        if parent is None or parent["type"] != GUILD_TEXT:
            return _error(404, "Unknown Channel", 10003)
        body = self._rec(request).json or {}
        if message_id is not None:
            message = self.messages.get(message_id)
            if message is None:
                return _error(404, "Unknown Message", 10008)
            if message.get("thread"):
                return _error(400, "A thread has already been created for this message", 160004)
            body = {**body, "type": PUBLIC_THREAD}
        thread = self._thread(parent, self.bot_user["id"], body, message_id)
        if message_id is not None:
            self.messages[message_id]["thread"] = thread
        if self._sockets_ready():
            await self.dispatch(
                "THREAD_CREATE", {**thread, "newly_created": True}, guild_id=thread["guild_id"]
            )
        return _json(thread, 201)

    async def _thread_from_message(self, request: web.Request) -> web.Response:
        return await self._create_thread(request, request.match_info["message_id"])

    async def _thread_without_message(self, request: web.Request) -> web.Response:
        return await self._create_thread(request, None)

    # ---- messages

    async def _post_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel_id"]
        if channel_id not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        rec = self._rec(request)
        if not isinstance(rec.json, dict) and not rec.files:
            return _error(400, "Cannot send an empty message", 50006)
        message = self._bot_message(channel_id, _body(rec.json), rec.files)
        await self._broadcast_message(message)
        return _json(message)

    def _channel_message(self, request: web.Request) -> JSON | None:
        message = self.messages.get(request.match_info["message_id"])
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            return None
        return message

    async def _get_messages(self, request: web.Request) -> web.Response:
        """History: ``after`` (the ``limit`` oldest after it) or the latest; newest first."""
        channel_id = request.match_info["channel_id"]
        if channel_id not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        limit = int(request.query.get("limit", "50"))
        found = sorted(self.messages_in(channel_id), key=lambda m: int(m["id"]))
        if "after" in request.query:
            after = int(request.query["after"])
            found = [m for m in found if int(m["id"]) > after][:limit]
        else:
            found = found[-limit:]
        return _json(list(reversed(found)))

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        return _json(message) if message else _error(404, "Unknown Message", 10008)

    def _edit(self, message: JSON, body: JSON, files: Iterable[UploadedFile] = ()) -> JSON:
        """Apply an edit (PATCH body, UPDATE_MESSAGE data); ends a "thinking" placeholder."""
        for key in ("content", "embeds", "components"):
            if body.get(key) is not None:
                message[key] = body[key]
        files = list(files)
        if "attachments" in body or files:
            kept = {str(a.get("id")) for a in body.get("attachments") or []}
            fresh = self._new_message(message["channel_id"], self.bot_user, {}, files=files)
            old = [a for a in message["attachments"] if a["id"] in kept]
            message["attachments"] = old + fresh["attachments"]
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        message["edited_timestamp"] = _now_iso()
        if "allowed_mentions" in body:
            self._message_meta[message["id"]] = {"allowed_mentions": body["allowed_mentions"]}
        return message

    async def _patch_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        if message["author"]["id"] != self.bot_user["id"]:
            return _error(403, "Cannot edit a message authored by another user", 50005)
        rec = self._rec(request)
        self._edit(message, _body(rec.json), rec.files)
        await self._broadcast_message(message, "MESSAGE_UPDATE")
        return _json(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        self.deleted_messages[message["id"]] = self.messages.pop(message["id"])
        return _no_content()

    async def _put_reaction(self, request: web.Request) -> web.Response:
        if self._channel_message(request) is None:
            return _error(404, "Unknown Message", 10008)
        info = request.match_info
        self.reactions.append((info["channel_id"], info["message_id"], info["emoji"]))
        return _no_content()

    async def _delete_reaction(self, request: web.Request) -> web.Response:
        info = request.match_info
        key = (info["channel_id"], info["message_id"], info["emoji"])
        if key in self.reactions:
            self.reactions.remove(key)
        return _no_content()

    # ---- interactions

    async def _callback(self, request: web.Request) -> web.Response:
        """``POST /interactions/{id}/{token}/callback?with_response=1``: the one initial
        response. Answers with the interaction callback object (discord.py binds Views to its
        ``response_message_id``)."""
        interaction = self.interactions.get(request.match_info["interaction_id"])
        if interaction is None or interaction.token != request.match_info["token"]:
            return _error(404, "Unknown interaction", 10062)
        if interaction.acknowledged:
            return _error(400, "Interaction has already been acknowledged.", 40060)
        elapsed = time.monotonic() - interaction.created
        if self.callback_deadline is not None and elapsed > self.callback_deadline:
            return _error(404, "Unknown interaction", 10062)
        rec = self._rec(request)
        kind = _body(rec.json).get("type")
        data = _body(_body(rec.json).get("data"))
        origin = interaction.payload.get("message")
        if kind not in CALLBACK_TYPES:
            return _error(400, "Invalid Form Body", 50035)
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and origin is None:
            return _error(400, "Interaction has no message to update", 50035)
        interaction.callbacks.append({"type": kind, "data": data, "time": elapsed})
        info: JSON = {"id": interaction.id, "type": interaction.type}
        answer: JSON = {"interaction": info}
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            deferred = kind == DEFERRED_CHANNEL_MESSAGE
            message = self._bot_message(
                interaction.channel_id,
                data,
                rec.files,
                flags=LOADING if deferred else 0,
                interaction=interaction,
                message_type=20 if interaction.type == APPLICATION_COMMAND else 0,
            )
            interaction.original_message_id = message["id"]
            info.update(
                response_message_id=message["id"],
                response_message_loading=deferred,
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            answer["resource"] = {"type": kind, "message": message}
            await self._broadcast_message(message)
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            assert origin is not None
            message = self.messages[origin["id"]]
            interaction.original_message_id = message["id"]
            info.update(
                response_message_id=message["id"],
                response_message_loading=False,
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            if kind == UPDATE_MESSAGE:
                self._edit(message, data, rec.files)
                answer["resource"] = {"type": kind, "message": message}
                await self._broadcast_message(message, "MESSAGE_UPDATE")
        elif kind == MODAL:
            interaction.modal = data
        return _json(answer)

    def _webhook_interaction(self, request: web.Request) -> FakeInteraction | None:
        if request.match_info["app_id"] != self.application_id:
            return None
        token = request.match_info["token"]
        return next((i for i in self.interactions.values() if i.token == token), None)

    async def _followup(self, request: web.Request) -> web.Response:
        """``POST /webhooks/{app_id}/{token}``: a follow-up, allowed once acknowledged. After a
        "thinking" defer the first follow-up fills the placeholder, as on Discord."""
        interaction = self._webhook_interaction(request)
        if interaction is None or not interaction.acknowledged:
            return _error(404, "Unknown Webhook", 10015)
        rec = self._rec(request)
        body = _body(rec.json)
        original = self.messages.get(interaction.original_message_id or "")
        if original is not None and original["flags"] & LOADING:
            message = self._edit(original, body, rec.files)
            await self._broadcast_message(message, "MESSAGE_UPDATE")
        else:
            flags = int(body.get("flags") or 0)
            message = self._bot_message(
                interaction.channel_id, body, rec.files, flags=flags, interaction=interaction
            )
            interaction.followup_ids.append(message["id"])
            await self._broadcast_message(message)
        return _json(message)

    def _webhook_message(self, request: web.Request) -> JSON | None:
        """The original response or a follow-up of the interaction the token belongs to."""
        interaction = self._webhook_interaction(request)
        if interaction is None:
            return None
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            message_id = interaction.original_message_id or ""
        if message_id not in (interaction.original_message_id, *interaction.followup_ids):
            return None
        return self.messages.get(message_id)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        return _json(message) if message else _error(404, "Unknown Message", 10008)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        rec = self._rec(request)
        self._edit(message, _body(rec.json), rec.files)
        await self._broadcast_message(message, "MESSAGE_UPDATE")
        return _json(message)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        self.deleted_messages[message["id"]] = self.messages.pop(message["id"])
        return _no_content()

    # ------------------------------------------------------------------ internals: gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_connections.append(dict(request.query))
        version = request.query.get("v", "10")
        encoding = request.query.get("encoding", "json")
        if version not in ("9", "10"):
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        if encoding != "json":
            await ws.close(code=4002, message=b"this fake speaks encoding=json only")
            return ws
        sock = _Socket(ws, request.query.get("compress"))
        self._sockets.add(sock)
        try:
            await sock.send(
                {
                    "op": OP_HELLO,
                    "d": {
                        "heartbeat_interval": self.heartbeat_interval_ms,
                        "_trace": ["fake-discord"],
                    },
                }
            )
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                frame = json.loads(msg.data)
                self.gateway_received.append(frame)
                await self._on_frame(sock, frame)
                self._wake()
        finally:
            self._sockets.discard(sock)
            if sock.session is not None and sock.session.socket is sock:
                sock.session.socket = None
            self.gateway_close_codes.append(ws.close_code)
            self._wake()
        return ws

    async def _on_frame(self, sock: _Socket, frame: JSON) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == OP_HEARTBEAT:
            await sock.send({"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY and isinstance(data, dict):
            await self._identify(sock, data)
        elif op == OP_RESUME and isinstance(data, dict):
            await self._resume(sock, data)
        elif op == OP_REQUEST_MEMBERS and isinstance(data, dict):
            await self._request_members(sock, data)

    async def _identify(self, sock: _Socket, data: JSON) -> None:
        if data.get("token") != self.token:
            await sock.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, count = data.get("shard") or (0, 1)
        session = GatewaySession(
            session_id=uuid.uuid4().hex,
            shard=(int(shard_id), int(count)),
            intents=int(data.get("intents") or 0),
            identify=data,
            socket=sock,
        )
        self.sessions[session.session_id] = session
        sock.session = session
        guilds = [g for g in self.guilds.values() if shard_of(g.id, count) == shard_id]
        ready: JSON = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": g.id, "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": self.application["flags"]},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fake-discord"],
        }
        if data.get("shard") is not None:
            ready["shard"] = [shard_id, count]
        await sock.dispatch("READY", ready)
        for guild in guilds:
            await sock.dispatch("GUILD_CREATE", self._guild_create(guild, session))
        sock.ready = True

    async def _resume(self, sock: _Socket, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.token:
            await sock.send({"op": OP_INVALID_SESSION, "d": False})
            return
        if session.socket is not None and session.socket is not sock:
            await session.socket.ws.close(code=4000, message=b"session resumed elsewhere")
        session.socket, sock.session = sock, session
        seq = int(data.get("seq") or 0)
        for frame in [f for f in session.log if f["s"] > seq]:
            await sock.send(frame)
        await sock.dispatch("RESUMED", {"_trace": ["fake-discord"]})
        sock.ready = True

    async def _request_members(self, sock: _Socket, data: JSON) -> None:
        guild = self.guilds.get(str(data.get("guild_id")))
        if guild is None:
            return
        wanted = {str(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            m
            for uid, m in guild.members.items()
            if (not wanted or uid in wanted) and m["user"]["username"].lower().startswith(query)
        ]
        chunk: JSON = {"guild_id": guild.id, "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await sock.dispatch("GUILD_MEMBERS_CHUNK", chunk)


def shard_of(guild_id: str | None, shard_count: int) -> int:
    """The shard that receives a guild's events (DMs: shard 0), by Discord's formula."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % shard_count


def _body(value: Any) -> JSON:
    return value if isinstance(value, dict) else {}


def _named(items: Iterable[JSON], name: str) -> JSON | None:
    return next((item for item in items if item.get("name") == name), None)


def _walk_components(components: Iterable[JSON]) -> Iterable[JSON]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _walk_components([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]
