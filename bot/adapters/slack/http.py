"""Slack's HTTP requests into Bolt, on the bot's own aiohttp server.

slack-bolt 1.30 parses any form body containing the text "payload" as an interactive
`payload=` body, so `/interview what is a payload?` would reach Bolt as `{}` and match nothing.
Slash commands are parsed here from the form itself; the raw body still goes to Bolt unchanged
for signature verification.
"""

from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

FORM = "application/x-www-form-urlencoded"


async def bolt_request(request: web.Request) -> AsyncBoltRequest:
    raw = await request.text()
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
