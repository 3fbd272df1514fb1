"""Slack's HTTP requests into Bolt, on the bot's own aiohttp server.

A request's signature is checked on its raw bytes before anything reads them: unsigned or stale
requests, and unparsable signature headers, get 401; a signed body that is not valid UTF-8 or not
the JSON it claims to be gets 400. Neither is logged as an error: a client mistake is not the
bot's fault.

slack-bolt 1.30 parses any form body containing the text "payload" as an interactive
`payload=` body, so `/interview what is a payload?` would reach Bolt as `{}` and match nothing.
Slash commands are parsed here from the form itself; the raw body still goes to Bolt unchanged
(Bolt checks the signature again).
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse

from bot.adapters.slack.payloads import well_formed

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
MAX_TIMESTAMP_DIGITS = 12
MAX_AGE_SECONDS = 300  # Slack's window: an older (or future) timestamp is refused


class Signatures:
    """Slack's request signing (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`), checked on the
    body's raw bytes: slack_sdk's verifier decodes them first, and fails on invalid UTF-8."""

    def __init__(self, secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._clock = clock

    def valid(self, raw: bytes, timestamp: str, signature: str) -> bool:
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or len(timestamp) > MAX_TIMESTAMP_DIGITS
        ):
            return False
        if abs(self._clock() - int(timestamp)) > MAX_AGE_SECONDS or not signature.isascii():
            return False
        base = b"v0:" + timestamp.encode() + b":" + raw
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


async def signed_request(request: web.Request, signatures: Signatures) -> AsyncBoltRequest:
    """The request for Bolt, once its signature holds; raises 401 or 400 for a client mistake."""
    raw = await request.read()
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signatures.valid(raw, timestamp, signature):
        log.info("refused a Slack request with a bad signature or timestamp")
        raise web.HTTPUnauthorized(text="invalid signature")
    try:
        text = raw.decode("utf-8")
        content_type = request.headers.get("Content-Type", "").split(";")[0] or None
        body = parse_body(text, content_type)
        if not isinstance(body, dict) or not well_formed(body):
            raise ValueError("not shaped as Slack shapes it")
        return _bolt_request(text, request)
    # Invalid UTF-8 or JSON; or fields not shaped as Slack shapes them, which Bolt's reading of
    # the team, user and channel ids trips on.
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        log.info("refused a signed Slack request with a malformed body (%s)", type(exc).__name__)
        raise web.HTTPBadRequest(text="malformed body") from None


def replay_key(request: web.Request) -> str:
    """What identifies a request byte for byte: its signature covers its timestamp and body."""
    return "request:" + request.headers.get(SIGNATURE_HEADER, "")


async def bolt_request(request: web.Request) -> AsyncBoltRequest:
    """An unsigned request (the OAuth install pages) for Bolt."""
    return _bolt_request(await request.text(), request)


def _bolt_request(raw: str, request: web.Request) -> AsyncBoltRequest:
    parsed = AsyncBoltRequest(body=raw, query=request.query_string, headers=dict(request.headers))
    fields = slash_command_fields(raw, parsed.content_type)
    if fields is not None and fields != parsed.body:
        parsed.body = fields
        parsed.context = build_async_context(AsyncBoltContext({}), fields)
    return parsed


def slash_command_fields(raw: str, content_type: str | None) -> dict[str, str] | None:
    """The fields of a form-encoded slash command, or None for any other body."""
    if content_type != FORM:
        return None
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    return fields if "command" in fields and "payload" not in fields else None


async def respond(response: BoltResponse) -> web.Response:
    return await to_aiohttp_response(response)


def oauth_routes(flow: AsyncOAuthFlow) -> list[web.RouteDef]:
    async def install(request: web.Request) -> web.Response:
        return await respond(await flow.handle_installation(await bolt_request(request)))

    async def callback(request: web.Request) -> web.Response:
        return await respond(await flow.handle_callback(await bolt_request(request)))

    return [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, callback)]
