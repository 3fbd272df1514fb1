"""Build the requests Slack sends to a bot's HTTP endpoint, signed like Slack signs them.

Slack signs ``v0:<timestamp>:<raw body>`` with HMAC-SHA256 keyed by the app's signing secret
and sends ``X-Slack-Signature: v0=<hex>`` and ``X-Slack-Request-Timestamp``; Bolt rejects a
bad signature or a timestamp more than five minutes away with 401.

Payload builders return plain dicts, usable in HTTP mode and (wrapped with
``tests.fakes.slack_api.socket_envelope``) in Socket Mode::

    fields = slash_command("/interview", "start", response_url=slack.new_response_url())
    reply = await post_signed(session, url, signed_slash_command(SECRET, fields))
    assert reply.status == 200

    body = event_callback(message_event("my answer", user="U1", channel="D1"))
    await post_signed(session, url, signed_event(SECRET, body, retry_num=1))
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack_api import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# Where a payload's response_url points when a test gives none: a closed loopback port, so a
# stray respond() fails fast instead of reaching the internet. Prefer FakeSlack.new_response_url().
UNROUTED_RESPONSE_URL = "http://127.0.0.1:9/response/unset"

Payload = dict[str, Any]


# --------------------------------------------------------------------------- signing


def signature(secret: str, body: str | bytes, timestamp: int | str) -> str:
    """``v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">``."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: str | bytes,
    timestamp: int | None = None,
    *,
    content_type: str = FORM,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """The headers of a Slack request carrying ``body`` (timestamp defaults to now).

    ``retry_num`` adds ``X-Slack-Retry-Num``/``X-Slack-Retry-Reason``, as on an Events API
    redelivery.
    """
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "User-Agent": SLACK_USER_AGENT,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, body, ts),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


@dataclass(frozen=True)
class SignedRequest:
    """A body and the headers to POST it with."""

    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass(frozen=True)
class SlackHTTPReply:
    """What the bot's endpoint answered."""

    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text)


def form_body(fields: Mapping[str, Any]) -> str:
    return urlencode({k: "" if v is None else str(v) for k, v in fields.items()})


def interactive_body(payload: Mapping[str, Any]) -> str:
    """Interactive payloads arrive form-encoded as a single ``payload=<json>`` field."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def json_body(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


def _signed(
    secret: str,
    body: str,
    content_type: str,
    timestamp: int | None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    raw = body.encode()
    headers = signed_headers(
        secret,
        raw,
        timestamp,
        content_type=content_type,
        retry_num=retry_num,
        retry_reason=retry_reason,
    )
    return SignedRequest(raw, headers)


def signed_slash_command(
    secret: str, fields: Mapping[str, Any], *, timestamp: int | None = None
) -> SignedRequest:
    return _signed(secret, form_body(fields), FORM, timestamp)


def signed_event(
    secret: str,
    body: Mapping[str, Any],
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    return _signed(secret, json_body(body), JSON, timestamp, retry_num, retry_reason)


def signed_interactive(
    secret: str, payload: Mapping[str, Any], *, timestamp: int | None = None
) -> SignedRequest:
    return _signed(secret, interactive_body(payload), FORM, timestamp)


async def post_signed(
    session: aiohttp.ClientSession, url: str, request: SignedRequest
) -> SlackHTTPReply:
    """POST ``request`` to ``url`` byte for byte (the signature covers the exact body)."""
    async with session.post(url, data=request.body, headers=request.headers) as response:
        text = await response.text()
        return SlackHTTPReply(response.status, text, dict(response.headers))


# --------------------------------------------------------------------------- ids


def new_trigger_id() -> str:
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def new_ts() -> str:
    """A message timestamp, in Slack's ``seconds.micros`` shape."""
    return f"{time.time():.6f}"


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


# --------------------------------------------------------------------------- payloads


def slash_command(
    command: str = "/interview",
    text: str = "",
    *,
    user_id: str = "U0TESTER",
    user_name: str = "tester",
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str = UNROUTED_RESPONSE_URL,
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def message_event(
    text: str,
    *,
    user: str = "U0TESTER",
    channel: str = "C0GENERAL",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str | None = None,
    team: str = TEAM_ID,
) -> Payload:
    """A ``message`` event; a ``D…`` channel makes it a DM (``channel_type: im``)."""
    ts = ts or new_ts()
    event: Payload = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type or _channel_type(channel),
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def app_mention_event(
    text: str,
    *,
    user: str = "U0TESTER",
    channel: str = "C0GENERAL",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> Payload:
    """An ``app_mention``; put ``<@U0FAKEBOT>`` in ``text`` as Slack would."""
    ts = ts or new_ts()
    event: Payload = {
        "type": "app_mention",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def event_callback(
    event: Mapping[str, Any],
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = BOT_USER_ID,
) -> Payload:
    """The Events API envelope around ``event`` (the body Slack POSTs)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }


def _user(user_id: str, team_id: str) -> Payload:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def block_actions(
    action_id: str,
    value: str = "",
    *,
    block_id: str = "actions",
    action_type: str = "button",
    user_id: str = "U0TESTER",
    channel_id: str = "C0GENERAL",
    message_ts: str | None = None,
    thread_ts: str | None = None,
    message_text: str = "",
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str = UNROUTED_RESPONSE_URL,
) -> Payload:
    """A ``block_actions`` payload: one button click on a message in ``channel_id``."""
    message_ts = message_ts or new_ts()
    action: Payload = {
        "type": action_type,
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": new_ts(),
        "value": value,
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    message: Payload = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": message_text,
        "ts": message_ts,
    }
    container: Payload = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    if thread_ts is not None:
        message["thread_ts"] = thread_ts
        container["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "channel"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }


def text_input_state(values: Mapping[str, str | None]) -> Payload:
    """``view.state.values`` for plain-text inputs; each block's action_id is its block_id."""
    return {
        block_id: {block_id: {"type": "plain_text_input", "value": value}}
        for block_id, value in values.items()
    }


def view_submission(
    callback_id: str,
    state_values: Mapping[str, Any] | None = None,
    *,
    user_id: str = "U0TESTER",
    view_id: str | None = None,
    private_metadata: str = "",
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
) -> Payload:
    """A ``view_submission`` payload; build ``state_values`` with :func:`text_input_state`."""
    view_id = view_id or "V" + uuid.uuid4().hex[:10].upper()
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "title": {"type": "plain_text", "text": "Interview"},
            "blocks": [],
            "state": {"values": dict(state_values or {})},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": api_app_id,
            "external_id": "",
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
