"""The real discord.py client against the local fake Discord, through ``use_endpoints``.

Each test builds its own throwaway bot (the real adapter comes later) and closes it before the
fake. Handler errors anywhere in discord.py (events, app commands, views, modals) are logged at
ERROR level, so the ``no_errors`` fixture fails a test that would otherwise only time out.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import logging
import threading
import warnings
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from bot.adapters.discord_endpoints import (
    DEFAULT_API_URL,
    DiscordEndpoints,
    RebasedHTTPClient,
    use_endpoints,
)
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord, shard_of

TIMEOUT = 5.0


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
async def fake(no_errors: None) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval_ms=100) as server:
        yield server
    assert not server.unhandled, [(r.method, r.path) for r in server.unhandled]


def make_bot(
    fake: FakeDiscord, cls: type[commands.Bot] = commands.Bot, **kwargs: Any
) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = cls(
        command_prefix="!",
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.1,  # on_ready waits this long after the last GUILD_CREATE
        **kwargs,
    )
    return use_endpoints(bot, api_url=fake.api_url, gateway_url=fake.gateway_url)


@contextlib.asynccontextmanager
async def running(bot: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Start the bot, wait for on_ready (or its crash), and always close it before the fake."""
    task = asyncio.create_task(bot.start(fake.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=TIMEOUT, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # raises what start() died of
        assert ready in done, "the bot did not become ready"
        yield bot
    finally:
        ready.cancel()
        await bot.close()
        await asyncio.wait_for(task, TIMEOUT)
        await fake.wait_until_disconnected()


async def test_login_reaches_on_ready_with_the_guild(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    seen: dict[str, Any] = {}

    @bot.event
    async def on_ready() -> None:
        guild = bot.get_guild(int(fake.guild.id))
        seen["guild"] = guild and (guild.name, [c.name for c in guild.text_channels])
        seen["roles"] = guild and sorted(r.name for r in guild.roles)

    async with running(bot, fake):
        assert seen["guild"] == ("Practice Guild", ["general"])
        assert seen["roles"] == ["@everyone", "Admin", "Moderator", "PracticeBot"]
        assert bot.user is not None and str(bot.user.id) == fake.bot_user["id"]
        assert str(bot.application_id) == fake.application_id
        assert bot.latency < 1.0  # the first heartbeat was ACKed

    me = fake.requests_matching("GET", "/users/@me")[0]
    assert me.headers["Authorization"] == f"Bot {fake.token}"
    assert fake.requests_matching("GET", "/oauth2/applications/@me")
    identify = next(f for f in fake.gateway_received if f["op"] == 2)["d"]
    assert identify["token"] == fake.token
    assert identify["intents"] == bot.intents.value
    query = fake.gateway_connections[0]
    assert query["v"] == "10" and query["encoding"] == "json"
    # the transport compression discord.py asked for was used: it could read every frame
    assert query["compress"] in ("zstd-stream", "zlib-stream")
    assert fake.gateway_connections == [query]  # one connection, no reconnects
    assert len(fake.gateway_close_codes) == 1  # the bot hung up; the fake did not


async def test_tree_sync_puts_the_commands(fake: FakeDiscord) -> None:
    bot = make_bot(fake)

    @bot.tree.command(name="practice", description="Start a practice question")
    @app_commands.describe(topic="What to practise")
    async def practice(interaction: discord.Interaction, topic: str) -> None:
        raise AssertionError("not invoked here")

    async with running(bot, fake):
        synced = await bot.tree.sync()
        guild = discord.Object(int(fake.guild.id))
        bot.tree.copy_global_to(guild=guild)
        synced_guild = await bot.tree.sync(guild=guild)

    put = await fake.wait_for_request("PUT", rf"/applications/{fake.application_id}/commands")
    assert [(c["name"], c["description"]) for c in put.json] == [
        ("practice", "Start a practice question")
    ]
    assert put.json[0]["options"][0]["name"] == "topic"
    assert [c.name for c in synced] == ["practice"]
    assert str(synced[0].id) == fake.global_commands[0]["id"]
    guild_path = rf"/applications/{fake.application_id}/guilds/{fake.guild.id}/commands"
    assert (await fake.wait_for_request("PUT", guild_path)).json[0]["name"] == "practice"
    assert synced_guild[0].guild_id == int(fake.guild.id)


async def test_message_reply_pings_nobody(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author == bot.user:
            return  # the fake echoes the bot's own messages, like Discord
        await message.reply(f"{message.author.mention} said: {message.content} @everyone")

    async with running(bot, fake):
        incoming = await fake.dispatch_message(fake.channel["id"], alice, "hello")
        sent = await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages")

    assert sent.json["content"] == f"<@{alice['id']}> said: hello @everyone"
    assert sent.json["allowed_mentions"] == {"parse": []}
    assert str(sent.json["message_reference"]["message_id"]) == incoming["id"]
    (reply,) = fake.bot_messages(fake.channel["id"])
    assert reply["referenced_message"]["id"] == incoming["id"]
    assert fake.pings_of(reply["id"]) == set()
    assert len(fake.requests_matching("POST", r"/channels/\d+/messages")) == 1


async def test_slash_command_defers_then_follows_up(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    moderator = fake.add_member("mod", manage_guild=True)["user"]
    member = fake.add_member("bob")["user"]
    seen: list[tuple[str, bool, str]] = []

    @bot.tree.command(name="practice", description="Start a practice question")
    async def practice(interaction: discord.Interaction, topic: str, count: int = 1) -> None:
        await interaction.response.defer(thinking=True)
        seen.append((topic, interaction.permissions.manage_guild, str(interaction.locale)))
        await interaction.followup.send(f"{count} question(s) about {topic}")

    async with running(bot, fake):
        await bot.tree.sync()
        first = await fake.dispatch_slash_command(
            "practice", user=moderator, options={"topic": "rag", "count": 2}, locale="de"
        )
        callback = await fake.wait_for_request("POST", first.callback_path)
        followup = await fake.wait_for_request("POST", first.webhook_path)
        second = await fake.dispatch_slash_command("practice", user=member, options={"topic": "x"})
        await fake.wait_for_request("POST", second.webhook_path)

    assert callback.json == {"type": 5}  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    assert callback.time < followup.time
    assert followup.query.get("wait") in ("1", "true")
    assert followup.json["content"] == "2 question(s) about rag"
    assert followup.json["allowed_mentions"] == {"parse": []}
    assert first.callback_types == [5]
    assert first.payload["data"]["options"] == [
        {"name": "topic", "type": 3, "value": "rag"},
        {"name": "count", "type": 4, "value": 2},
    ]
    assert seen == [("rag", True, "de"), ("x", False, "en-US")]
    # the follow-up filled the "thinking" placeholder: one message, loading flag gone
    message = fake.messages[first.original_message_id or ""]
    assert message["content"] == "2 question(s) about rag" and message["flags"] == 0
    assert message["interaction_metadata"]["user"]["id"] == moderator["id"]


class QuizView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.skipped = asyncio.Event()

    @discord.ui.button(label="Show answer", style=discord.ButtonStyle.primary)
    async def show(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Answer: attention", view=None)

    @discord.ui.button(label="Skip")
    async def skip(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE
        self.skipped.set()


async def test_button_clicks_update_the_message(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]
    views: list[QuizView] = []

    @bot.tree.command(name="quiz", description="A question with buttons")
    async def quiz(interaction: discord.Interaction) -> None:
        views.append(QuizView())
        await interaction.response.send_message("What do transformers use?", view=views[-1])

    async with running(bot, fake):
        await bot.tree.sync()
        command = await fake.dispatch_slash_command("quiz", user=alice)
        await fake.wait_for_request("POST", command.callback_path)
        message_id = command.original_message_id
        assert message_id is not None
        skip = await fake.click_button(message_id, label="Skip", user=alice)
        await fake.wait_for_request("POST", skip.callback_path)
        await asyncio.wait_for(views[0].skipped.wait(), TIMEOUT)
        show = await fake.click_button(message_id, label="Show answer", user=alice)
        update = await fake.wait_for_request("POST", show.callback_path)

    assert command.callback_types == [4]
    assert skip.payload["type"] == 3 and skip.payload["message"]["id"] == message_id
    assert skip.callback_types == [6]
    assert update.json["type"] == 7
    assert update.json["data"]["components"] == []
    assert fake.messages[message_id]["content"] == "Answer: attention"
    assert fake.messages[message_id]["components"] == []


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput = discord.ui.TextInput(
        label="Answer", custom_id="answer", style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Got: {self.answer.value}", ephemeral=True)


async def test_modal_opens_and_submits(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]

    @bot.tree.command(name="answer", description="Answer in a form")
    async def answer(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AnswerModal())

    async with running(bot, fake):
        await bot.tree.sync()
        command = await fake.dispatch_slash_command("answer", user=alice)
        opened = await fake.wait_for_request("POST", command.callback_path)
        submit = await fake.submit_modal(command, {"answer": "Attention weighs tokens."})
        reply = await fake.wait_for_request("POST", submit.callback_path)

    assert opened.json["type"] == 9
    assert command.modal is not None and command.modal["title"] == "Your answer"
    assert submit.payload["type"] == 5
    assert submit.payload["data"]["custom_id"] == command.modal["custom_id"]
    assert reply.json["type"] == 4
    assert reply.json["data"]["content"] == "Got: Attention weighs tokens."
    assert reply.json["data"]["flags"] & EPHEMERAL
    message = fake.messages[submit.original_message_id or ""]
    assert message["flags"] & EPHEMERAL


async def test_file_attachment_is_parsed_from_multipart(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]
    notes = b"# Attention\nQ, K, V.\n"

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author == bot.user:
            return
        uploaded = await message.attachments[0].read()  # served by the fake
        file = discord.File(fp=io.BytesIO(uploaded), filename="notes.md")
        await message.channel.send("Your notes, back:", file=file)

    async with running(bot, fake):
        await fake.dispatch_message(
            fake.channel["id"], alice, "here", attachments=[("mine.md", notes)]
        )
        sent = await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages")

    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert sent.json["content"] == "Your notes, back:"
    assert sent.json["attachments"] == [{"id": 0, "filename": "notes.md"}]
    assert sent.json["allowed_mentions"] == {"parse": []}
    (upload,) = sent.files
    assert (upload.field, upload.filename, upload.data) == ("files[0]", "notes.md", notes)
    (stored,) = fake.bot_messages()
    assert stored["attachments"][0]["filename"] == "notes.md"
    assert stored["attachments"][0]["size"] == len(notes)


async def test_dm_and_thread_replies(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]
    dm = fake.dm_channel(alice)
    in_thread = asyncio.Event()

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author == bot.user:
            return
        if isinstance(message.channel, discord.DMChannel):
            await message.channel.send("Mock interview: question 1")
        elif isinstance(message.channel, discord.Thread):
            in_thread.set()
        elif message.content == "!thread":
            thread = await message.create_thread(name="Practice")
            await thread.send("Let's go")
            await message.author.send("I opened a thread for you")

    @bot.tree.command(name="interview", description="A mock interview, in DMs")
    async def interview(interaction: discord.Interaction) -> None:
        assert isinstance(interaction.channel, discord.DMChannel)
        await interaction.response.send_message(f"Hi {interaction.user.name}, question 1")

    async with running(bot, fake):
        await bot.tree.sync()
        command = await fake.dispatch_slash_command("interview", user=alice, channel_id=dm["id"])
        await fake.wait_for_request("POST", command.callback_path)
        await fake.dispatch_message(dm["id"], alice, "start")
        dm_reply = await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")
        started = await fake.dispatch_message(fake.channel["id"], alice, "!thread")
        thread_call = await fake.wait_for_request(
            "POST", rf"/channels/{fake.channel['id']}/messages/{started['id']}/threads"
        )
        in_thread_post = await fake.wait_for_request("POST", rf"/channels/{started['id']}/messages")
        opened = await fake.wait_for_request("POST", "/users/@me/channels")
        await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")
        await fake.dispatch_message(started["id"], alice, "my answer")
        await asyncio.wait_for(in_thread.wait(), TIMEOUT)

    assert dm_reply.json["content"] == "Mock interview: question 1"
    assert thread_call.json["name"] == "Practice"
    thread = fake.channels[started["id"]]  # a thread started from a message shares its id
    assert (thread["type"], thread["parent_id"]) == (11, fake.channel["id"])
    assert in_thread_post.json["content"] == "Let's go"
    assert opened.json == {"recipient_id": int(alice["id"])}
    assert "member" not in command.payload and command.payload["user"]["id"] == alice["id"]
    assert command.payload["context"] == 1  # BOT_DM
    assert [m["content"] for m in fake.bot_messages(dm["id"])] == [
        "Hi alice, question 1",
        "Mock interview: question 1",
        "I opened a thread for you",
    ]


async def test_resume_after_reconnect_request(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    alice = fake.add_member("alice")["user"]
    resumed = asyncio.Event()

    @bot.event
    async def on_resumed() -> None:
        resumed.set()

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author != bot.user:
            await message.channel.send(f"yes: {message.content}")

    async with running(bot, fake):
        await fake.send_reconnect()
        resume = await fake.wait_for_gateway(6)
        await asyncio.wait_for(resumed.wait(), TIMEOUT)
        await fake.dispatch_message(fake.channel["id"], alice, "still there?")
        sent = await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages")

    assert resume["d"]["session_id"] in fake.sessions
    assert len([f for f in fake.gateway_received if f["op"] == 2]) == 1  # no second IDENTIFY
    assert len(fake.gateway_connections) == 2
    assert sent.json["content"] == "yes: still there?"


async def test_auto_sharded_bot_gets_both_shards(fake: FakeDiscord) -> None:
    fake.shard_count = 2
    other = fake.add_guild("Second Guild", shard_id=1 - shard_of(fake.guild.id, 2))
    alice = fake.add_member("alice", other)["user"]

    class Sharded(commands.AutoShardedBot):
        async def before_identify_hook(
            self, shard_id: int | None, *, initial: bool = False
        ) -> None:
            """discord.py sleeps 5 s before every IDENTIFY but the first; not needed here."""

    bot = make_bot(fake, Sharded)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author != bot.user:
            await message.channel.send(f"shard {message.guild.shard_id if message.guild else -1}")

    async with running(bot, fake):
        await fake.wait_until_ready()  # both shards identified
        assert {g.name for g in bot.guilds} == {"Practice Guild", "Second Guild"}
        assert bot.shard_count == 2
        channel = other.channel_named("general")
        await fake.dispatch_message(channel["id"], alice, "hi")
        sent = await fake.wait_for_request("POST", rf"/channels/{channel['id']}/messages")

    assert fake.requests_matching("GET", "/gateway/bot")
    shards = sorted(s.shard for s in fake.sessions.values())
    assert shards == [(0, 2), (1, 2)]
    assert sent.json["content"] == f"shard {shard_of(other.id, 2)}"


async def test_closes_cleanly(fake: FakeDiscord) -> None:
    bot = make_bot(fake)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with running(bot, fake):
            session = bot.http._HTTPClient__session  # type: ignore[attr-defined]
            keep_alive = [t for t in threading.enumerate() if t.name.startswith("keep-alive")]
        assert bot.is_closed() and session.closed
        del session
        gc.collect()  # an unclosed aiohttp session or connector would warn here
    assert [str(w.message) for w in caught] == []
    for thread in keep_alive:  # the heartbeat thread stops with the socket
        thread.join(timeout=1)
        assert not thread.is_alive()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    assert fake.gateway_close_codes == [4000]  # discord.py's close code when it hangs up


# ---------------------------------------------------------------------- the fake on its own


async def test_gateway_honours_zlib_stream_and_plain_json(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        url = yarl.URL(fake.gateway_url)
        query = {"v": "10", "encoding": "json", "compress": "zlib-stream"}
        async with http.ws_connect(url.with_query(query)) as ws:
            inflate = zlib.decompressobj()
            hello = await ws.receive_bytes()
            assert hello.endswith(b"\x00\x00\xff\xff")
            assert json.loads(inflate.decompress(hello))["d"]["heartbeat_interval"] == 100
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 1}})
            ready = json.loads(inflate.decompress(await ws.receive_bytes()))
            guild = json.loads(inflate.decompress(await ws.receive_bytes()))
        async with http.ws_connect(url.with_query(v="10", encoding="json")) as ws:
            assert (await ws.receive_json())["op"] == 10
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
    assert (ready["t"], ready["s"]) == ("READY", 1)
    assert ready["d"]["guilds"] == [{"id": fake.guild.id, "unavailable": True}]
    assert ready["d"]["resume_gateway_url"] == fake.gateway_url
    assert (guild["t"], guild["s"], guild["d"]["name"]) == ("GUILD_CREATE", 2, "Practice Guild")


async def test_rest_errors_are_discord_shaped(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(fake.api_url + "/users/@me") as response:
            assert response.status == 401  # no token
        headers = {"Authorization": f"Bot {fake.token}"}
        async with http.get(fake.api_url + "/nope", headers=headers) as response:
            assert response.status == 404
            assert response.headers["Content-Type"] == "application/json"
            assert await response.json() == {"message": "404: Not Found", "code": 0}
        fake.fail_next("GET", "/users/@me", 503)
        async with http.get(fake.api_url + "/users/@me", headers=headers) as response:
            assert response.status == 503
        async with http.get(fake.api_url + "/users/@me", headers=headers) as response:
            assert (await response.json())["id"] == fake.bot_user["id"]
    assert [(r.path, r.status) for r in fake.unhandled] == [("/nope", 404)]
    fake.unhandled.clear()


async def test_pings_follow_allowed_mentions(fake: FakeDiscord) -> None:
    alice = fake.add_member("alice")["user"]
    text = f"<@{alice['id']}> and @everyone"
    url = f"{fake.api_url}/channels/{fake.channel['id']}/messages"
    headers = {"Authorization": f"Bot {fake.token}"}
    sent = []
    async with aiohttp.ClientSession(headers=headers) as http:
        for allowed in (None, {"parse": []}, {"parse": [], "users": [alice["id"]]}):
            body = {"content": text} | ({} if allowed is None else {"allowed_mentions": allowed})
            async with http.post(url, json=body) as response:
                sent.append((await response.json())["id"])
    assert [fake.pings_of(m) for m in sent] == [{alice["id"], "everyone"}, set(), {alice["id"]}]


async def _raw_bot(
    http: aiohttp.ClientSession, fake: FakeDiscord
) -> aiohttp.ClientWebSocketResponse:
    """A bare gateway client: HELLO, IDENTIFY, READY, GUILD_CREATE."""
    ws = await http.ws_connect(yarl.URL(fake.gateway_url).with_query(v="10", encoding="json"))
    assert (await ws.receive_json())["op"] == 10
    await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 0}})
    assert [(await ws.receive_json())["t"] for _ in range(2)] == ["READY", "GUILD_CREATE"]
    await fake.wait_until_ready()
    return ws


async def test_interactions_follow_discords_rules(fake: FakeDiscord) -> None:
    alice = fake.add_member("alice")["user"]
    async with aiohttp.ClientSession() as http:
        ws = await _raw_bot(http, fake)
        ix = await fake.dispatch_interaction(
            2, user=alice, data={"id": "1", "name": "q", "type": 1}
        )
        event = await ws.receive_json()
        assert (event["t"], event["d"]["id"]) == ("INTERACTION_CREATE", ix.id)
        assert event["d"]["member"]["permissions"] == ix.payload["member"]["permissions"]

        async def post(path: str, body: dict[str, Any]) -> tuple[int, Any]:
            async with http.post(fake.api_url + path, json=body) as response:
                return response.status, await response.json()

        early = await post(ix.webhook_path, {"content": "too early"})
        assert early == (404, {"message": "Unknown Webhook", "code": 10015})
        status, answer = await post(ix.callback_path, {"type": 4, "data": {"content": "hi"}})
        assert status == 200
        assert answer["interaction"]["response_message_id"] == ix.original_message_id
        assert answer["resource"]["message"]["content"] == "hi"
        echoed = await ws.receive_json()  # a public reply comes back as MESSAGE_CREATE
        assert (echoed["t"], echoed["d"]["id"]) == ("MESSAGE_CREATE", ix.original_message_id)
        twice = await post(ix.callback_path, {"type": 4, "data": {"content": "again"}})
        assert twice[0] == 400 and twice[1]["code"] == 40060

        fake.callback_deadline = 0.0
        late = await fake.dispatch_interaction(2, user=alice, data={"id": "1", "name": "q"})
        assert (await post(late.callback_path, {"type": 5}))[1]["code"] == 10062
        await ws.close()


# ---------------------------------------------------------------------- discord_endpoints


def test_use_endpoints_changes_only_that_client() -> None:
    fake_api, fake_gateway = "http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gateway"
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    rebased = use_endpoints(discord.Client(intents=discord.Intents.none()), fake_api, fake_gateway)
    plain = use_endpoints(discord.Client(intents=discord.Intents.none()))
    assert isinstance(rebased.http, RebasedHTTPClient)
    assert type(plain.http) is HTTPClient  # the defaults change nothing
    assert rebased._connection.http is rebased.http  # the same object, re-classed
    assert Route.BASE is base and DiscordWebSocket.DEFAULT_GATEWAY is gateway  # untouched
    endpoints = rebased.http.endpoints
    assert endpoints.api_url == "http://127.0.0.1:9/api/v10"
    assert (
        endpoints.rebase_api(Route("GET", "/users/@me").url)
        == "http://127.0.0.1:9/api/v10/users/@me"
    )
    assert endpoints.rebase_api("https://cdn.discordapp.com/x.png") == (
        "https://cdn.discordapp.com/x.png"
    )
    query = "?v=10&encoding=json&compress=zstd-stream"
    assert endpoints.rebase_gateway(f"wss://gateway.discord.gg/{query}") == fake_gateway + query
    resume = "wss://gateway-us-east1-b.discord.gg/?v=10"
    assert endpoints.rebase_gateway(resume) == resume


def test_endpoints_validate_urls() -> None:
    assert DiscordEndpoints().is_default
    assert DiscordEndpoints().api_url == DEFAULT_API_URL
    with pytest.raises(ValueError, match="api_url"):
        DiscordEndpoints(api_url="ftp://example.com")
    with pytest.raises(ValueError, match="gateway_url"):
        DiscordEndpoints(gateway_url="not a url")


async def test_use_endpoints_after_login_is_refused(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    use_endpoints(client, fake.api_url, fake.gateway_url)
    async with client:
        await client.login(fake.token)
        with pytest.raises(RuntimeError, match="before the client logs in"):
            use_endpoints(client, fake.api_url)
