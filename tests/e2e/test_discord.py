"""The Discord adapter end to end: the real adapter and discord.py against the local fake Discord.

Every test builds the app on a copy of the ingested bank, starts `DiscordAdapter` pointed at the
fake through `DISCORD_API_URL` / `DISCORD_GATEWAY_URL`, and asserts on what Discord would have
received. Handler errors anywhere are logged at ERROR level; `no_errors` fails the test on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
import yaml
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.models import Question
from bot.config import Settings
from bot.engine.flows.daily import post_daily
from bot.errors import ConfigError
from bot.i18n.catalog import Catalog
from tests.fakes import grader_responders
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord, FakeInteraction, RecordedRequest
from tests.fakes.openai_server import ScriptedLLM

TIMEOUT = 10.0
JSON = dict[str, Any]
MESSAGE_POSTS = re.compile(
    r"/channels/\d+/messages|/webhooks/\d+/[^/]+(/messages/[^/]+)?|/interactions/\d+/[^/]+/callback"
)
SCORE = re.compile(r"\b\d+(?:\.\d)?/10\b")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
async def fake(no_errors: None) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server
    assert not server.unhandled, [(r.method, r.path) for r in server.unhandled]


@pytest.fixture
def data_dir(tmp_path: Path, ingested_chroma: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ingested_chroma, data / "chroma")
    return data


@pytest.fixture
def make_app(
    data_dir: Path, model_dir: Path, embedder: OnnxEmbedder, fake: FakeDiscord
) -> Callable[..., App]:
    """An App on the test's data folder whose Discord settings point at the fake."""

    def make(**overrides: Any) -> App:
        values: dict[str, Any] = {
            "data_dir": data_dir,
            "embedding_model_dir": model_dir,
            "discord_token": fake.token,
            "discord_api_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
            "discord_attachment_origins": [fake.base_url],  # its files stand in for the CDN's
        }
        settings = Settings(_env_file=None, **(values | overrides))
        app = App(settings)
        app.__dict__["embedder"] = embedder  # share the loaded model
        return app

    return make


@contextlib.asynccontextmanager
async def running(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    """The app and its Discord adapter, as `interview-bot run` starts them; closed in order."""
    await app.start()
    adapter = DiscordAdapter(app.engine, app.settings, guild_ready_timeout=0.05)
    try:
        await asyncio.wait_for(adapter.start(), TIMEOUT)
        yield adapter
    finally:
        await adapter.close()
        await fake.wait_until_disconnected()
        await app.aclose()


@pytest.fixture
async def app(make_app: Callable[..., App]) -> App:
    return make_app()


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    async with running(app, fake) as adapter:
        yield adapter


# --------------------------------------------------------------------------- helpers


def body_of(rec: RecordedRequest) -> JSON:
    """The message a request carries (a callback's `data`, otherwise the body)."""
    body = rec.json if isinstance(rec.json, dict) else {}
    return body.get("data") or {} if "/interactions/" in rec.path else body


def text_of(message: JSON) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(part for part in parts if part)


def custom_ids(message: JSON) -> list[str]:
    ids = []
    for row in message.get("components") or []:
        ids += [c["custom_id"] for c in row.get("components", []) if "custom_id" in c]
    return ids


def served_id(message: JSON) -> int:
    action = next(i for i in custom_ids(message) if i.startswith("answer:"))
    return int(action.split(":")[1])


def sent_messages(fake: FakeDiscord) -> list[RecordedRequest]:
    """Every request that posts or edits a message (callbacks that only defer or open a form
    carry no message)."""
    out = []
    for rec in fake.requests:
        if rec.method not in ("POST", "PATCH") or not MESSAGE_POSTS.fullmatch(rec.path):
            continue
        if "/interactions/" in rec.path and (rec.json or {}).get("type") not in (4, 7):
            continue
        out.append(rec)
    return out


def assert_nobody_pinged(fake: FakeDiscord) -> None:
    sent = sent_messages(fake)
    assert sent
    for rec in sent:
        assert body_of(rec).get("allowed_mentions") == {"parse": []}, (rec.path, rec.json)
    for message in fake.bot_messages():
        assert fake.pings_of(message["id"]) == set(), message["content"]


def question_in(app: App, text: str, tenant: str | None = None) -> Question:
    questions = app.bank.questions(tenant) if tenant else app.bank.questions()
    return next(q for q in questions if q.question in text)


async def posts_until(fake: FakeDiscord, path: str, done: Callable[[JSON], bool]) -> list[JSON]:
    """Messages the bot posts to `path` (in order) up to the first one `done` accepts."""
    seen: list[JSON] = []
    while not seen or not done(seen[-1]):
        seen.append(body_of(await fake.wait_for_request("POST", path, timeout=TIMEOUT)))
    return seen


async def practice(fake: FakeDiscord, user: JSON, **options: Any) -> tuple[JSON, JSON]:
    """/practice in #general: the question's message (as stored) and its thread."""
    command = await fake.dispatch_slash_command("practice", user=user, options=options)
    await fake.wait_for_request("POST", command.callback_path)
    await fake.wait_for_request("POST", command.webhook_path)
    message_id = command.original_message_id or ""
    await fake.wait_for_request(
        "POST", rf"/channels/{fake.channel['id']}/messages/{message_id}/threads"
    )
    return fake.messages[message_id], fake.channels[message_id]


async def click(fake: FakeDiscord, message: JSON, action: str, user: JSON) -> FakeInteraction:
    interaction = await fake.click_button(message["id"], custom_id=action, user=user)
    await fake.wait_for_request("POST", interaction.callback_path)
    return interaction


# --------------------------------------------------------------------------- the scenarios


async def test_practice_posts_a_question_and_opens_its_thread(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    command = await fake.dispatch_slash_command("practice", user=alice)
    callback = await fake.wait_for_request("POST", command.callback_path)
    followup = await fake.wait_for_request("POST", command.webhook_path)
    message_id = command.original_message_id or ""
    thread_call = await fake.wait_for_request(
        "POST", rf"/channels/{fake.channel['id']}/messages/{message_id}/threads"
    )

    assert callback.json == {"type": 5}  # deferred first, publicly
    assert callback.time - command.created < 1.0
    question = question_in(app, followup.json["content"])
    assert followup.json["content"].startswith(f"**Question {question.number} · ")
    served = served_id(followup.json)
    assert custom_ids(followup.json) == [
        f"answer:{served}",
        f"hint:{served}",
        f"reveal:{served}",
        f"skip:{served}",
    ]
    thread = fake.channels[message_id]  # a thread started from a message shares its id
    assert (thread["type"], thread["parent_id"]) == (11, fake.channel["id"])
    assert thread_call.json["name"].startswith(f"Question {question.number}")
    assert len(thread_call.json["name"]) <= 100
    synced = {c["name"]: c for c in fake.global_commands}
    assert {"practice", "hint", "reveal", "skip", "interview", "stats", "leaderboard"} <= set(
        synced
    )
    assert {"ask", "language", "daily", "appeal", "bank"} <= set(synced)
    assert [o["name"] for o in synced["practice"]["options"]] == ["topic", "difficulty"]
    assert_nobody_pinged(fake)


async def test_an_answer_in_the_thread_is_graded_there(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])

    answer = await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    grade = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")

    (embed,) = grade.json["embeds"]
    assert embed["title"] == "Your grade"
    assert re.match(r"`█+░*` \d+(\.\d)?/10\n", embed["description"])
    assert "Score:" in embed["description"] and embed["color"] > 0
    assert str(grade.json["message_reference"]["message_id"]) == answer["id"]
    served = served_id(message)
    ids = custom_ids(grade.json)
    assert ids[:2] == [f"reveal:{served}", "next"]
    assert re.fullmatch(r"vote:up:\d+", ids[2]) and re.fullmatch(r"vote:down:\d+", ids[3])
    assert fake.requests_matching("POST", rf"/channels/{thread['id']}/typing")

    # thumbs up: thanked privately
    vote = await click(fake, fake.bot_messages(thread["id"])[-1], ids[2], alice)
    thanks = await fake.wait_for_request("POST", vote.webhook_path)
    assert vote.callbacks[0]["data"]["flags"] & EPHEMERAL
    assert "feedback on the grade is recorded" in thanks.json["content"]
    assert_nobody_pinged(fake)


async def test_hint_then_reveal_buttons(bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    alice = fake.add_member("alice")["user"]
    bob = fake.add_member("bob")["user"]
    message, _ = await practice(fake, alice)
    question = question_in(app, message["content"])
    served = served_id(message)

    hint = await click(fake, message, f"hint:{served}", alice)
    hinted = await fake.wait_for_request("POST", hint.webhook_path)
    assert hint.callbacks[0]["type"] == 5 and hint.callbacks[0]["data"]["flags"] & EPHEMERAL
    assert hinted.json["content"].startswith("Hint: think about")
    assert "at most 8/10" in hinted.json["content"]
    assert fake.messages[hint.original_message_id or ""]["flags"] & EPHEMERAL

    other = await click(fake, message, f"hint:{served}", bob)
    refused = await fake.wait_for_request("POST", other.webhook_path)
    assert "someone else's question" in refused.json["content"]
    assert fake.messages[other.original_message_id or ""]["flags"] & EPHEMERAL

    reveal = await click(fake, message, f"reveal:{served}", alice)
    revealed = await posts_until(fake, reveal.webhook_path, lambda m: bool(custom_ids(m)))
    assert reveal.callbacks[0]["data"].get("flags", 0) & EPHEMERAL == 0
    text = "".join(m["content"] for m in revealed)
    assert text.startswith("**Reference answer**\n")
    assert "".join(question.reference.split()) in "".join(text.split())
    assert custom_ids(revealed[-1]) == ["next"]
    assert_nobody_pinged(fake)


async def test_mock_interview_in_a_dm_ends_with_a_scorecard(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    dm = fake.dm_channel(alice)
    command = await fake.dispatch_slash_command(
        "interview start", user=alice, channel_id=dm["id"], options={"questions": 2}
    )
    callback = await fake.wait_for_request("POST", command.callback_path)
    intro = await fake.wait_for_request("POST", command.webhook_path)
    first = await fake.wait_for_request("POST", command.webhook_path)
    assert callback.json == {"type": 5}
    assert "Mock interview: 2 questions" in intro.json["content"]
    assert first.json["content"].startswith("**Question 1 of 2**")
    assert "answer:" in custom_ids(first.json)[0]

    def asks(message: JSON) -> bool:
        return bool(re.search(r"Question 2 of 2|Follow-up|Interview scorecard", text_of(message)))

    dm_posts = rf"/channels/{dm['id']}/messages"
    current, answered = first.json, 0
    while "Interview scorecard" not in text_of(current):
        if text_of(current).startswith("**Follow-up**"):
            answer = "I would add a concrete example from production."
        else:
            answer = " ".join(question_in(app, current["content"]).key_points)
        await fake.dispatch_message(dm["id"], alice, answer)
        posted = await posts_until(fake, dm_posts, asks)
        assert any("Your grade" in text_of(m) for m in posted)
        current, answered = posted[-1], answered + 1
        assert answered <= 4

    (card,) = current["embeds"]
    assert card["title"] == "Interview scorecard"
    assert re.search(r"verdict: (below|meets|exceeds) the bar", card["description"])
    assert "Strengths:" in card["description"] and "To improve:" in card["description"]
    assert not fake.requests_matching("POST", r"/channels/\d+/messages/\d+/threads")
    assert_nobody_pinged(fake)


async def test_answer_form(bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    alice = fake.add_member("alice")["user"]
    message, _ = await practice(fake, alice)
    question = question_in(app, message["content"])
    served = served_id(message)

    opened = await click(fake, message, f"answer:{served}", alice)
    modal = opened.modal
    assert opened.callback_types == [9] and modal is not None
    assert modal["custom_id"] == f"answer:{served}" and modal["title"] == "Your answer"
    (text_input,) = [
        c for row in modal["components"] for c in row.get("components", [row.get("component")])
    ]
    assert text_input["style"] == 2 and text_input["max_length"] == 4000
    assert text_input["custom_id"] == "answer"

    submit = await fake.submit_modal(opened, {"answer": " ".join(question.key_points)})
    deferred = await fake.wait_for_request("POST", submit.callback_path)
    graded = await fake.wait_for_request("POST", submit.webhook_path)
    assert deferred.json == {"type": 5}
    (embed,) = graded.json["embeds"]
    assert embed["title"] == "Your grade" and SCORE.search(embed["description"])

    again = await fake.submit_modal(opened, {"answer": "a second try"})
    await fake.wait_for_request("POST", again.callback_path)
    closed = await fake.wait_for_request("POST", again.webhook_path)
    assert "no longer open" in closed.json["content"]
    assert_nobody_pinged(fake)


async def test_mentions_never_ping(bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    alice = fake.add_member("alice", nick="@everyone")["user"]
    bob = fake.add_member("bob")["user"]
    role = fake.guild.role_named("Moderator")["id"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])

    answer = f"@everyone @here <@&{role}> <@{bob['id']}> " + " ".join(question.key_points)
    await fake.dispatch_message(thread["id"], alice, answer, mentions=[bob])
    await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
    board = await fake.dispatch_slash_command("leaderboard", user=bob)
    await fake.wait_for_request("POST", board.callback_path)
    standings = await fake.wait_for_request("POST", board.webhook_path)

    assert "@\u200beveryone" in standings.json["content"]  # alice's nick, echoed but inert
    assert "@everyone" not in standings.json["content"]
    assert_nobody_pinged(fake)


async def test_long_answers_are_refused_and_long_replies_split(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    mod = fake.add_member("mod", manage_guild=True)["user"]
    message, thread = await practice(fake, alice)

    await fake.dispatch_message(thread["id"], alice, "word " * 1999 + "words")  # 10,000
    refusal = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
    assert re.search(r"10,?000 characters long; the limit is 4,000", refusal.json["content"])
    assert "embeds" not in refusal.json or not refusal.json["embeds"]

    reference = " ".join(f"Sentence {n} of a very long reference answer." for n in range(70))
    assert 2500 < len(reference) <= 3200
    entry = {
        "id": "long-reference",
        "number": 901,
        "topic": "longform",
        "difficulty": 2,
        "question": "Explain something at length.",
        "reference": reference,
        "key_points": ["It is long."],
    }
    imported = await upload_bank(fake, mod, "long.yaml", yaml.safe_dump(entry).encode())
    assert "1 questions imported" in imported
    too_big = await upload_bank(fake, mod, "huge.md", b"#" * (1024 * 1024 + 1))
    assert "huge.md is larger than 1 MB" in too_big

    message, _ = await practice(fake, alice, topic="longform")
    reveal = await click(fake, message, f"reveal:{served_id(message)}", alice)
    parts = await posts_until(fake, reveal.webhook_path, lambda m: bool(custom_ids(m)))
    assert len(parts) == 2
    assert all(len(part["content"]) <= 2000 for part in parts)
    joined = " ".join(part["content"] for part in parts)
    assert joined == f"**Reference answer**\n{reference}"
    assert_nobody_pinged(fake)


async def upload_bank(fake: FakeDiscord, user: JSON, name: str, data: bytes) -> str:
    """/bank import with a file, as Discord sends it (the attachment in `resolved`)."""
    attachment_id = fake.new_id()
    fake.attachments[attachment_id] = data
    url = f"{fake.base_url}/attachments/{fake.channel['id']}/{attachment_id}/{name}"
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
                    "filename": name,
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/yaml",
                }
            }
        },
    }
    interaction = await fake.dispatch_interaction(2, user=user, data=payload)
    await fake.wait_for_request("POST", interaction.callback_path)
    return (await fake.wait_for_request("POST", interaction.webhook_path)).json["content"]


async def test_daily_needs_manage_server(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    member = fake.add_member("bob")["user"]
    mod = fake.add_member("mod", manage_guild=True)["user"]
    options = {"time": "08:30", "timezone": "Europe/Berlin", "days": "mon, wed"}

    refused = await fake.dispatch_slash_command("daily set", user=member, options=options)
    await fake.wait_for_request("POST", refused.callback_path)
    answer = await fake.wait_for_request("POST", refused.webhook_path)
    allowed = await fake.dispatch_slash_command("daily set", user=mod, options=options)
    await fake.wait_for_request("POST", allowed.callback_path)
    configured = await fake.wait_for_request("POST", allowed.webhook_path)

    assert "Only admins can configure the daily question" in answer.json["content"]
    assert refused.callbacks[0]["data"]["flags"] & EPHEMERAL
    bank = await upload_bank(fake, member, "mine.yaml", b"id: x")
    assert "Only admins can change the question bank" in bank
    assert "Time: 08:30 (Europe/Berlin), on mon,wed" in configured.json["content"]
    for name in ("daily", "bank"):
        synced = next(c for c in fake.global_commands if c["name"] == name)
        assert int(synced["default_member_permissions"]) == 1 << 5  # Manage Server
        assert synced["contexts"] == [0]  # guilds only
    assert_nobody_pinged(fake)


async def test_buttons_survive_a_restart(make_app: Callable[..., App], fake: FakeDiscord) -> None:
    alice = fake.add_member("alice")["user"]
    async with running(make_app(), fake):
        message, _ = await practice(fake, alice)
        served = served_id(message)
        opened = await click(fake, message, f"answer:{served}", alice)

    app = make_app()  # a new process: new app, same database
    async with running(app, fake):
        hint = await click(fake, message, f"hint:{served}", alice)
        hinted = await fake.wait_for_request("POST", hint.webhook_path)
        submit = await fake.submit_modal(opened, {"answer": "Attention weighs tokens."})
        await fake.wait_for_request("POST", submit.callback_path)
        graded = await fake.wait_for_request("POST", submit.webhook_path)

    assert len([f for f in fake.gateway_received if f["op"] == 2]) == 2  # two logins
    assert hinted.json["content"].startswith("Hint:")
    assert SCORE.search(text_of(graded.json))  # a form opened before the restart counts too
    assert_nobody_pinged(fake)


async def test_slow_grading_is_deferred_then_followed_up(
    make_app: Callable[..., App], fake: FakeDiscord
) -> None:
    alice = fake.add_member("alice")["user"]
    async with ScriptedLLM(mode="slow", responder=grader_responders.honest) as llm:
        llm.slow_seconds = 5
        app = make_app(openai_base_url=llm.base_url)
        async with running(app, fake):
            message, _ = await practice(fake, alice)
            question = question_in(app, message["content"])
            opened = await click(fake, message, f"answer:{served_id(message)}", alice)
            submit = await fake.submit_modal(opened, {"answer": " ".join(question.key_points)})
            deferred = await fake.wait_for_request("POST", submit.callback_path)
            graded = await fake.wait_for_request("POST", submit.webhook_path, timeout=15)

    assert deferred.time - submit.created < 1.0  # well inside Discord's 3 seconds
    assert graded.time - submit.created >= 5.0  # the grade came after the slow model answered
    assert llm.counts["slow"] >= 1
    assert SCORE.search(text_of(graded.json))
    assert fake.messages[submit.original_message_id or ""]["flags"] == 0  # placeholder filled
    assert_nobody_pinged(fake)


# --------------------------------------------------------------------------- beyond the ten


async def test_daily_post_opens_a_thread_whose_answers_are_graded(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    tenant = f"discord:{fake.guild.id}"
    prompt = await post_daily(app.engine.context, tenant, fake.channel["id"], "2026-03-02")
    assert prompt is not None
    message_id, thread_id = await bot.post_daily(tenant, fake.channel["id"], None, prompt.replies)
    await app.repository.daily_posted(prompt.post_id, message_id, thread_id)  # the scheduler's part
    assert thread_id == message_id and fake.channels[thread_id]["parent_id"] == fake.channel["id"]
    question = question_in(app, fake.messages[message_id]["content"])

    await fake.dispatch_message(thread_id, alice, " ".join(question.key_points))
    graded = await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")
    assert SCORE.search(text_of(graded.json))
    assert_nobody_pinged(fake)


async def test_daily_grades_can_go_by_dm(bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    alice = fake.add_member("alice")["user"]
    mod = fake.add_member("mod", manage_guild=True)["user"]
    configure = await fake.dispatch_slash_command("daily set", user=mod, options={"delivery": "dm"})
    await fake.wait_for_request("POST", configure.callback_path)
    assert (
        "Grades go: dm"
        in (await fake.wait_for_request("POST", configure.webhook_path)).json["content"]
    )
    tenant = f"discord:{fake.guild.id}"
    prompt = await post_daily(app.engine.context, tenant, fake.channel["id"], "2026-03-03")
    assert prompt is not None
    message_id, thread_id = await bot.post_daily(tenant, fake.channel["id"], None, prompt.replies)
    await app.repository.daily_posted(prompt.post_id, message_id, thread_id)

    await fake.dispatch_message(thread_id, alice, "Attention weighs tokens by relevance.")
    opened = await fake.wait_for_request("POST", "/users/@me/channels")
    dm = fake.dm_channel(alice)
    graded = await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")
    assert opened.json == {"recipient_id": int(alice["id"])}
    assert SCORE.search(text_of(graded.json))
    assert not fake.requests_matching("POST", rf"/channels/{thread_id}/messages")
    assert_nobody_pinged(fake)


async def test_a_wrong_token_stops_the_start(
    make_app: Callable[..., App], fake: FakeDiscord
) -> None:
    app = make_app(discord_token="not-the-token")
    await app.start()
    adapter = DiscordAdapter(app.engine, app.settings, guild_ready_timeout=0.05)
    try:
        with pytest.raises(ConfigError, match="DISCORD_TOKEN: Discord refused the token") as err:
            await asyncio.wait_for(adapter.start(), TIMEOUT)
        assert isinstance(err.value.__cause__, discord.LoginFailure)
    finally:
        await adapter.close()
        await app.aclose()
    assert not fake.gateway_connections


@contextlib.asynccontextmanager
async def provisionally_graded(
    make_app: Callable[..., App], fake: FakeDiscord
) -> AsyncIterator[tuple[ScriptedLLM, str, RecordedRequest]]:
    """A running bot whose LLM fails, and a thread answer that got a provisional grade; sets the
    LLM honest (the re-grade follows) and yields it, the thread's messages path and that grade."""
    alice = fake.add_member("alice")["user"]
    async with ScriptedLLM(mode="500", responder=grader_responders.honest) as llm:
        app = make_app(
            openai_base_url=llm.base_url,
            llm_retry_max_wait=0,
            llm_breaker_cooldown=0,
            regrade_retry_seconds=0.05,
        )
        async with running(app, fake):
            message, thread = await practice(fake, alice)
            question = question_in(app, message["content"])
            await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
            path = rf"/channels/{thread['id']}/messages"
            provisional = await fake.wait_for_request("POST", path, timeout=30)
            yield llm, path, provisional


async def test_a_regrade_is_pushed_to_the_questions_thread(
    make_app: Callable[..., App], fake: FakeDiscord
) -> None:
    async with provisionally_graded(make_app, fake) as (llm, path, provisional):
        llm.mode = "honest"
        pushed = await fake.wait_for_request("POST", path)

    assert "may be updated" in text_of(provisional.json)
    (embed,) = pushed.json["embeds"]
    assert "re-graded by the AI grader" in embed["description"] and SCORE.search(
        embed["description"]
    )
    assert "message_reference" not in pushed.json
    assert_nobody_pinged(fake)


async def test_ignores_bots_and_chatter(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    other_bot = fake.add_user("otherbot", bot=True)
    alice = fake.add_member("alice")["user"]
    await fake.dispatch_message(fake.channel["id"], alice, "hello everyone, next week?")
    await fake.dispatch_message(fake.dm_channel(other_bot)["id"], other_bot, "next")
    await fake.dispatch_message(fake.channel["id"], alice, f"<@{fake.bot_user['id']}> topics")
    topics = await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages")
    assert topics.json["content"].startswith("Topics: ")
    assert len(fake.requests_matching("POST", r"/channels/\d+/messages")) == 1


async def test_commands_and_replies_follow_the_users_locale(
    make_app: Callable[..., App], fake: FakeDiscord, tmp_path: Path
) -> None:
    po = PoCatalog(locale="es")
    po.add("Get a practice question", "Obtén una pregunta de práctica")
    po.add("practice", "practicar")
    po.add("Question {number} · {topic}", "Pregunta {number} · {topic}")
    folder = tmp_path / "locales" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, po)
    app = make_app()
    app.__dict__["catalog"] = Catalog(tmp_path / "locales")
    alice = fake.add_member("alice")["user"]
    async with running(app, fake):
        command = await fake.dispatch_slash_command("practice", user=alice, locale="es-ES")
        await fake.wait_for_request("POST", command.callback_path)
        question = await fake.wait_for_request("POST", command.webhook_path)

    synced = next(c for c in fake.global_commands if c["name"] == "practice")
    assert synced["name_localizations"] == {"es-ES": "practicar", "es-419": "practicar"}
    assert synced["description_localizations"]["es-ES"] == "Obtén una pregunta de práctica"
    assert question.json["content"].startswith("**Pregunta ")


async def test_shard_settings_make_an_auto_sharded_bot(
    make_app: Callable[..., App], fake: FakeDiscord
) -> None:
    async with running(make_app(discord_shard_count=1), fake) as adapter:
        assert adapter.bot.shard_count == 1 and adapter.ready
    identify = next(f for f in fake.gateway_received if f["op"] == 2)["d"]
    assert identify["shard"] == [0, 1]
    assert identify["intents"] == (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15)


async def test_runs_as_a_process_with_only_the_discord_settings(
    fake: FakeDiscord, tmp_path: Path, model_dir: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DATA_DIR": str(tmp_path / "data"),
        "EMBEDDING_MODEL_DIR": str(model_dir),
        "PORT": str(_free_port()),  # the health server; 3000 may be taken on a shared machine
    }
    log_path = tmp_path / "bot.log"
    executable = Path(sys.executable).parent / "interview-bot"
    alice = fake.add_member("alice")["user"]
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            str(executable), "run", env=env, cwd=tmp_path, stdout=log_file, stderr=log_file
        )
        try:
            put = rf"/applications/{fake.application_id}/commands"
            synced = await fake.wait_for_request("PUT", put, timeout=60)
            await fake.wait_until_ready(timeout=30)
            assert "practice" in [c["name"] for c in synced.json]

            command = await fake.dispatch_slash_command("practice", user=alice)
            callback = await fake.wait_for_request("POST", command.callback_path, timeout=3)
            question = await fake.wait_for_request("POST", command.webhook_path)
            message_id = command.original_message_id or ""
            threads = rf"/channels/{fake.channel['id']}/messages/{message_id}/threads"
            await fake.wait_for_request("POST", threads)
            answer = "Attention weighs every token by how relevant it is, using queries and keys."
            await fake.dispatch_message(message_id, alice, answer)
            grade = await fake.wait_for_request("POST", rf"/channels/{message_id}/messages")
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 30)
    output = log_path.read_text(errors="replace")
    assert code == 0, output
    assert callback.time - command.created < 3.0
    assert "Reply with your answer" in question.json["content"]
    assert SCORE.search(text_of(grade.json)), grade.json
    assert_nobody_pinged(fake)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_stats_uploads_the_progress_chart(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
    stats = await fake.dispatch_slash_command("stats", user=alice)
    uploads = await posts_until(fake, stats.webhook_path, lambda m: True)
    requests = [r for r in fake.requests if r.files]
    assert uploads and requests, "the chart was not uploaded"
    (chart,) = requests[-1].files
    assert chart.filename.endswith(".png") and chart.data.startswith(b"\x89PNG")
    assert_nobody_pinged(fake)


@pytest.mark.parametrize("case", ["bad token", "no Discord"])
async def test_a_refused_token_or_no_discord_is_one_line_and_exit_2(
    case: str, fake: FakeDiscord, tmp_path: Path, model_dir: Path
) -> None:
    api, gateway = fake.api_url, fake.gateway_url
    if case == "no Discord":
        port = _free_port()
        api, gateway = f"http://127.0.0.1:{port}/api/v10", f"ws://127.0.0.1:{port}/gateway"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": "bad" if case == "bad token" else fake.token,
        "DISCORD_API_URL": api,
        "DISCORD_GATEWAY_URL": gateway,
        "DATA_DIR": str(tmp_path / "data"),
        "EMBEDDING_MODEL_DIR": str(model_dir),
        "PORT": str(_free_port()),
    }
    executable = Path(sys.executable).parent / "interview-bot"
    process = await asyncio.create_subprocess_exec(
        str(executable), "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    lines = err.decode().splitlines()
    assert process.returncode == 2, lines
    assert "Traceback" not in err.decode()
    assert all(line.startswith("{") for line in lines[:-1])  # the JSON log, then one line
    expected = {
        "bad token": "interview-bot: DISCORD_TOKEN: Discord refused the token (401 Unauthorized)",
        "no Discord": f"interview-bot: cannot reach Discord at DISCORD_API_URL={api}",
    }[case]
    assert lines[-1].startswith(expected)
