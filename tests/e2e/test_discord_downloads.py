"""Bank files attached to `/bank import`: downloaded from Discord's CDN only, and bounded.

The fake Discord's attachment server stands in for the CDN (`DISCORD_ATTACHMENT_ORIGINS` is set
to its origin by `make_app`); two more loopback servers play a CDN that redirects and a host off
the CDN, and record every request they get.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import yaml
from aiohttp import web

from bot.config import Settings
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import EPHEMERAL, assert_nobody_pinged
from tests.fakes.discord_server import FakeDiscord, FakeInteraction

no_errors, fake, data_dir, make_app, app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.app,
    kit.bot,
)
JSON = dict[str, Any]
ENTRY = {
    "id": "custom-q1",
    "number": 902,
    "topic": "custom",
    "difficulty": 1,
    "question": "What does a tokenizer do before a model sees text?",
    "reference": "It splits text into tokens and maps them to ids from a vocabulary.",
    "key_points": ["It splits text into tokens."],
}


class Host:
    """A loopback HTTP server that records the paths it is asked for."""

    def __init__(self, routes: dict[str, web.Response]) -> None:
        self.routes = routes
        self.hits: list[str] = []
        self.origin = ""
        self._runner: web.AppRunner | None = None

    async def _serve(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        return self.routes.get(request.path) or web.Response(status=404)

    async def __aenter__(self) -> Host:
        server = web.Application()
        server.router.add_route("GET", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.origin = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@contextlib.asynccontextmanager
async def hosts(*routes: dict[str, web.Response]) -> AsyncIterator[list[Host]]:
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(Host(r)) for r in routes]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def import_file(fake: FakeDiscord, user: JSON, url: str, size: int) -> FakeInteraction:
    """/bank import of an attachment as Discord describes it: its URL and declared size."""
    attachment_id = fake.new_id()
    command = next(c for c in fake.global_commands if c["name"] == "bank")
    payload = {
        "id": command["id"],
        "name": "bank",
        "type": 1,
        "options": [
            {
                "name": "import",
                "type": 1,
                "options": [{"name": "file", "type": 11, "value": attachment_id}],
            }
        ],
        "resolved": {
            "attachments": {
                attachment_id: {
                    "id": attachment_id,
                    "filename": "bank.yaml",
                    "size": size,
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/yaml",
                }
            }
        },
    }
    return await fake.dispatch_interaction(2, user=user, data=payload)


async def answer_to(fake: FakeDiscord, interaction: FakeInteraction) -> str:
    await fake.wait_for_request("POST", interaction.callback_path)
    reply = await fake.wait_for_request("POST", interaction.webhook_path)
    assert fake.messages[interaction.original_message_id or ""]["flags"] & EPHEMERAL
    return str(reply.json["content"])


def cdn_file(fake: FakeDiscord, data: bytes) -> str:
    attachment_id = fake.new_id()
    fake.attachments[attachment_id] = data
    return f"{fake.base_url}/attachments/{fake.channel['id']}/{attachment_id}/bank.yaml"


async def test_the_size_limit_holds_whatever_size_was_declared(bot, fake, app) -> None:
    mod = fake.add_member("mod", manage_guild=True)["user"]
    url = cdn_file(fake, yaml.safe_dump(ENTRY).encode() + b"#" * (21 * 1024 * 1024))

    text = await answer_to(fake, await import_file(fake, mod, url, size=100))

    assert "bank.yaml is larger than 1 MB" in text
    assert "custom-q1" not in {q.id for q in app.bank.questions(f"discord:{fake.guild.id}")}
    assert_nobody_pinged(fake)


async def test_files_off_discords_cdn_are_never_fetched(bot, fake, app) -> None:
    mod = fake.add_member("mod", manage_guild=True)["user"]
    body = web.Response(body=yaml.safe_dump(ENTRY).encode())
    async with hosts({"/bank.yaml": body}) as (elsewhere,):
        text = await answer_to(
            fake, await import_file(fake, mod, elsewhere.origin + "/bank.yaml", 99)
        )
        assert elsewhere.hits == []

    assert "not downloaded: files are read only from Discord's file servers" in text
    assert "custom-q1" not in {q.id for q in app.bank.questions(f"discord:{fake.guild.id}")}


async def test_redirects_are_followed_on_the_cdn_only(make_app, fake) -> None:
    mod = fake.add_member("mod", manage_guild=True)["user"]
    good = cdn_file(fake, yaml.safe_dump(ENTRY).encode())
    body = web.Response(body=yaml.safe_dump(ENTRY).encode())
    async with hosts({"/bank.yaml": body}) as (elsewhere,):
        off = web.Response(status=302, headers={"Location": elsewhere.origin + "/bank.yaml"})
        on = web.Response(status=302, headers={"Location": good})
        async with hosts({"/off.yaml": off, "/on.yaml": on}) as (cdn,):
            app = make_app(discord_attachment_origins=[fake.base_url, cdn.origin])
            async with kit.running(app, fake):
                refused = await answer_to(
                    fake, await import_file(fake, mod, cdn.origin + "/off.yaml", 99)
                )
                imported = await answer_to(
                    fake, await import_file(fake, mod, cdn.origin + "/on.yaml", 99)
                )
                tenant_questions = {q.id for q in app.bank.questions(f"discord:{fake.guild.id}")}
        assert elsewhere.hits == []  # the redirect off the CDN was not followed
        assert cdn.hits == ["/off.yaml", "/on.yaml"]

    assert "read only from Discord's file servers" in refused
    assert "bank.yaml: 1 questions imported." in imported and "custom-q1" in tenant_questions


async def test_a_network_error_is_a_clear_message_not_a_stuck_placeholder(make_app, fake) -> None:
    mod = fake.add_member("mod", manage_guild=True)["user"]
    dead = f"http://127.0.0.1:{closed_port()}"
    app = make_app(discord_attachment_origins=[fake.base_url, dead])
    async with kit.running(app, fake):
        interaction = await import_file(fake, mod, dead + "/bank.yaml", 99)
        text = await answer_to(fake, interaction)

    assert text.startswith("bank.yaml could not be downloaded (ClientConnectorError")
    assert text.endswith("Please try again.")
    placeholder = fake.messages[interaction.original_message_id or ""]
    assert not placeholder["flags"] & (1 << 7)  # no longer "thinking…"


def test_production_reads_only_discords_cdn_over_https() -> None:
    settings = Settings(_env_file=None)
    assert settings.discord_attachment_origins == [
        "https://cdn.discordapp.com",
        "https://media.discordapp.net",
    ]
