"""The Slack adapter end to end: the real Bolt app, signed HTTP requests, a fake Slack Web API.

Each test runs the bot's own `SlackAdapter` on a loopback aiohttp server (as `interview-bot run`
mounts it), sends what Slack would send (signed slash commands, events, button clicks, modal
submissions, Socket Mode envelopes) and checks what reaches Slack: the payloads of
`chat.postMessage`, `chat.postEphemeral`, `views.open` and `views.publish` on `FakeSlack`.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import re
import shutil
import signal
import socket
import sys
import time
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.slack.blocks import MAX_BLOCKS, SECTION_LIMIT, render
from bot.adapters.slack.escape import escape
from bot.adapters.slack_adapter import SlackAdapter
from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.models import Question
from bot.config import Settings
from bot.engine.events import Button, Reply
from bot.engine.flows.daily import post_daily
from bot.errors import ConfigError
from bot.observability.logs import user_ref
from bot.runtime import healthz
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM
from tests.fakes.slack_api import (
    APP_ID,
    BOT_USER_ID,
    TEAM_ID,
    FakeSlack,
    SlackCall,
    socket_envelope,
)
from tests.fakes.slack_signing import (
    SignedRequest,
    SlackHTTPReply,
    app_mention_event,
    block_actions,
    event_callback,
    message_event,
    new_ts,
    post_signed,
    signature,
    signed_event,
    signed_headers,
    signed_interactive,
    signed_slash_command,
    slash_command,
    text_input_state,
    view_submission,
)

SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
COMMAND = "/interview"
EVENTS = "/slack/events"
USER = "U0TESTER"
CHANNEL = "C0GENERAL"
DM = FakeSlack.dm_channel(USER)
WAIT = 15.0  # a bound on awaiting something, never a sleep
SCORE = re.compile(r"Score: (\d+(?:\.\d)?)/10")
MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<@U0VICTIM>")
ENV_PREFIXES = ("SLACK_", "DISCORD_", "OPENAI_", "LLM_", "CHROMA_")
ENV_NAMES = ("REDIS_URL", "DATABASE_URL", "DATA_DIR", "PORT", "DEFAULT_LANGUAGE")


# --------------------------------------------------------------------------- the rig


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment: keep a developer's Slack/LLM/Redis settings out."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES) or name in ENV_NAMES:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail on an unclosed aiohttp session or a pending task destroyed at shutdown (aiohttp and
    asyncio report those through ResourceWarning and the `asyncio` logger). What earlier tests in
    this process left for the collector is collected first: it is not this test's leak."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    leaks += [
        r.getMessage() for r in caplog.records if r.name == "asyncio" and r.levelno >= logging.ERROR
    ]
    assert not leaks, leaks


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN, wait_timeout=WAIT) as fake:
        yield fake


def slack_settings(data_dir: Path, model_dir: Path, slack: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        **extra,
    }
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        embedding_model_dir=model_dir,
        **{k: v for k, v in values.items() if v is not None},
    )


class Watch:
    """Calls of one method matching a predicate, counted from now on."""

    def __init__(self, slack: FakeSlack, method: str, predicate: Callable[[SlackCall], bool]):
        self._slack, self._method, self._predicate = slack, method, predicate
        self.seen = len(self.calls())

    def calls(self) -> list[SlackCall]:
        return [c for c in self._slack.calls(self._method) if self._predicate(c)]

    async def next(self, timeout: float = WAIT) -> SlackCall:  # noqa: ASYNC109
        calls = await self._slack.wait_for_calls(
            self._method, self.seen + 1, self._predicate, timeout=timeout
        )
        self.seen += 1
        return calls[-1]


@dataclass
class Rig:
    slack: FakeSlack
    app: App
    adapter: SlackAdapter
    base_url: str
    http: aiohttp.ClientSession

    async def post(self, request: SignedRequest, path: str = EVENTS) -> SlackHTTPReply:
        return await post_signed(self.http, self.base_url + path, request)

    async def slash(self, text: str, *, user: str = USER, channel: str = CHANNEL) -> SlackHTTPReply:
        fields = slash_command(
            COMMAND,
            text,
            user_id=user,
            channel_id=channel,
            response_url=self.slack.new_response_url(),
        )
        return await self.post(signed_slash_command(SECRET, fields))

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> SlackHTTPReply:
        body = event_callback(event, event_id=event_id)
        return await self.post(signed_event(SECRET, body, retry_num=retry_num))

    async def interact(self, payload: dict[str, Any]) -> SlackHTTPReply:
        return await self.post(signed_interactive(SECRET, payload))

    def watch(self, method: str, predicate: Callable[[SlackCall], bool] = lambda c: True) -> Watch:
        return Watch(self.slack, method, predicate)

    async def settle(self) -> None:
        """Until the adapter has finished everything it acknowledged."""
        await asyncio.wait_for(self.adapter.wait_idle(), WAIT)

    async def ask(self, *, user: str = USER, channel: str = CHANNEL) -> tuple[SlackCall, Question]:
        """`/interview next`; the posted question and the bank entry it shows."""
        questions = self.watch("chat.postMessage", lambda c: c.args["channel"] == channel)
        reply = await self.slash("next", user=user, channel=channel)
        assert (reply.status, reply.text) == (200, "")
        post = await questions.next()
        return post, question_in(self.app, post)


@asynccontextmanager
async def running(
    settings: Settings, slack: FakeSlack, embedder: OnnxEmbedder
) -> AsyncIterator[Rig]:
    """The bot as `interview-bot run` assembles it, on 127.0.0.1:<free port>."""
    app = App(settings)
    app.__dict__["embedder"] = embedder  # share the loaded model (cached_property slot)
    await app.start()
    adapter = SlackAdapter(app.engine, app.settings, app.database)
    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    adapter.add_routes(web_app)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None and site._server.sockets
    port = site._server.sockets[0].getsockname()[1]
    try:
        await adapter.start()
        async with aiohttp.ClientSession() as http:
            yield Rig(slack, app, adapter, f"http://127.0.0.1:{port}", http)
    finally:
        await adapter.close()
        await runner.cleanup()
        await app.aclose()


@pytest.fixture
async def rig(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> AsyncIterator[Rig]:
    settings = slack_settings(tmp_path / "data", model_dir, slack)
    async with running(settings, slack, embedder) as started:
        yield started


# --------------------------------------------------------------------------- reading posts


def texts(call: SlackCall) -> str:
    """Everything a user can read in a posted message: its text and its blocks' text."""
    parts = [str(call.args.get("text") or "")]
    for block in call.args.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text", ""))
    return "\n".join(parts)


def action_ids(call: SlackCall) -> list[str]:
    return [
        element["action_id"]
        for block in call.args.get("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def action(call: SlackCall, prefix: str) -> str:
    return next(a for a in action_ids(call) if a.startswith(prefix))


def question_in(app: App, call: SlackCall) -> Question:
    shown = texts(call)
    return next(q for q in app.bank.questions() if escape(q.question) in shown)


def good_answer(question: Question) -> str:
    return " ".join(question.key_points)


def in_thread(ts: str, channel: str = CHANNEL) -> Callable[[SlackCall], bool]:
    return lambda c: c.args.get("channel") == channel and c.args.get("thread_ts") == ts


def thread_reply(text: str, thread_ts: str, *, user: str = USER, channel: str = CHANNEL) -> dict:
    """A reply in the thread of a bot message, as Slack delivers it (with `parent_user_id`)."""
    event = message_event(text, user=user, channel=channel, thread_ts=thread_ts)
    event["parent_user_id"] = BOT_USER_ID
    return event


def click(call: SlackCall, action_id: str, *, user: str = USER, **extra: Any) -> dict[str, Any]:
    """A click on a button of a message the bot posted."""
    return block_actions(
        action_id,
        action_id,
        user_id=user,
        channel_id=call.response["channel"],
        message_ts=call.response["ts"],
        thread_ts=call.args.get("thread_ts"),
        **extra,
    )


def form_state(**fields: str | list[str]) -> dict[str, Any]:
    """`view.state.values` for the daily form: text inputs, selects, radios and checkboxes."""
    values: dict[str, Any] = {}
    for block, value in fields.items():
        if isinstance(value, list):
            state: dict[str, Any] = {
                "type": "checkboxes",
                "selected_options": [{"value": v} for v in value],
            }
        elif block in {"difficulty", "language", "delivery"}:
            state = {"type": "static_select", "selected_option": {"value": value}}
        elif block == "enabled":
            state = {"type": "radio_buttons", "selected_option": {"value": value}}
        else:
            state = {"type": "plain_text_input", "value": value}
        values[block] = {block: state}
    return values


def home_opened(user: str = USER) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": FakeSlack.dm_channel(user),
        "tab": "home",
        "event_ts": new_ts(),
    }


# --------------------------------------------------------------------------- HTTP mode safety


async def test_bad_signature_or_stale_timestamp_is_refused_and_nothing_runs(rig: Rig) -> None:
    fields = slash_command(COMMAND, "next", user_id=USER, channel_id=CHANNEL)
    stale = int(time.time()) - 301
    for request in (
        signed_slash_command("not-the-secret", fields),
        signed_slash_command(SECRET, fields, timestamp=stale),
        signed_event(SECRET, event_callback(message_event("hi", channel=DM)), timestamp=stale),
        signed_event("not-the-secret", event_callback(message_event("hi", channel=DM))),
    ):
        reply = await rig.post(request)
        assert reply.status == 401
    await rig.settle()
    assert rig.slack.calls() == []
    assert rig.adapter.ready


def raw_signed(
    body: bytes, content_type: str, *, secret: str = SECRET, timestamp: str | None = None
) -> SignedRequest:
    """A request with exactly these body bytes, signed (with a chosen timestamp header)."""
    headers = signed_headers(secret, body, content_type=content_type)
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
        headers["X-Slack-Signature"] = signature(secret, body, timestamp)
    return SignedRequest(body, headers)


async def test_malformed_requests_get_401_or_400_and_no_error_is_logged(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: these got HTTP 500 and a logged traceback, before the signature was checked."""
    form = "application/x-www-form-urlencoded"
    unsigned_junk = SignedRequest(b"{not json", {"Content-Type": "application/json"})
    bad_timestamp = raw_signed(b"command=%2Finterview&text=next", form, timestamp="abc")
    unicode_digits = raw_signed(b"command=%2Finterview&text=next", form, timestamp="١٧٠٠٠٠٠٠٠٠")
    non_ascii_signature = signed_slash_command(SECRET, slash_command(COMMAND, "next"))
    non_ascii_signature.headers["X-Slack-Signature"] = "v0=é"
    unauthorized = [unsigned_junk, bad_timestamp, unicode_digits, non_ascii_signature]
    malformed = [
        raw_signed(b'{"type": "event_callback", ', "application/json"),
        raw_signed(b"\xff\xfe{}", "application/json"),
        raw_signed(b"command=%2Finterview&text=\xff", form),
        raw_signed(b"payload=%7Bnot-json", form),
        raw_signed(b"[1, 2]", "application/json"),
        raw_signed(b'"a string"', "application/json"),
    ]
    with caplog.at_level(logging.INFO):
        for request in unauthorized:
            assert (await rig.post(request)).status == 401, request
        for request in malformed:
            assert (await rig.post(request)).status == 400, request
        await rig.settle()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert rig.slack.calls() == []
    # The endpoint still works.
    question_post, _ = await rig.ask()
    assert question_post.ok


@pytest.mark.parametrize("where", ["same instance", "another instance", "Redis down"])
async def test_a_replayed_slash_command_or_click_is_handled_once(
    where: str, tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    """Regression: a signed slash command replayed within its five minutes posted a question
    each time. Replays are dropped across instances, and in process while Redis is down."""
    redis_url = f"redis://127.0.0.1:{free_port()}" if where == "Redis down" else None
    settings = slack_settings(tmp_path / "data", model_dir, slack, redis_url=redis_url)
    async with (
        running(settings, slack, embedder) as one,
        running(settings, slack, embedder) as two,
    ):
        other = two if where == "another instance" else one
        fields = slash_command(COMMAND, "next", user_id=USER, channel_id=CHANNEL)
        captured = signed_slash_command(SECRET, fields)
        questions = one.watch("chat.postMessage", to(CHANNEL))
        assert (await one.post(captured)).status == 200
        question_post = await questions.next()
        for _ in range(3):
            assert (await other.post(captured)).status == 200
        clicked = signed_interactive(SECRET, click(question_post, "next"))
        assert (await one.post(clicked)).status == 200
        assert (await other.post(clicked)).status == 200
        await one.settle()
        await two.settle()
    posted = [question_in(one.app, c) for c in slack.calls("chat.postMessage")]
    assert len(posted) == 2, [texts(c) for c in slack.calls("chat.postMessage")]  # ask + next


async def test_the_events_url_answers_slacks_verification_challenge(rig: Rig) -> None:
    challenge = {
        "token": "legacy",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY",
        "type": "url_verification",
    }
    reply = await rig.post(signed_event(SECRET, challenge))
    assert reply.status == 200 and reply.json() == {"challenge": challenge["challenge"]}


async def test_slash_next_posts_a_question_and_its_thread_reply_is_graded(rig: Rig) -> None:
    began = time.monotonic()
    question_post, question = await rig.ask()
    assert time.monotonic() - began < 3
    assert (
        "thread_ts" not in question_post.args
    )  # a new top-level message: its thread is for answers
    assert question_post.token == BOT_TOKEN
    assert {a.split(":")[0] for a in action_ids(question_post)} == {
        "answer",
        "hint",
        "reveal",
        "skip",
    }
    assert "Difficulty:" in texts(question_post)

    ts = question_post.response["ts"]
    grades = rig.watch("chat.postMessage", in_thread(ts))
    reply = await rig.event(thread_reply(good_answer(question), ts))
    assert reply.status == 200
    grade = await grades.next()
    assert SCORE.search(grade.args["text"]) and SCORE.search(texts(grade))
    assert re.search(r"\*\d+(\.\d)?/10\*  [▰▱]{10}", texts(grade))  # the score section
    assert {a.split(":")[0] for a in action_ids(grade)} == {"reveal", "next", "vote"}


async def test_channel_chatter_and_other_peoples_threads_are_ignored(rig: Rig) -> None:
    await rig.event(message_event("lunch anyone?", channel=CHANNEL))
    human_thread = message_event("agreed", channel=CHANNEL, thread_ts=new_ts())
    human_thread["parent_user_id"] = "U0SOMEONE"
    await rig.event(human_thread)
    await rig.settle()
    assert rig.slack.calls("chat.postMessage") == []


async def test_buttons_hint_vote_reveal_and_next(rig: Rig) -> None:
    question_post, question = await rig.ask()
    ts = question_post.response["ts"]
    ephemerals = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == USER)

    reply = await rig.interact(click(question_post, action(question_post, "hint:")))
    assert (reply.status, reply.text) == (200, "")
    hint = await ephemerals.next()
    assert "Hint:" in texts(hint) and "at most 8/10" in texts(hint)
    assert (hint.args["channel"], hint.args["thread_ts"]) == (CHANNEL, ts)

    in_question_thread = rig.watch("chat.postMessage", in_thread(ts))
    await rig.event(thread_reply(good_answer(question), ts))
    grade = await in_question_thread.next()
    assert "(at most 8/10 after hints)" in texts(grade)

    await rig.interact(click(grade, action(grade, "vote:up:")))
    thanks = await ephemerals.next()
    assert "feedback on the grade is recorded" in texts(thanks)

    await rig.interact(click(grade, action(grade, "reveal:")))
    reference = await in_question_thread.next()
    assert "Reference answer" in texts(reference)
    assert escape(question.reference[:60]) in texts(reference)

    await rig.interact(click(grade, "next"))
    follow_on = await in_question_thread.next()  # the next question continues in this thread
    second = question_in(rig.app, follow_on)
    assert second.id != question.id
    await rig.event(thread_reply(good_answer(second), ts))
    assert SCORE.search(texts(await in_question_thread.next()))


async def test_answer_button_opens_a_modal_whose_submission_is_graded(rig: Rig) -> None:
    question_post, question = await rig.ask()
    ts = question_post.response["ts"]
    opened = rig.watch("views.open")
    reply = await rig.interact(click(question_post, action(question_post, "answer:")))
    assert (reply.status, reply.text) == (200, "")
    modal = (await opened.next()).args["view"]
    assert modal["type"] == "modal" and modal["callback_id"] == "answer"
    (field,) = modal["blocks"]
    assert field["element"]["type"] == "plain_text_input" and field["element"]["multiline"]

    blank = view_submission(
        "answer", text_input_state({"answer": "   "}), private_metadata=modal["private_metadata"]
    )
    refused = await rig.interact(blank)
    assert refused.json()["response_action"] == "errors"
    assert "empty" in refused.json()["errors"]["answer"]

    grades = rig.watch("chat.postMessage", in_thread(ts))
    filled = view_submission(
        "answer",
        text_input_state({"answer": good_answer(question)}),
        private_metadata=modal["private_metadata"],
        user_id=USER,
    )
    reply = await rig.interact(filled)
    assert (reply.status, reply.text) == (200, "")
    assert SCORE.search(texts(await grades.next()))


async def test_dm_mock_interview_runs_to_a_scorecard(rig: Rig) -> None:
    in_dm = rig.watch("chat.postMessage", lambda c: c.args["channel"] == DM)
    await rig.event(message_event("interview start 2", channel=DM))
    intro, first = await in_dm.next(), await in_dm.next()
    assert "Mock interview: 2 questions" in texts(intro)
    assert "Question 1 of 2" in texts(first)
    latest = first
    for _ in range(6):
        shown = texts(latest)
        if "Interview scorecard" in shown:
            break
        if "Follow-up" in shown:
            answer = "In practice I would measure it on a held-out set first."
        else:
            answer = good_answer(question_in(rig.app, latest))
        await rig.event(message_event(answer, channel=DM))  # top level: no threads in a DM
        await rig.settle()
        latest = in_dm.calls()[-1]
        in_dm.seen = len(in_dm.calls())
    card = texts(latest)
    assert "Interview scorecard" in card and re.search(r"verdict: (below|meets|exceeds)", card)
    assert all("thread_ts" not in call.args for call in in_dm.calls())
    assert any("Question 2 of 2" in texts(call) for call in in_dm.calls())


async def test_app_home_shows_the_users_stats_and_the_leaderboard(rig: Rig) -> None:
    rig.slack.add_user(USER, name="ada", real_name="Ada Lovelace")
    question_post, question = await rig.ask()
    grades = rig.watch("chat.postMessage", in_thread(question_post.response["ts"]))
    await rig.event(thread_reply(good_answer(question), question_post.response["ts"]))
    await grades.next()

    published = rig.watch("views.publish")
    await rig.event(home_opened())
    call = await published.next()
    assert call.args["user_id"] == USER and call.ok
    view = call.args["view"]
    shown = "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "Your stats" in shown and "Answers graded: 1" in shown
    assert "Leaderboard" in shown and "1. ada:" in shown
    assert "next" in [
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert rig.slack.home_views[USER]["type"] == "home"

    # "Next question" on the Home tab asks in the user's DM.
    in_dm = rig.watch("chat.postMessage", lambda c: c.args["channel"] == DM)
    home_click = block_actions("next", "next", user_id=USER)
    home_click["container"] = {"type": "view", "view_id": rig.slack.home_views[USER]["id"]}
    del home_click["channel"], home_click["message"]
    await rig.interact(home_click)
    assert question_in(rig.app, await in_dm.next())


async def test_mentions_in_user_text_never_fire(rig: Rig) -> None:
    mallory = "U0MALLORY"
    rig.slack.add_user(mallory, name="<!channel> mallory", is_admin=True)
    question_post, question = await rig.ask(user=mallory)
    ts = question_post.response["ts"]
    grades = rig.watch("chat.postMessage", in_thread(ts))
    sneaky = f"{good_answer(question)} <!here> <@U0VICTIM> & <!everyone> <b>bold</b>"
    await rig.event(thread_reply(sneaky, ts, user=mallory))
    await grades.next()
    await rig.slash("leaderboard", user=mallory)  # echoes the display name
    await rig.slash("daily set tz=<!everyone>", user=mallory)  # echoes the setting
    await rig.settle()

    posts = rig.slack.calls("chat.postMessage") + rig.slack.calls("chat.postEphemeral")
    shown = "\n".join(json.dumps(call.args, ensure_ascii=False) for call in posts)
    assert not any(mention in shown for mention in MENTIONS), shown
    assert "&lt;!channel&gt; mallory" in shown  # the name, shown as text
    assert "&lt;!everyone&gt; is not an IANA time zone" in shown


async def test_refusals_and_private_confirmations_are_ephemeral(rig: Rig) -> None:
    """Regression: "That button belongs to someone else's question." was posted in the channel."""
    other = "U0OTHER"
    question_post, _ = await rig.ask()
    public = rig.watch("chat.postMessage")
    private = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == other)
    for prefix in ("hint:", "reveal:", "skip:"):
        await rig.interact(click(question_post, action(question_post, prefix), user=other))
        refusal = await private.next()
        assert "That button belongs to someone else's question." in texts(refusal)
        assert refusal.args["channel"] == CHANNEL
    await rig.interact(click(question_post, "hint:999999", user=other))
    assert "someone else's question" in texts(await private.next())
    await rig.interact(click(question_post, "no-such-button", user=other))
    assert "That button is no longer valid." in texts(await private.next())

    opened = rig.watch("views.open")
    await rig.interact(click(question_post, action(question_post, "answer:"), user=other))
    modal = (await opened.next()).args["view"]
    answer = text_input_state({"answer": "I will answer this one instead."})
    submitted = view_submission(
        "answer", answer, private_metadata=modal["private_metadata"], user_id=other
    )
    await rig.interact(submitted)
    assert "That question is no longer open." in texts(await private.next())

    ts = question_post.response["ts"]
    for text in ("bank remove q1", "forget me"):
        await rig.event(app_mention_event(f"<@{BOT_USER_ID}> {text}", user=other, thread_ts=ts))
    assert "Only admins can change the question bank." in texts(await private.next())
    assert "are deleted" in texts(await private.next())

    mine = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == USER)
    await rig.interact(click(question_post, action(question_post, "skip:")))
    assert "Skipped." in texts(await mine.next())
    await rig.interact(click(question_post, action(question_post, "hint:")))
    assert "No question is open." in texts(await mine.next())
    await rig.settle()
    assert len(public.calls()) == public.seen, [texts(c) for c in public.calls()[public.seen :]]


def quoting_grader(body: dict[str, Any]) -> dict[str, Any]:
    """An honest grader whose feedback quotes the start of the answer, as models often do."""
    verdict = grader_responders.honest(body)
    answer, _ = grader_responders.material(body)
    verdict["feedback"] = f'You opened with "{answer[: len(MARKED_UP)].strip()}", then got to it.'
    return verdict


MARKED_UP = "*very bold* ~strike~ _x_ `rm -rf` ```block``` <!channel> <@U0VICTIM> "
STYLED = ("*very", "bold*", "~strike~", "_x_", "`rm", "-rf`", "```block```")


async def test_marked_up_answers_quoted_back_are_shown_as_typed_not_styled(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    """Regression: mrkdwn in an answer (`*bold*`, `~strike~`) was rendered when feedback quoted
    it; a display name's marks styled the leaderboard."""
    slack.add_user(USER, name="*boss*_of_~all~")
    async with ScriptedLLM(responder=quoting_grader) as llm:
        settings = slack_settings(tmp_path / "data", model_dir, slack, openai_base_url=llm.base_url)
        async with running(settings, slack, embedder) as rig:
            question_post, question = await rig.ask()
            ts = question_post.response["ts"]
            grades = rig.watch("chat.postMessage", in_thread(ts))
            await rig.event(thread_reply(MARKED_UP + good_answer(question), ts))
            grade = await grades.next()
            board = rig.watch("chat.postMessage", to(CHANNEL))
            await rig.slash("leaderboard")
            leaderboard = texts(await board.next())
    shown = texts(grade)
    assert "You opened with" in shown, shown
    assert not [mark for mark in STYLED if mark in shown], shown
    assert "\u2217very bold\u2217 \u223cstrike\u223c \u02cdx\u02cd \u02cbrm -rf\u02cb" in shown
    assert not any(mention in shown for mention in MENTIONS)
    assert "*Your grade*" in shown  # the bot's own styling stays
    assert (
        "\u2217boss\u2217\u02cdof\u02cd\u223call\u223c" in leaderboard
        and "*boss*" not in leaderboard
    )


async def test_a_retried_event_is_graded_once(rig: Rig) -> None:
    question_post, question = await rig.ask()
    ts = question_post.response["ts"]
    body = event_callback(thread_reply(good_answer(question), ts), event_id="Ev0RETRIED")
    first = await rig.post(signed_event(SECRET, body))
    later = int(time.time()) + 1  # Slack signs a redelivery anew: only the event id repeats
    retry = signed_event(SECRET, body, retry_num=1, retry_reason="http_timeout", timestamp=later)
    again = await rig.post(retry)
    assert first.status == again.status == 200
    await rig.settle()
    (grade,) = [c for c in rig.slack.calls("chat.postMessage") if in_thread(ts)(c)]
    assert SCORE.search(texts(grade))


@pytest.mark.parametrize("claims", ["database", "redis"])
async def test_a_retry_reaching_another_instance_is_not_graded_again(
    claims: str, tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    redis_url = os.environ.get("TEST_REDIS_URL") if claims == "redis" else None
    if claims == "redis" and not redis_url:
        pytest.skip("TEST_REDIS_URL is not set")
    settings = slack_settings(tmp_path / "data", model_dir, slack, redis_url=redis_url)
    async with (
        running(settings, slack, embedder) as one,
        running(settings, slack, embedder) as two,
    ):
        question_post, question = await one.ask()
        ts = question_post.response["ts"]
        event_id = f"Ev{time.time_ns()}"  # unique per run: Redis outlives the test
        body = event_callback(thread_reply(good_answer(question), ts), event_id=event_id)
        assert (await one.post(signed_event(SECRET, body))).status == 200
        retry = signed_event(SECRET, body, retry_num=1, timestamp=int(time.time()) + 1)
        assert (await two.post(retry)).status == 200
        await one.settle()
        await two.settle()
    (grade,) = [c for c in slack.calls("chat.postMessage") if in_thread(ts)(c)]
    assert SCORE.search(texts(grade))


async def test_ack_is_immediate_while_the_llm_takes_ten_seconds(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    async with ScriptedLLM(mode="slow", slow_seconds=10, responder=grader_responders.honest) as llm:
        settings = slack_settings(
            tmp_path / "data",
            model_dir,
            slack,
            openai_base_url=llm.base_url,
            llm_timeout=30,
            llm_max_attempts=1,
        )
        async with running(settings, slack, embedder) as rig:
            question_post, question = await rig.ask()
            ts = question_post.response["ts"]
            grades = rig.watch("chat.postMessage", in_thread(ts))
            began = time.monotonic()
            reply = await rig.event(thread_reply(good_answer(question), ts))
            acked = time.monotonic() - began
            assert reply.status == 200 and acked < 3
            grade = await grades.next(timeout=30)
            assert grade.time - began >= 9  # it waited for the slow model…
            assert llm.counts["slow"] == 1
    assert SCORE.search(texts(grade)) and "may be updated" not in texts(grade)  # …and used it


async def test_daily_question_is_posted_and_answered_in_its_thread(rig: Rig) -> None:
    """The scheduler's poster: the daily question goes to the channel, answers to its thread."""
    tenant = f"slack:{TEAM_ID}"
    prompt = await post_daily(rig.app.engine.context, tenant, CHANNEL, "2026-11-30")
    assert prompt is not None
    ts, thread = await rig.adapter.post_daily(tenant, CHANNEL, None, prompt.replies)
    await rig.app.repository.daily_posted(prompt.post_id, ts, thread)
    (post,) = rig.slack.calls("chat.postMessage")
    assert post.response["ts"] == ts == thread and "Reply in this question's thread" in texts(post)

    grades = rig.watch("chat.postMessage", in_thread(ts))
    await rig.event(thread_reply(good_answer(question_in(rig.app, post)), ts))
    assert SCORE.search(texts(await grades.next()))

    # The post's Answer button opens the answer form, whose answer counts for the daily post.
    other = "U0SECOND"
    opened = rig.watch("views.open")
    await rig.interact(click(post, action(post, "daily:"), user=other))
    modal = (await opened.next()).args["view"]
    answer = text_input_state({"answer": good_answer(question_in(rig.app, post))})
    submitted = view_submission(
        "answer", answer, private_metadata=modal["private_metadata"], user_id=other
    )
    await rig.interact(submitted)
    assert SCORE.search(texts(await grades.next()))
    results = await rig.app.repository.daily_results(prompt.post_id)
    assert sorted(result.user for result in results) == sorted([USER, other])


async def test_a_provisional_grade_is_replaced_by_a_pushed_regrade(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    async with ScriptedLLM(mode="500", responder=grader_responders.honest) as llm:
        settings = slack_settings(
            tmp_path / "data",
            model_dir,
            slack,
            openai_base_url=llm.base_url,
            llm_retry_max_wait=0,
            llm_breaker_cooldown=0,
            regrade_retry_seconds=0.05,
        )
        async with running(settings, slack, embedder) as rig:
            question_post, question = await rig.ask()
            ts = question_post.response["ts"]
            in_question_thread = rig.watch("chat.postMessage", in_thread(ts))
            await rig.event(thread_reply(good_answer(question), ts))
            provisional = await in_question_thread.next()
            assert "may be updated" in texts(provisional)
            llm.mode = "honest"
            pushed = await in_question_thread.next()
    assert "re-graded by the AI grader" in texts(pushed) and re.search(r"\d/10", texts(pushed))


async def test_daily_configuration_is_for_admins(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    settings = slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=["U0LEAD"])
    slack.set_admin("U0BOSS", is_admin=True)
    async with running(settings, slack, embedder) as rig:
        ephemerals = rig.watch("chat.postEphemeral")
        opened = rig.watch("views.open")

        await rig.slash("daily set time=08:30", user="U0PLAIN")
        refused = await ephemerals.next()
        assert refused.args["user"] == "U0PLAIN"
        assert "Only admins can configure the daily question." in texts(refused)
        await rig.slash("daily", user="U0PLAIN")  # no form for non-admins either
        assert "Only admins" in texts(await ephemerals.next())
        assert opened.calls() == []

        await rig.slash("daily", user="U0BOSS")  # a workspace admin gets the form
        form = (await opened.next()).args["view"]
        assert form["callback_id"] == "daily"
        assert {b["block_id"] for b in form["blocks"]} >= {"time", "tz", "days", "delivery"}
        submitted = view_submission(
            "daily",
            form_state(
                enabled="on",
                time="08:30",
                tz="Europe/Berlin",
                days=["mon", "fri"],
                topics="rag, attention",
                difficulty="2",
                delivery="dm",
            ),
            user_id="U0BOSS",
            private_metadata=form["private_metadata"],
        )
        reply = await rig.interact(submitted)
        assert (reply.status, reply.text) == (200, "")
        saved = await ephemerals.next()
        assert saved.args["channel"] == CHANNEL and saved.args["user"] == "U0BOSS"
        assert "Daily question: on" in texts(saved)
        assert "08:30 (Europe/Berlin), on mon,fri" in texts(saved)
        assert "Topics: rag,attention" in texts(saved) and "Grades go: dm" in texts(saved)

        await rig.slash("daily off", user="U0LEAD")  # an admin by SLACK_ADMIN_USER_IDS
        assert "Daily question: off" in texts(await ephemerals.next())


async def test_admins_listed_for_one_workspace_are_admins_there_only(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    settings = slack_settings(
        tmp_path / "data", model_dir, slack, slack_admin_user_ids=[f"{TEAM_ID}:U0LEAD"]
    )
    async with running(settings, slack, embedder) as rig:
        ephemerals = rig.watch("chat.postEphemeral")
        for team, expected in ((TEAM_ID, "Daily question:"), ("T0OTHER", "Only admins")):
            fields = slash_command(
                COMMAND, "daily set time=08:30", user_id="U0LEAD", team_id=team, channel_id=CHANNEL
            )
            assert (await rig.post(signed_slash_command(SECRET, fields))).status == 200
            assert expected in texts(await ephemerals.next()), team


async def test_with_oauth_installs_a_bare_admin_id_is_a_configuration_error(
    tmp_path: Path, model_dir: Path, slack: FakeSlack
) -> None:
    """Regression: `SLACK_ADMIN_USER_IDS=["U0LEAD"]` made U0LEAD an admin in every workspace
    that installed the app."""
    oauth = {
        "slack_bot_token": None,
        "slack_client_id": "1111.2222",
        "slack_client_secret": "client-secret",
    }
    bare, paired = (
        App(
            slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=[ids], **oauth)
        )
        for ids in ("U0LEAD", "T0A:U0LEAD")
    )
    try:
        with pytest.raises(ConfigError, match="TEAM:USER"):
            SlackAdapter(bare.engine, bare.settings, bare.database)
        assert SlackAdapter(paired.engine, paired.settings, paired.database).bolt is not None
    finally:
        await bare.aclose()
        await paired.aclose()


async def test_a_failed_users_info_is_logged_without_the_raw_user_id(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.slack.fail("users.info", "user_not_found", times=5)
    with caplog.at_level(logging.DEBUG, logger="bot"):
        await rig.ask()
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("bot.")]
    assert not [line for line in logged if USER in line]
    assert any("users.info failed" in line for line in logged), logged
    assert any(user_ref(USER) in line for line in logged)


async def test_mentions_are_answered_and_the_locale_is_looked_up_once(rig: Rig) -> None:
    rig.slack.add_user(USER, locale="en-GB")
    channel_posts = rig.watch("chat.postMessage", lambda c: c.args["channel"] == CHANNEL)
    mention = app_mention_event(f"<@{BOT_USER_ID}> next", channel=CHANNEL)
    assert (await rig.event(mention)).status == 200
    question_post = await channel_posts.next()
    assert "thread_ts" not in question_post.args and question_in(rig.app, question_post)

    stats = app_mention_event(f"<@{BOT_USER_ID}> stats", channel=CHANNEL)
    await rig.event(stats)
    answer = await channel_posts.next()
    assert answer.args["thread_ts"] == stats["ts"]  # answered in the mention's thread
    assert "No graded answers yet" in texts(answer)

    lookups = rig.slack.calls("users.info")
    assert len(lookups) == 1
    assert (lookups[0].args["user"], lookups[0].args["include_locale"]) == (USER, "1")


async def test_a_channel_the_bot_is_not_in_gets_replies_through_the_response_url(rig: Rig) -> None:
    rig.slack.fail("chat.postMessage", "not_in_channel")
    responses = rig.watch("response_url")
    await rig.slash("next", channel="C0PRIVATE")
    question = await responses.next()
    assert question.args["response_type"] == "ephemeral"
    assert question_in(rig.app, question) and any(
        a.startswith("answer:") for a in action_ids(question)
    )


async def test_slash_text_containing_payload_reaches_the_engine(rig: Rig) -> None:
    """slack-bolt would parse this form body as `{}` (see tests/fakes/test_slack_fakes.py)."""
    posts = rig.watch("chat.postEphemeral")  # an appeal's answer is for the caller only
    reply = await rig.slash("appeal the payload of my answer was right")
    assert reply.status == 200
    assert "There is no graded answer to appeal." in texts(await posts.next())


def shared_file(slack: FakeSlack, name: str, url: str, size: int) -> dict[str, Any]:
    return {"id": f"F{name}", "name": name, "size": size, "url_private_download": url}


def bank_import_event(user: str, *files: dict[str, Any]) -> dict[str, Any]:
    event = message_event("bank import", user=user, channel=FakeSlack.dm_channel(user))
    event["subtype"] = "file_share"
    event["files"] = list(files)
    return event


def to(channel: str) -> Callable[[SlackCall], bool]:
    return lambda c: c.args.get("channel") == channel


async def test_bank_import_from_a_file_shared_in_a_dm_is_for_admins(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    bank = b"### 1) What is a tokenizer?\n\n**Answer:** It splits text into tokens. It maps them.\n"
    url = slack.add_file("team.md", bank)
    settings = slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=["U0LEAD"])
    async with running(settings, slack, embedder) as rig:
        plain_dm = FakeSlack.dm_channel("U0PLAIN")
        refusals = rig.watch("chat.postEphemeral", to(plain_dm))
        await rig.event(bank_import_event("U0PLAIN", shared_file(slack, "team.md", url, len(bank))))
        assert "Only admins" in texts(await refusals.next())

        lead_dm = FakeSlack.dm_channel("U0LEAD")
        posts = rig.watch("chat.postMessage", to(lead_dm))
        await rig.event(bank_import_event("U0LEAD", shared_file(slack, "team.md", url, len(bank))))
        assert "1 questions imported" in texts(await posts.next())
        imported = rig.app.bank.questions(f"slack:{TEAM_ID}")
        assert any(q.question == "What is a tokenizer?" for q in imported)
    downloads = slack.calls("file")
    assert downloads and {c.token for c in downloads} == {BOT_TOKEN}


def big_bank(questions: int) -> bytes:
    """A valid Markdown bank of `questions` entries, about 1 KB each."""
    filler = "It is measured on held-out data and compared with a simple baseline first. " * 12
    entries = [
        f"### {n}) What does practice topic number {n} mean?\n\n**Answer:** Topic {n} is about "
        f"evaluation. {filler}\n"
        for n in range(1, questions + 1)
    ]
    return "\n".join(entries).encode()


def practice_topics(app: App) -> list[Question]:
    """The questions of `big_bank` in the team's bank."""
    return [q for q in app.bank.questions(f"slack:{TEAM_ID}") if "practice topic" in q.question]


async def test_a_bank_file_larger_than_one_read_is_imported_whole(
    tmp_path: Path,
    model_dir: Path,
    slack: FakeSlack,
    embedder: OnnxEmbedder,
    ingested_chroma: Path,
) -> None:
    """Regression: one `content.read(limit)` returned only the first ~128 KB of a download."""
    bank = big_bank(300)
    assert len(bank) > 280_000
    url = slack.add_file("large.md", bank, chunk_bytes=16 * 1024)
    settings = slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=["U0LEAD"])
    # The shipped bank indexed already: the 300 entries are the only ones to embed.
    shutil.copytree(ingested_chroma, settings.resolved_chroma_path)
    async with running(settings, slack, embedder) as rig:
        posts = rig.watch("chat.postMessage", to(FakeSlack.dm_channel("U0LEAD")))
        await rig.event(bank_import_event("U0LEAD", shared_file(slack, "large.md", url, len(bank))))
        report = texts(await posts.next(timeout=60))
        assert "large.md: 300 questions imported." in report, report
        assert "line" not in report  # no parse error from a cut-off tail
        assert len(practice_topics(rig.app)) == 300


async def test_a_file_over_the_limit_is_refused_with_a_reason_and_nothing_imported(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    bank = big_bank(2200)  # over 2 MB
    assert len(bank) > 2 * 1024 * 1024
    streamed = slack.add_file("huge.md", bank, chunk_bytes=64 * 1024)  # no Content-Length
    declared = slack.add_file("declared.md", bank)
    settings = slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=["U0LEAD"])
    async with running(settings, slack, embedder) as rig:
        dm = FakeSlack.dm_channel("U0LEAD")
        posts = rig.watch("chat.postMessage", to(dm))
        # The event understates the size: only the streamed limit can catch the first one.
        files = (
            shared_file(slack, "huge.md", streamed, 1000),
            shared_file(slack, "declared.md", declared, 0),
        )
        await rig.event(bank_import_event("U0LEAD", *files))
        refusal = texts(await posts.next())
        assert "huge.md was not read: files can be at most 2 MB." in refusal
        assert "declared.md was not read: files can be at most 2 MB." in refusal
        assert "Attach a Markdown or YAML bank file" in texts(await posts.next())
        assert practice_topics(rig.app) == []


async def test_downloads_go_only_to_slacks_file_origin_and_never_follow_a_redirect_off_it(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    """Regression: the bot token went to any port of the API host, and redirects were followed
    to any host."""
    bank = b"### 1) What is a tokenizer?\n\n**Answer:** It splits text into tokens. It maps them.\n"
    seen: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.Response(body=bank)

    other = web.Application()
    other.router.add_get("/files-pri/team.md", elsewhere)
    runner = web.AppRunner(other, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None and site._server.sockets
    other_port = site._server.sockets[0].getsockname()[1]
    same_host_other_port = f"http://127.0.0.1:{other_port}/files-pri/team.md"
    other_host = f"http://localhost:{other_port}/files-pri/team.md"
    redirect = slack.add_file("redirect.md", redirect_to=same_host_other_port)
    settings = slack_settings(tmp_path / "data", model_dir, slack, slack_admin_user_ids=["U0LEAD"])
    try:
        async with running(settings, slack, embedder) as rig:
            posts = rig.watch("chat.postMessage", to(FakeSlack.dm_channel("U0LEAD")))
            for name, url in (
                ("port.md", same_host_other_port),
                ("host.md", other_host),
                ("redirect.md", redirect),
            ):
                await rig.event(
                    bank_import_event("U0LEAD", shared_file(slack, name, url, len(bank)))
                )
                assert "Attach a Markdown or YAML bank file" in texts(await posts.next())
    finally:
        await runner.cleanup()
    assert seen == []  # the other origin never got a request, let alone the token
    assert [c.status for c in slack.calls("file")] == [302]  # Slack's own URL was asked once


async def test_socket_mode_envelopes_are_acked_and_handled(
    tmp_path: Path, model_dir: Path, slack: FakeSlack, embedder: OnnxEmbedder
) -> None:
    settings = slack_settings(
        tmp_path / "data", model_dir, slack, slack_app_token=APP_TOKEN, slack_signing_secret=None
    )
    async with running(settings, slack, embedder) as rig:
        assert rig.adapter.socket_mode and rig.adapter.ready
        questions = rig.watch("chat.postMessage")
        envelope = socket_envelope(
            "slash_commands", slash_command(COMMAND, "next", user_id=USER, channel_id=CHANNEL)
        )
        began = time.monotonic()
        ack = await slack.wait_for_ack(await slack.socket_send(envelope))
        assert ack.payload is None and ack.time - began < 3
        question_post = await questions.next()
        question = question_in(rig.app, question_post)
        ts = question_post.response["ts"]

        grades = rig.watch("chat.postMessage", in_thread(ts))
        answer = event_callback(thread_reply(good_answer(question), ts))
        event_ack = await slack.wait_for_ack(
            await slack.socket_send(socket_envelope("events_api", answer))
        )
        assert event_ack.payload is None
        grade = await grades.next()
        assert SCORE.search(texts(grade))

        ephemerals = rig.watch("chat.postEphemeral")
        clicked = socket_envelope("interactive", click(grade, action(grade, "vote:down:")))
        await slack.wait_for_ack(await slack.socket_send(clicked))
        assert "feedback on the grade is recorded" in texts(await ephemerals.next())

        # In Socket Mode the bot serves no Slack HTTP endpoint.
        probe = signed_slash_command(SECRET, slash_command(COMMAND, "next"))
        assert (await rig.post(probe)).status in (404, 405)
    assert [c.token for c in slack.calls("apps.connections.open")] == [APP_TOKEN]


async def test_oauth_install_stores_the_workspace_and_its_token_is_used(
    tmp_path: Path, model_dir: Path, embedder: OnnxEmbedder
) -> None:
    installed_token = "xoxb-installed-token"

    def oauth_access(args: dict[str, Any]) -> dict[str, Any]:
        assert args["code"] == "the-code"
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "chat:write,commands",
            "token_type": "bot",
            "access_token": installed_token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": "T0OTHER", "name": "Other Team"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async with FakeSlack(bot_token=None, app_token=None, wait_timeout=WAIT) as slack:
        slack.on("oauth.v2.access", oauth_access)
        settings = slack_settings(
            tmp_path / "data",
            model_dir,
            slack,
            slack_bot_token=None,
            slack_client_id="1111.2222",
            slack_client_secret="client-secret",
        )
        async with running(settings, slack, embedder) as rig:
            async with rig.http.get(rig.base_url + "/slack/install") as page:
                assert page.status == 200
                html = await page.text()
                cookie = page.headers["Set-Cookie"].split(";")[0]
            state = re.search(r"state=([\w-]+)", html)
            assert state and "client_id=1111.2222" in html and "commands" in html
            callback = f"{rig.base_url}/slack/oauth_redirect?code=the-code&state={state.group(1)}"
            async with rig.http.get(callback, headers={"Cookie": cookie}) as done:
                assert done.status == 200, await done.text()

            fields = slash_command(COMMAND, "next", team_id="T0OTHER", channel_id=CHANNEL)
            posts = rig.watch("chat.postMessage")
            assert (await rig.post(signed_slash_command(SECRET, fields))).status == 200
            question_post = await posts.next()
            assert question_post.token == installed_token
            assert question_in(rig.app, question_post)
            (grant,) = slack.calls("oauth.v2.access")
            assert grant.ok


def test_long_replies_are_split_within_slack_block_limits() -> None:
    paragraph = "A line about attention & <masks>. " * 40
    long_text = "\n".join(f"{n}. {paragraph}" for n in range(120))  # ~170,000 characters
    reply = Reply(
        long_text,
        title="Reference answer",
        score=7.5,
        buttons=(Button("next", "Next question", "primary"), Button("vote:up:1", "👍", "success")),
    )
    messages = render(reply)
    assert len(messages) > 1
    sections = []
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        assert len(message.text) <= SECTION_LIMIT
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= SECTION_LIMIT
                sections.append(block["text"]["text"])
    assert sections[0] == "*Reference answer*" and sections[-1].startswith("*7.5/10*")
    body = "\n".join(sections[1:-1])
    assert body == escape(long_text)  # nothing lost, nothing unescaped, cut at line breaks
    assert all(b["type"] != "actions" for m in messages[:-1] for b in m.blocks)
    assert [e["action_id"] for e in messages[-1].blocks[-1]["elements"]] == ["next", "vote:up:1"]
    (unbroken,) = render(Reply("&" * 4000))
    pieces = [b["text"]["text"] for b in unbroken.blocks]
    assert all(p.startswith("&amp;") and p.endswith("&amp;") for p in pieces)
    assert "".join(pieces) == "&amp;" * 4000


# --------------------------------------------------------------------------- `interview-bot run`


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_command() -> list[str]:
    script = shutil.which("interview-bot", path=str(Path(sys.executable).parent))
    return [script, "run"] if script else [sys.executable, "-m", "bot", "run"]


async def wait_healthy(
    http: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process
) -> None:
    """Poll /healthz until the server answers (start-up loads the app and migrates)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"interview-bot run exited with {process.returncode}")
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    assert await response.json() == {"status": "ok"}
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("interview-bot run did not answer /healthz within 60 s")


@pytest.fixture
def probe_env(tmp_path: Path, model_dir: Path) -> dict[str, str]:
    """The environment of `interview-bot run`: none of the developer's bot settings."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES) and k not in ENV_NAMES
    }
    env.update(DATA_DIR=str(tmp_path / "probe-data"), EMBEDDING_MODEL_DIR=str(model_dir))
    return env


async def test_interview_bot_run_answers_a_signed_probe(
    tmp_path: Path, probe_env: dict[str, str]
) -> None:
    async with FakeSlack(bot_token=BOT_TOKEN, app_token=None, wait_timeout=30) as slack:
        port = free_port()
        env = {
            **probe_env,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "PORT": str(port),
        }
        log = (tmp_path / "run.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            *run_command(), cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, base + "/healthz", process)
                url = base + EVENTS

                posts = Watch(slack, "chat.postMessage", lambda c: c.args["channel"] == CHANNEL)
                fields = slash_command(COMMAND, "next", user_id=USER, channel_id=CHANNEL)
                began = time.monotonic()
                acked = await post_signed(http, url, signed_slash_command(SECRET, fields))
                assert acked.status == 200 and time.monotonic() - began < 3
                question_post = await posts.next(timeout=30)
                assert action_ids(question_post) and "thread_ts" not in question_post.args
                question = next(
                    q for q in load_shipped_bank() if escape(q.question) in texts(question_post)
                )
                ts = question_post.response["ts"]

                body = event_callback(thread_reply(good_answer(question), ts), event_id="Ev0PROBE")
                assert (await post_signed(http, url, signed_event(SECRET, body))).status == 200
                grade = await Watch(slack, "chat.postMessage", in_thread(ts)).next(timeout=30)
                assert re.search(r"\b\d+(\.\d)?/10\b", grade.args["text"])
                retry = signed_event(SECRET, body, retry_num=1, timestamp=int(time.time()) + 1)
                assert (await post_signed(http, url, retry)).status == 200
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)  # shutdown waits for acknowledged work
            code = await asyncio.wait_for(process.wait(), 60)
            log.close()
    output = (tmp_path / "run.log").read_text(errors="replace")
    assert code == 0, output
    in_question_thread = [c for c in slack.calls("chat.postMessage") if in_thread(ts)(c)]
    assert len(in_question_thread) == 1, [texts(c) for c in in_question_thread]
    # The operator's log is JSON from the first line, with no warning about a token it set.
    lines = [json.loads(line) for line in output.splitlines()]
    assert not [line for line in lines if line["level"] in ("warning", "error")], lines


def load_shipped_bank() -> list[Question]:
    from bot.bank.loader import load_bank

    return load_bank(Settings(_env_file=None).bank_dir)


async def test_stats_uploads_the_progress_chart(rig: Rig) -> None:
    question_post, question = await rig.ask()
    grades = rig.watch("chat.postMessage", in_thread(question_post.response["ts"]))
    await rig.event(thread_reply(good_answer(question), question_post.response["ts"]))
    await grades.next()
    completed = rig.watch("files.completeUploadExternal")
    await rig.slash("stats")
    call = await completed.next()
    assert call.ok
    (upload,) = rig.slack.uploads.values()
    assert upload.filename.endswith(".png") and upload.data.startswith(b"\x89PNG")
