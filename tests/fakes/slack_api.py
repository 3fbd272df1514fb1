"""A fake Slack Web API and Socket Mode server for tests, on 127.0.0.1 (no network).

The real ``slack_sdk`` ``AsyncWebClient`` and slack-bolt's ``AsyncApp`` talk to it::

    async with FakeSlack(bot_token="xoxb-test", app_token="xapp-test") as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        await client.chat_postMessage(channel="C1", text="hi")
        call = await slack.wait_for_call("chat.postMessage")
        assert call.args["text"] == "hi"

Every request to ``/api/<method>`` is recorded as a :class:`SlackCall` (arguments merged from
the query string, a form body or a JSON body; JSON-valued form fields such as ``blocks`` or
``files`` decoded), including unknown methods and scripted failures. Besides the Web API the
server hosts the three other URLs a bot meets:

* ``files.getUploadURLExternal`` hands out ``<base_url>/upload/v1/<file_id>``, served here, so
  ``files_upload_v2`` completes end to end (see :attr:`FakeSlack.uploads`);
* :meth:`FakeSlack.add_file` hosts a file a user shared (``url_private_download``), served only
  with the bot token and recorded as calls of the pseudo-method ``"file"``; it may answer with a
  redirect instead;
* :meth:`FakeSlack.new_response_url` gives a ``response_url`` for built payloads; posts to it
  are recorded as calls of the pseudo-method ``"response_url"``;
* ``apps.connections.open`` returns a ``ws://`` URL served here for Socket Mode: the server
  says ``hello`` on connect, :meth:`FakeSlack.socket_send` pushes envelopes and
  :meth:`FakeSlack.wait_for_ack` returns the client's acknowledgement (with its payload).

Tests await events (``wait_for_call``, ``wait_for_ack``); nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from aiohttp import WSCloseCode, WSMsgType, web

T = TypeVar("T")
Args = dict[str, Any]
MethodHandler = Callable[[Args], Args]

TEAM_ID = "T0FAKE"
TEAM_NAME = "Fake Team"
TEAM_DOMAIN = "fake-team"
APP_ID = "A0FAKE"
BOT_ID = "B0FAKEBOT"
BOT_USER_ID = "U0FAKEBOT"
BOT_NAME = "interview-bot"
DEFAULT_SCOPES = (
    "app_mentions:read,channels:history,chat:write,commands,files:write,groups:history,"
    "im:history,im:write,reactions:write,users:read"
)
ENVELOPE_TYPES = frozenset({"events_api", "slash_commands", "interactive"})
EnvelopeType = Literal["events_api", "slash_commands", "interactive"]

# Form-encoded requests carry these as JSON strings; they are decoded for the record.
_JSON_FIELDS = frozenset({"attachments", "blocks", "files", "metadata", "view"})
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
_TS_BASE = 1_700_000_000


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class SlackCall:
    """One request the fake received.

    ``args`` are the merged, decoded parameters (``token`` removed; see ``token``);
    ``headers`` have lower-case names; ``time`` is ``time.monotonic()`` on arrival.
    """

    method: str
    args: Args
    headers: dict[str, str]
    token: str | None
    http_method: str
    time: float
    status: int
    response: Args

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class SlackUser:
    """A workspace member as ``users.info`` describes them."""

    id: str
    name: str = ""
    real_name: str = ""
    locale: str = "en-US"
    tz: str = "Europe/London"
    tz_offset: int = 0
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    team_id: str = TEAM_ID

    def to_api(self, *, include_locale: bool) -> Args:
        name = self.name or self.id.lower()
        real_name = self.real_name or name.title()
        user: Args = {
            "id": self.id,
            "team_id": self.team_id,
            "name": name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": {"real_name": real_name, "display_name": name, "team": self.team_id},
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": _TS_BASE,
        }
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class SlackMessage:
    """A message the bot posted (``chat.postMessage``), kept current by ``chat.update``."""

    channel: str
    ts: str
    text: str
    blocks: list[Any] | None = None
    thread_ts: str | None = None
    attachments: list[Any] | None = None
    metadata: Any = None
    edits: int = 0

    def to_api(self) -> Args:
        message: Args = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": self.text,
            "ts": self.ts,
        }
        for key in ("blocks", "thread_ts", "attachments", "metadata"):
            value = getattr(self, key)
            if value is not None:
                message[key] = value
        if self.edits:
            message["edited"] = {"user": BOT_USER_ID, "ts": self.ts}
        return message


@dataclass
class UploadedFile:
    """One file of ``files_upload_v2``: announced, uploaded (``data``), then completed."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes | None = None
    title: str | None = None
    completed: bool = False
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None

    def to_api(self) -> Args:
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": len(self.data or b""),
            "mimetype": "text/plain",
            "filetype": "text",
            "user": BOT_USER_ID,
            "channels": [self.channel] if self.channel else [],
            "permalink": f"https://{TEAM_DOMAIN}.slack.test/files/{BOT_USER_ID}/{self.id}",
        }


@dataclass(frozen=True)
class _HostedFile:
    data: bytes
    redirect_to: str | None
    chunk_bytes: int | None


@dataclass(frozen=True)
class SocketAck:
    """A Socket Mode acknowledgement; ``payload`` is None for a bare ack."""

    envelope_id: str
    payload: Args | None
    raw: Args
    time: float


@dataclass
class _Scripted:
    status: int
    error: str
    retry_after: int | None
    remaining: int


# --------------------------------------------------------------------------- helpers


def socket_envelope(
    kind: EnvelopeType,
    payload: Mapping[str, Any],
    *,
    envelope_id: str | None = None,
    retry_attempt: int = 0,
    retry_reason: str = "",
    accepts_response_payload: bool | None = None,
) -> Args:
    """Wrap an HTTP-mode payload in the envelope Slack sends over the Socket Mode websocket.

    ``payload`` is what HTTP mode would POST: an ``event_callback`` body for ``events_api``,
    the slash command fields for ``slash_commands``, the decoded ``payload=`` JSON for
    ``interactive``.
    """
    envelope: Args = {
        "envelope_id": envelope_id or str(uuid.uuid4()),
        "type": kind,
        "payload": dict(payload),
        "accepts_response_payload": (
            kind != "events_api" if accepts_response_payload is None else accepts_response_payload
        ),
    }
    if kind == "events_api":
        envelope["retry_attempt"] = retry_attempt
        envelope["retry_reason"] = retry_reason
    return envelope


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in {"1", "true"})


def _error(error: str, **extra: Any) -> Args:
    return {"ok": False, "error": error, **extra}


def _decode_json_fields(args: Args) -> Args:
    for key in _JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


# --------------------------------------------------------------------------- the server


class FakeSlack:
    """A Slack Web API on ``127.0.0.1:<free port>``, plus Socket Mode and file uploads.

    Point clients at :attr:`api_url` (``<base_url>/api/``). With ``bot_token`` set, Web API
    methods demand it (``not_authed`` / ``invalid_auth`` / ``not_allowed_token_type``, as
    Slack answers); ``apps.connections.open`` demands ``app_token``. ``None`` accepts any.

    State a test can read: :attr:`calls_log` (every :class:`SlackCall`), :attr:`messages`,
    :attr:`views`, :attr:`home_views`, :attr:`reactions`, :attr:`uploads`, :attr:`users`,
    :attr:`acks`, :attr:`socket_received`, :attr:`socket_connections`.
    """

    def __init__(
        self,
        *,
        bot_token: str | None = "xoxb-test-token",
        app_token: str | None = "xapp-1-test-token",
        auto_users: bool = True,
        scopes: str = DEFAULT_SCOPES,
        wait_timeout: float = 5.0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.auto_users = auto_users
        self.scopes = scopes
        self.wait_timeout = wait_timeout
        self.base_url = ""
        self.api_url = ""
        self.port = 0

        self.calls_log: list[SlackCall] = []
        self.users: dict[str, SlackUser] = {}
        self.messages: list[SlackMessage] = []
        self.views: dict[str, Args] = {}
        self.home_views: dict[str, Args] = {}
        self.reactions: list[tuple[str, str, str]] = []
        self.uploads: dict[str, UploadedFile] = {}
        self.acks: list[SocketAck] = []
        self.socket_received: list[Args] = []
        self.socket_sent: list[Args] = []
        self.socket_connections = 0

        self._handlers: dict[str, MethodHandler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "apps.connections.open": self._apps_connections_open,
            "reactions.add": self._reactions_add,
        }
        self._scripts: dict[str, deque[_Scripted]] = defaultdict(deque)
        self._files: dict[str, _HostedFile] = {}
        self._serial = 0
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/upload/v1/{file_id}", self._upload)
        self.app.router.add_post("/response/{key}", self._response_url)
        self.app.router.add_get("/files-pri/{file_id}/{name}", self._file)
        self.app.router.add_get("/link/", self._socket)

    # ---- lifecycle

    async def start(self) -> FakeSlack:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets, "the fake Slack server did not bind"
        self.port = server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.base_url}/api/"
        return self

    async def close(self) -> None:
        """Close open websockets (code 1001), then the server. Close Socket Mode clients
        first: one that auto-reconnects would keep knocking on a closed port."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        for _, future in self._waiters:
            if not future.done():
                future.set_exception(RuntimeError("FakeSlack closed while a test waited on it"))
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- configuration

    def add_user(
        self,
        user_id: str,
        *,
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        **fields: Any,
    ) -> SlackUser:
        """Add or replace a member; ``fields`` are other :class:`SlackUser` attributes."""
        user = SlackUser(id=user_id, locale=locale, is_admin=is_admin, is_owner=is_owner, **fields)
        self.users[user_id] = user
        return user

    def set_admin(self, user_id: str, *, is_admin: bool = True, is_owner: bool = False) -> None:
        user = self._user(user_id) or self.add_user(user_id)
        user.is_admin, user.is_owner = is_admin, is_owner

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP 429 and ``Retry-After``."""
        self._scripts[method].append(_Scripted(429, "ratelimited", retry_after, times))

    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        self._scripts[method].append(_Scripted(status, error, None, times))

    def on(self, method: str, handler: MethodHandler) -> None:
        """Serve (or override) ``method`` with ``handler(args) -> response dict``."""
        self._handlers[method] = handler

    def add_file(
        self,
        name: str,
        data: bytes = b"",
        *,
        redirect_to: str | None = None,
        chunk_bytes: int | None = None,
    ) -> str:
        """Host a shared file; returns its ``url_private_download``. With ``redirect_to`` the URL
        answers 302 to it; with ``chunk_bytes`` the body is streamed in pieces of that size
        without a Content-Length, as a large download arrives."""
        file_id = f"F{self._next_serial():08d}"
        self._files[file_id] = _HostedFile(data, redirect_to, chunk_bytes)
        return f"{self.base_url}/files-pri/{TEAM_ID}-{file_id}/{name}"

    def new_response_url(self) -> str:
        """A ``response_url`` served by this fake (posts are recorded as ``"response_url"``)."""
        return f"{self.base_url}/response/{self._next_serial()}"

    # ---- inspection

    def calls(self, method: str | None = None) -> list[SlackCall]:
        """Recorded calls, in arrival order; all of them when ``method`` is None."""
        return [c for c in self.calls_log if method is None or c.method == method]

    # The waits take ``timeout`` (ASYNC109) so that a test that forgets one still fails fast.

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[SlackCall], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> SlackCall:
        """The first call of ``method`` (matching ``predicate``), already made or yet to come."""
        calls = await self.wait_for_calls(method, 1, predicate, timeout=timeout)
        return calls[0]

    async def wait_for_calls(
        self,
        method: str,
        count: int,
        predicate: Callable[[SlackCall], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[SlackCall]:
        """The first ``count`` calls of ``method`` matching ``predicate``."""

        def check() -> list[SlackCall] | None:
            found = [c for c in self.calls(method) if predicate is None or predicate(c)]
            return found[:count] if len(found) >= count else None

        return await self._wait(check, timeout, f"{count} call(s) of {method}")

    async def wait_for_socket(self, nth: int = 1) -> web.WebSocketResponse:
        """The newest open Socket Mode connection, once ``nth`` connections have said hello.

        ``nth=2`` waits for the reconnection that follows :meth:`socket_disconnect`.
        """

        def check() -> web.WebSocketResponse | None:
            return self._open_socket() if self.socket_connections >= nth else None

        return await self._wait(check, None, f"Socket Mode connection #{nth}")

    async def socket_send(self, envelope: Mapping[str, Any]) -> str:
        """Send ``envelope`` on the newest connection (waiting for one); return its id.

        An ``events_api``/``slash_commands``/``interactive`` envelope without ``envelope_id``
        gets one. Anything else is sent as is, e.g. ``{"type": "disconnect", ...}``.
        """
        message = dict(envelope)
        if message.get("type") in ENVELOPE_TYPES and not message.get("envelope_id"):
            message["envelope_id"] = str(uuid.uuid4())
        ws = await self.wait_for_socket()
        await ws.send_json(message)
        self.socket_sent.append(message)
        return str(message.get("envelope_id", ""))

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        await self.socket_send(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-slack"}}
        )

    async def wait_for_ack(
        self,
        envelope_id: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> SocketAck:
        def check() -> SocketAck | None:
            return next((a for a in self.acks if a.envelope_id == envelope_id), None)

        return await self._wait(check, timeout, f"the ack of envelope {envelope_id}")

    # ---- waiting machinery

    async def _wait(self, check: Callable[[], T | None], limit: float | None, what: str) -> T:
        limit = self.wait_timeout if limit is None else limit
        found = check()
        if found is not None:
            return found
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (check, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, limit)
        except TimeoutError:
            seen = ", ".join(c.method for c in self.calls_log) or "none"
            raise TimeoutError(
                f"FakeSlack: no {what} within {limit}s (calls so far: {seen}; "
                f"acks: {[a.envelope_id for a in self.acks]})"
            ) from None
        finally:
            self._waiters.remove(entry)

    def _poke(self) -> None:
        for check, future in list(self._waiters):
            if not future.done():
                found = check()
                if found is not None:
                    future.set_result(found)

    # ---- HTTP plumbing

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _next_ts(self) -> str:
        n = self._next_serial()
        return f"{_TS_BASE + n}.{n % 1_000_000:06d}"

    def _record(
        self,
        request: web.Request,
        method: str,
        args: Args,
        token: str | None,
        status: int,
        response: Args,
    ) -> None:
        self.calls_log.append(
            SlackCall(
                method=method,
                args=args,
                headers={k.lower(): v for k, v in request.headers.items()},
                token=token,
                http_method=request.method,
                time=time.monotonic(),
                status=status,
                response=response,
            )
        )
        self._poke()

    @staticmethod
    async def _read_args(request: web.Request) -> Args:
        args: Args = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    args.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    args[key] = value if isinstance(value, str | bytes) else value.file.read()
        return _decode_json_fields(args)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._read_args(request)
        token = args.pop("token", None)
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()

        status, headers = 200, {"X-OAuth-Scopes": self.scopes}
        script = self._scripts.get(method)
        if script:
            scripted = script[0]
            scripted.remaining -= 1
            if scripted.remaining <= 0:
                script.popleft()
            status, response = scripted.status, _error(scripted.error)
            if scripted.retry_after is not None:
                headers["Retry-After"] = str(scripted.retry_after)
        elif method not in self._handlers:
            response = _error("unknown_method", req_method=method)
        else:
            response = self._check_token(method, token) or self._handlers[method](args)
        self._record(request, method, args, token, status, response)
        return web.json_response(response, status=status, headers=headers)

    def _check_token(self, method: str, token: str | None) -> Args | None:
        expected = self.app_token if method in _APP_TOKEN_METHODS else self.bot_token
        if expected is None:
            return None
        if not token:
            return _error("not_authed")
        if token != expected:
            wrong_kind = token.startswith("xapp-") != expected.startswith("xapp-")
            return _error("not_allowed_token_type" if wrong_kind else "invalid_auth")
        return None

    async def _file(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"].rpartition("-")[2]
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        hosted = self._files.get(file_id)
        args: Args = {"file_id": file_id, "name": request.match_info["name"]}
        if hosted is None:
            self._record(request, "file", args, token, 404, _error("file_not_found"))
            raise web.HTTPNotFound()
        if self.bot_token is not None and token != self.bot_token:
            self._record(request, "file", args, token, 403, _error("invalid_auth"))
            raise web.HTTPForbidden()
        if hosted.redirect_to is not None:
            self._record(request, "file", args, token, 302, {"ok": True})
            raise web.HTTPFound(hosted.redirect_to)
        self._record(request, "file", args, token, 200, {"ok": True, "size": len(hosted.data)})
        if hosted.chunk_bytes is None:
            return web.Response(body=hosted.data, content_type="application/octet-stream")
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(hosted.data), hosted.chunk_bytes):
            await response.write(hosted.data[start : start + hosted.chunk_bytes])
            await asyncio.sleep(0)  # let each piece go out on its own
        await response.write_eof()
        return response

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        upload = self.uploads.get(file_id)
        status = 200 if upload is not None else 404
        if upload is not None:
            upload.data = data
        args: Args = {"file_id": file_id, "size": len(data)}
        body = f"OK - {len(data)}" if upload is not None else "file not found"
        self._record(request, "files.upload_url", args, None, status, {"ok": status == 200})
        return web.Response(text=body, status=status, content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await self._read_args(request)
        args.setdefault("response_key", request.match_info["key"])
        self._record(request, "response_url", args, None, 200, {"ok": True})
        return web.Response(text="ok", content_type="text/plain")

    # ---- Socket Mode

    def _open_socket(self) -> web.WebSocketResponse | None:
        return next((ws for ws in reversed(self._sockets) if not ws.closed), None)

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)  # a ticket is good for one connection, as on Slack
        ws = web.WebSocketResponse(autoping=True)  # pongs the SDK's "sdk-ping-pong" pings
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len([s for s in self._sockets if not s.closed]) + 1,
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
                "connection_info": {"app_id": APP_ID},
            }
        )
        self._sockets.append(ws)
        self.socket_connections += 1
        self._poke()
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(message.data)
                except ValueError:
                    data = {"text": message.data}
                self.socket_received.append(data)
                if isinstance(data, dict) and data.get("envelope_id"):
                    self.acks.append(
                        SocketAck(
                            envelope_id=str(data["envelope_id"]),
                            payload=data.get("payload"),
                            raw=data,
                            time=time.monotonic(),
                        )
                    )
                    self._poke()
        finally:
            self._sockets.remove(ws)
        return ws

    # ---- Web API methods

    def _user(self, user_id: str) -> SlackUser | None:
        user = self.users.get(user_id)
        if user is None and self.auto_users and user_id[:1] in ("U", "W"):
            user = self.users[user_id] = SlackUser(id=user_id)
        return user

    @staticmethod
    def dm_channel(user_id: str) -> str:
        """The DM channel id the fake uses for ``user_id`` (stable: ``U123`` -> ``D123``)."""
        return "D" + user_id[1:]

    def _channel(self, channel: Any) -> str | None:
        if not isinstance(channel, str) or not channel:
            return None
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _find_message(self, channel: str, ts: str) -> SlackMessage | None:
        return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    def _auth_test(self, args: Args) -> Args:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.test/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return _error("no_text")
        message = SlackMessage(
            channel=channel,
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=args.get("blocks"),
            thread_ts=args.get("thread_ts"),
            attachments=args.get("attachments"),
            metadata=args.get("metadata"),
        )
        self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.to_api()}

    def _chat_post_ephemeral(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        if not args.get("user") or self._user(str(args["user"])) is None:
            return _error("user_not_found")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return _error("no_text")
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        message = self._find_message(channel, str(args.get("ts", "")))
        if message is None:
            return _error("message_not_found")
        if "text" in args:
            message.text = str(args["text"])
        if "blocks" in args:
            message.blocks = args["blocks"]
        if "attachments" in args:
            message.attachments = args["attachments"]
        message.edits += 1
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_api(),
        }

    def _conversations_open(self, args: Args) -> Args:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            return _error("users_list_not_supplied")
        if any(self._user(u) is None for u in users):
            return _error("user_not_found")
        if len(users) == 1:
            channel: Args = {"id": self.dm_channel(users[0]), "is_im": True, "user": users[0]}
        else:
            channel = {"id": "G" + "".join(u[1:] for u in sorted(users)), "is_mpim": True}
        return {"ok": True, "channel": {**channel, "created": _TS_BASE}}

    def _users_info(self, args: Args) -> Args:
        user = self._user(str(args.get("user", "")))
        if user is None:
            return _error("user_not_found")
        return {"ok": True, "user": user.to_api(include_locale=_truthy(args.get("include_locale")))}

    def _stored_view(self, view: Any, *, view_id: str | None = None) -> Args | None:
        if not isinstance(view, dict) or "type" not in view:
            return None
        view_id = view_id or f"V{self._next_serial():08d}"
        return {
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "root_view_id": view_id,
            "previous_view_id": None,
            "state": {"values": {}},
            "hash": f"{_TS_BASE}.{self._next_serial()}",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
        }

    def _views_open(self, args: Args) -> Args:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            return _error("invalid_arguments")
        stored = self._stored_view(args.get("view"))
        if stored is None:
            return _error("invalid_arguments")
        self.views[stored["id"]] = stored
        return {"ok": True, "view": stored}

    def _views_update(self, args: Args) -> Args:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (k for k, v in self.views.items() if v.get("external_id") == args["external_id"]),
                None,
            )
        current = self.views.get(str(view_id)) if view_id else None
        if current is None:
            return _error("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            return _error("hash_conflict")
        stored = self._stored_view(args.get("view"), view_id=current["id"])
        if stored is None:
            return _error("invalid_arguments")
        self.views[current["id"]] = stored
        return {"ok": True, "view": stored}

    def _views_publish(self, args: Args) -> Args:
        user_id = str(args.get("user_id", ""))
        if self._user(user_id) is None:
            return _error("user_not_found")
        view = args.get("view")
        if isinstance(view, dict) and view.get("type") != "home":
            return _error("invalid_arguments")
        previous = self.home_views.get(user_id)
        stored = self._stored_view(view, view_id=previous["id"] if previous else None)
        if stored is None:
            return _error("invalid_arguments")
        self.home_views[user_id] = stored
        return {"ok": True, "view": stored}

    def _reactions_add(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        name, ts = str(args.get("name", "")), str(args.get("timestamp", ""))
        if channel is None:
            return _error("channel_not_found")
        if not name:
            return _error("invalid_name")
        if not ts:
            return _error("no_item_specified")
        if (channel, ts, name) in self.reactions:
            return _error("already_reacted")
        self.reactions.append((channel, ts, name))
        return {"ok": True}

    def _files_get_upload_url(self, args: Args) -> Args:
        filename, length = args.get("filename"), args.get("length")
        if not filename or length is None or not str(length).isdigit():
            return _error("invalid_arguments")
        file_id = f"F{self._next_serial():08d}"
        self.uploads[file_id] = UploadedFile(
            id=file_id, filename=str(filename), length=int(length), alt_txt=args.get("alt_txt")
        )
        upload_url = f"{self.base_url}/upload/v1/{file_id}"
        return {"ok": True, "upload_url": upload_url, "file_id": file_id}

    def _files_complete_upload(self, args: Args) -> Args:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            return _error("invalid_arguments")
        done: list[UploadedFile] = []
        for entry in files:
            upload = self.uploads.get(str(entry.get("id"))) if isinstance(entry, dict) else None
            if upload is None:
                return _error("file_not_found")
            if upload.data is None:
                return _error("file_upload_not_complete")
            done.append(upload)
        channel = self._channel(args.get("channel_id"))
        for upload, entry in zip(done, files, strict=True):
            upload.title = entry.get("title") or upload.filename
            upload.completed = True
            upload.channel = channel
            upload.thread_ts = args.get("thread_ts")
            upload.initial_comment = args.get("initial_comment")
        return {"ok": True, "files": [u.to_api() for u in done]}

    def _apps_connections_open(self, args: Args) -> Args:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        url = f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"
        return {"ok": True, "url": url}
