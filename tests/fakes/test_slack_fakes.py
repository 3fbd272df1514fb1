"""The Slack fakes drive a real slack-bolt ``AsyncApp`` end to end.

Signed HTTP requests go into Bolt over loopback; Bolt's ``AsyncWebClient`` calls the fake Web
API; Socket Mode runs slack_sdk's aiohttp client against the fake's websocket. The Bolt app in
each test is a throwaway, not the bot's adapter.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import types
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, FakeSlack, socket_envelope
from tests.fakes.slack_signing import (
    SignedRequest,
    SlackHTTPReply,
    app_mention_event,
    block_actions,
    event_callback,
    form_body,
    message_event,
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

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
EVENTS_PATH = "/slack/events"
WAIT = 2.0  # seconds; a bound on awaiting an event, never a sleep
QUESTION_BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Q1.* What is RAG?"}}]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def no_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail on an unclosed aiohttp session/connector or a destroyed pending task.

    aiohttp reports those from ``__del__`` as a ResourceWarning and through the loop's
    exception handler (the ``asyncio`` logger), so collect garbage and look at both.
    """
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


def web_client(slack: FakeSlack, **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url, **kwargs)


def bolt_app(slack: FakeSlack) -> AsyncApp:
    return AsyncApp(client=web_client(slack), signing_secret=SECRET)


@asynccontextmanager
async def serve(app: AsyncApp) -> AsyncIterator[str]:
    """Serve ``app`` at ``http://127.0.0.1:<free port>/slack/events``.

    Mounted with Bolt's aiohttp adapter functions on our own ``web.Application`` (the way an
    adapter that also serves /healthz would), not with ``app.start()``, which blocks.
    """

    async def events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None and site._server.sockets
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
    finally:
        await runner.cleanup()


@dataclass
class Rig:
    """A fake Slack, a throwaway Bolt app talking to it, and that app's HTTP endpoint."""

    slack: FakeSlack
    app: AsyncApp
    url: str
    http: aiohttp.ClientSession

    async def post(self, request: SignedRequest) -> SlackHTTPReply:
        return await post_signed(self.http, self.url, request)


@pytest.fixture
async def rig(slack: FakeSlack) -> AsyncIterator[Rig]:
    app = bolt_app(slack)
    async with serve(app) as url, aiohttp.ClientSession() as http:
        yield Rig(slack, app, url, http)


async def settled(event: asyncio.Event) -> None:
    """Wait for a listener to finish: Bolt acks first and runs the rest in the background."""
    await asyncio.wait_for(event.wait(), WAIT)


# --------------------------------------------------------------------------- signing


def test_signer_agrees_with_slack_sdk_verifier() -> None:
    body = form_body(slash_command(text="naïve Bayes & <tokens>"))
    headers = signed_headers(SECRET, body, timestamp=1_700_000_000)

    class Then(Clock):
        def now(self) -> float:
            return 1_700_000_010.0

    assert SignatureVerifier(SECRET, clock=Then()).is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret", clock=Then()).is_valid_request(body, headers)
    assert signature(SECRET, body, 1_700_000_000) == headers["X-Slack-Signature"]
    assert signature(SECRET, body.encode(), "1700000000") == headers["X-Slack-Signature"]
    retry = signed_headers(SECRET, body, retry_num=2)
    assert retry["X-Slack-Retry-Num"] == "2" and retry["X-Slack-Retry-Reason"] == "http_timeout"


async def test_bad_signatures_get_401_and_run_nothing(rig: Rig) -> None:
    ran: list[str] = []

    @rig.app.command("/interview")
    async def start(ack: Any) -> None:
        ran.append("start")
        await ack()

    fields = slash_command("/interview", "start")
    good = signed_slash_command(SECRET, fields)
    tampered = SignedRequest(good.body.replace(b"start", b"admin"), good.headers)
    unsigned_headers = {k: v for k, v in good.headers.items() if k != "X-Slack-Signature"}
    for request in (
        signed_slash_command("not-the-secret", fields),
        tampered,
        SignedRequest(good.body, unsigned_headers),
    ):
        reply = await rig.post(request)
        assert reply.status == 401
        assert reply.json() == {"error": "invalid request"}
    assert ran == []
    assert rig.slack.calls() == []  # rejected before authorization: not even auth.test


async def test_timestamps_more_than_five_minutes_off_get_401(rig: Rig) -> None:
    @rig.app.command("/interview")
    async def start(ack: Any) -> None:
        await ack()

    fields = slash_command("/interview")
    now = int(time.time())
    assert (await rig.post(signed_slash_command(SECRET, fields, timestamp=now - 301))).status == 401
    assert (await rig.post(signed_slash_command(SECRET, fields, timestamp=now + 301))).status == 401
    assert (await rig.post(signed_slash_command(SECRET, fields, timestamp=now - 240))).status == 200


# --------------------------------------------------------------------------- HTTP mode


async def test_slash_command_is_acked_then_replies_reach_the_fake(rig: Rig) -> None:
    done = asyncio.Event()

    @rig.app.command("/interview")
    async def start(ack: Any, command: dict[str, Any], say: Any, respond: Any) -> None:
        await ack("Starting your interview…")
        await say(text=f"Question for <@{command['user_id']}>", blocks=QUESTION_BLOCKS)
        await respond(text="Only you can see this", response_type="ephemeral")
        done.set()

    response_url = rig.slack.new_response_url()
    fields = slash_command(
        "/interview", "start", user_id="U1", channel_id="C1", response_url=response_url
    )
    reply = await rig.post(signed_slash_command(SECRET, fields))
    assert (reply.status, reply.text) == (200, "Starting your interview…")

    posted = await rig.slack.wait_for_call("chat.postMessage")
    await settled(done)
    assert posted.token == BOT_TOKEN
    assert posted.args["channel"] == "C1"
    assert posted.args["text"] == "Question for <@U1>"
    assert posted.args["blocks"] == QUESTION_BLOCKS
    assert posted.response["ok"] and posted.response["channel"] == "C1"
    assert rig.slack.messages[0].ts == posted.response["ts"]
    responded = rig.slack.calls("response_url")[0]
    assert responded.args["text"] == "Only you can see this"
    assert responded.args["response_type"] == "ephemeral"
    assert [c.method for c in rig.slack.calls()] == [
        "auth.test",
        "chat.postMessage",
        "response_url",
    ]


async def test_bolt_quirk_slash_text_containing_payload_is_unroutable(rig: Rig) -> None:
    """Pins a slack-bolt 1.30 quirk the adapter must work around.

    ``slack_bolt.request.internals.parse_body`` treats any form body that contains the text
    "payload" as an interactive ``payload=`` body, so ``/interview what is a payload?`` parses
    to ``{}`` and no listener matches. When this fails, Bolt has fixed it.
    """
    ran: list[str] = []

    @rig.app.command("/interview")
    async def start(ack: Any, command: dict[str, Any]) -> None:
        ran.append(command["text"])
        await ack()

    for text in ("what is a payload?", "what is RAG?"):
        fields = slash_command("/interview", text)
        reply = await rig.post(signed_slash_command(SECRET, fields))
        assert reply.status == (404 if "payload" in text else 200)
    assert ran == ["what is RAG?"]


@pytest.mark.parametrize(
    ("event", "retry_num"),
    [
        (message_event("my answer", user="U1", channel="C1", thread_ts="1700000000.000100"), None),
        (message_event("my answer", user="U1", channel="D1"), 1),
        (app_mention_event(f"<@{BOT_USER_ID}> ask me", user="U1", channel="C1"), None),
    ],
    ids=["message-in-thread", "dm-redelivered", "app-mention"],
)
async def test_event_callback_is_handled(
    rig: Rig, event: dict[str, Any], retry_num: int | None
) -> None:
    done = asyncio.Event()
    seen: list[tuple[str, str | None, str]] = []

    async def reply_in_thread(event: dict[str, Any], say: Any, request: Any) -> None:
        retry = request.headers.get("x-slack-retry-num", [None])[0]
        seen.append((event["type"], retry, event.get("channel_type", "")))
        await say(text="Graded: 7/10", thread_ts=event.get("thread_ts") or event["ts"])
        done.set()

    rig.app.event("message")(reply_in_thread)
    rig.app.event("app_mention")(reply_in_thread)

    body = event_callback(event, event_id="Ev0TEST", event_time=1_700_000_000)
    reply = await rig.post(signed_event(SECRET, body, retry_num=retry_num))
    assert reply.status == 200

    posted = await rig.slack.wait_for_call("chat.postMessage")
    await settled(done)
    assert seen == [
        (event["type"], None if retry_num is None else "1", event.get("channel_type", ""))
    ]
    assert posted.args["channel"] == event["channel"]
    assert posted.args["thread_ts"] == event.get("thread_ts", event["ts"])
    assert posted.args["text"] == "Graded: 7/10"


async def test_bolt_ignores_the_bots_own_messages(rig: Rig) -> None:
    """auth.test's user_id/bot_id is what Bolt uses to drop the bot's own messages."""
    done = asyncio.Event()
    texts: list[str] = []

    @rig.app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        texts.append(event["text"])
        done.set()

    own = message_event("echo of my own post", user=BOT_USER_ID, channel="C1")
    own["bot_id"] = BOT_ID
    for event in (own, message_event("a human answer", user="U1", channel="C1")):
        assert (await rig.post(signed_event(SECRET, event_callback(event)))).status == 200
    await settled(done)
    assert texts == ["a human answer"]


async def test_block_actions_update_the_message(rig: Rig) -> None:
    done = asyncio.Event()

    @rig.app.action("show_hint")
    async def show_hint(
        ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any
    ) -> None:
        await ack()
        await client.chat_update(
            channel=body["container"]["channel_id"],
            ts=body["container"]["message_ts"],
            text=f"Hint for {action['value']}: think retrieval",
        )
        done.set()

    posted = await rig.app.client.chat_postMessage(channel="C1", text="Q1", blocks=QUESTION_BLOCKS)
    payload = block_actions(
        "show_hint", "q1", user_id="U1", channel_id="C1", message_ts=posted["ts"]
    )
    reply = await rig.post(signed_interactive(SECRET, payload))
    assert (reply.status, reply.text) == (200, "")

    update = await rig.slack.wait_for_call("chat.update")
    await settled(done)
    assert update.ok, update.response
    assert update.args == {
        "channel": "C1",
        "ts": posted["ts"],
        "text": "Hint for q1: think retrieval",
        "team_id": "T0FAKE",
    }
    message = rig.slack.messages[0]
    assert (message.text, message.edits) == ("Hint for q1: think retrieval", 1)


async def test_view_submission_validates_and_is_handled(rig: Rig) -> None:
    done = asyncio.Event()
    modal = {
        "type": "modal",
        "callback_id": "answer_modal",
        "title": {"type": "plain_text", "text": "Your answer"},
        "blocks": [
            {
                "type": "input",
                "block_id": "answer",
                "label": {"type": "plain_text", "text": "Answer"},
                "element": {"type": "plain_text_input", "action_id": "answer"},
            }
        ],
    }

    @rig.app.command("/answer")
    async def open_modal(ack: Any, command: dict[str, Any], client: Any) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=modal)

    @rig.app.view("answer_modal")
    async def submit(ack: Any, view: dict[str, Any], body: dict[str, Any], client: Any) -> None:
        answer = view["state"]["values"]["answer"]["answer"]["value"]
        if not answer:
            await ack(response_action="errors", errors={"answer": "Please write an answer"})
            return
        await ack()
        await client.chat_postMessage(channel=body["user"]["id"], text=f"Got: {answer}")
        done.set()

    await rig.post(signed_slash_command(SECRET, slash_command("/answer", user_id="U1")))
    opened = await rig.slack.wait_for_call("views.open")
    assert opened.args["view"] == modal and opened.ok
    view_id = opened.response["view"]["id"]
    assert rig.slack.views[view_id]["callback_id"] == "answer_modal"

    empty = view_submission("answer_modal", text_input_state({"answer": None}), view_id=view_id)
    reply = await rig.post(signed_interactive(SECRET, empty))
    assert reply.status == 200
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"answer": "Please write an answer"},
    }

    filled = view_submission(
        "answer_modal", text_input_state({"answer": "Retrieval-augmented generation"}), user_id="U1"
    )
    reply = await rig.post(signed_interactive(SECRET, filled))
    assert (reply.status, reply.text) == (200, "")
    posted = await rig.slack.wait_for_call("chat.postMessage")
    await settled(done)
    assert posted.args["channel"] == "U1"
    assert posted.response["channel"] == FakeSlack.dm_channel("U1") == "D1"
    assert posted.args["text"] == "Got: Retrieval-augmented generation"


# --------------------------------------------------------------------------- Web API


async def test_users_info_locale_and_admin_flags(slack: FakeSlack) -> None:
    slack.add_user("U1", locale="fr-FR", is_admin=True)
    slack.set_admin("U2", is_admin=False, is_owner=True)
    client = web_client(slack)

    user = (await client.users_info(user="U1", include_locale=True))["user"]
    assert (user["locale"], user["is_admin"], user["is_owner"]) == ("fr-FR", True, False)
    assert "locale" not in (await client.users_info(user="U1"))["user"]
    owner = (await client.users_info(user="U2", include_locale=True))["user"]
    assert (owner["locale"], owner["is_admin"], owner["is_owner"]) == ("en-US", False, True)
    stranger = (await client.users_info(user="U9", include_locale=True))["user"]
    assert (stranger["locale"], stranger["is_admin"]) == ("en-US", False)
    assert slack.calls("users.info")[0].args == {"user": "U1", "include_locale": "1"}
    assert slack.calls("users.info")[0].http_method == "GET"

    slack.auto_users = False
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U404")
    assert raised.value.response["error"] == "user_not_found"


async def test_files_upload_v2_completes_against_the_fake(slack: FakeSlack) -> None:
    client = web_client(slack)
    result = await client.files_upload_v2(
        channel="C1",
        content="question,score\nq1,7\n",
        filename="report.csv",
        title="Your report",
        initial_comment="Here is your report",
        thread_ts="1700000000.000100",
    )
    assert [c.method for c in slack.calls()] == [
        "files.getUploadURLExternal",
        "files.upload_url",
        "files.completeUploadExternal",
    ]
    file_id = slack.calls("files.getUploadURLExternal")[0].response["file_id"]
    complete = await slack.wait_for_call("files.completeUploadExternal")
    assert complete.args["files"] == [{"id": file_id, "title": "Your report"}]
    assert complete.args["channel_id"] == "C1"
    assert complete.args["initial_comment"] == "Here is your report"
    assert complete.args["thread_ts"] == "1700000000.000100"
    upload = slack.uploads[file_id]
    assert upload.completed and upload.data == b"question,score\nq1,7\n"
    assert (upload.filename, upload.length, upload.channel) == ("report.csv", 20, "C1")
    assert result["file"]["id"] == file_id


async def test_scripted_429_is_retried_by_rate_limit_handler(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler sleeps ``Retry-After`` + random() s; record the sleep instead of taking it."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(builtin_async_handlers, "asyncio", types.SimpleNamespace(sleep=sleep))
    monkeypatch.setattr(builtin_async_handlers, "random", types.SimpleNamespace(random=lambda: 0.0))

    slack.rate_limit("chat.postMessage", retry_after=3)
    client = web_client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    result = await client.chat_postMessage(channel="C1", text="Daily question")
    assert result["ok"] and result["ts"]

    first, second = slack.calls("chat.postMessage")
    assert (first.status, first.response) == (429, {"ok": False, "error": "ratelimited"})
    assert first.headers["authorization"] == second.headers["authorization"]
    assert (second.status, second.args) == (200, first.args)
    assert slept == [3]

    slack.rate_limit("chat.postMessage", retry_after=3)  # without the handler, the 429 surfaces
    with pytest.raises(SlackApiError) as raised:
        await web_client(slack).chat_postMessage(channel="C1", text="Daily question")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"


async def test_other_methods_errors_and_unknown_methods_are_recorded(slack: FakeSlack) -> None:
    client = web_client(slack)
    dm = await client.conversations_open(users="U1")
    assert dm["channel"]["id"] == "D1"
    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert ephemeral["message_ts"]
    await client.reactions_add(channel="C1", timestamp="1700000000.000100", name="white_check_mark")
    with pytest.raises(SlackApiError, match="already_reacted"):
        await client.reactions_add(
            channel="C1", timestamp="1700000000.000100", name="white_check_mark"
        )
    assert slack.reactions == [("C1", "1700000000.000100", "white_check_mark")]

    home = {"type": "home", "blocks": QUESTION_BLOCKS}
    published = await client.views_publish(user_id="U1", view=home)
    assert slack.home_views["U1"]["id"] == published["view"]["id"]
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "A"}, "blocks": []}
    opened = await client.views_open(trigger_id="1.2.3", view=modal)
    updated = await client.views_update(
        view_id=opened["view"]["id"], view={**modal, "blocks": QUESTION_BLOCKS}
    )
    assert updated["view"]["blocks"] == QUESTION_BLOCKS
    first = await client.chat_postMessage(channel="C1", text="a")
    second = await client.chat_postMessage(channel="C1", text="b")
    assert float(second["ts"]) > float(first["ts"])

    with pytest.raises(SlackApiError, match="unknown_method"):
        await client.api_call("conversations.teleport", json={"channel": "C1"})
    assert slack.calls("conversations.teleport")[0].args == {"channel": "C1"}

    slack.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C404", text="x")
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await AsyncWebClient(token=APP_TOKEN, base_url=slack.api_url).auth_test()
    with pytest.raises(SlackApiError, match="not_authed"):
        await AsyncWebClient(base_url=slack.api_url).auth_test()
    assert [c.ok for c in slack.calls("auth.test")] == [False, False, False]


async def test_wait_for_call_times_out_with_what_it_saw(slack: FakeSlack) -> None:
    await web_client(slack).auth_test()
    with pytest.raises(TimeoutError, match=r"chat\.update.*calls so far: auth\.test"):
        await slack.wait_for_call("chat.update", timeout=0.05)


# --------------------------------------------------------------------------- Socket Mode


async def test_socket_mode_envelopes_are_acked_and_handled(slack: FakeSlack) -> None:
    app = bolt_app(slack)
    command_done, event_done = asyncio.Event(), asyncio.Event()

    @app.command("/interview")
    async def start(ack: Any, command: dict[str, Any], say: Any) -> None:
        await ack("Starting…")
        await say(text=f"Question for <@{command['user_id']}>")
        command_done.set()

    @app.event("message")
    async def on_message(event: dict[str, Any], say: Any) -> None:
        await say(text=f"Graded: {event['text']}", thread_ts=event["ts"])
        event_done.set()

    @app.action("next_question")
    async def next_question(ack: Any) -> None:
        await ack()

    handler = AsyncSocketModeHandler(app, app_token=APP_TOKEN)
    greetings: list[str] = []

    async def on_raw(_client: Any, message: dict[str, Any], _raw: str | None) -> None:
        greetings.append(str(message.get("type")))

    handler.client.message_listeners.append(on_raw)
    try:
        await handler.connect_async()
        command_id = await slack.socket_send(
            socket_envelope("slash_commands", slash_command("/interview", user_id="U1"))
        )
        ack = await slack.wait_for_ack(command_id)
        assert ack.payload == {"text": "Starting…"}  # acks may carry the response
        await settled(command_done)
        assert slack.calls("chat.postMessage")[0].args["text"] == "Question for <@U1>"

        event = message_event("attention is all you need", user="U1", channel="D1")
        event_id = await slack.socket_send(socket_envelope("events_api", event_callback(event)))
        assert (await slack.wait_for_ack(event_id)).payload is None  # a bare ack
        await settled(event_done)
        graded = await slack.wait_for_call("chat.postMessage", lambda c: c.args["channel"] == "D1")
        assert graded.args["thread_ts"] == event["ts"]

        await slack.socket_disconnect()  # Slack's periodic refresh: the client reconnects
        await slack.wait_for_socket(nth=2)
        again = await slack.socket_send(
            socket_envelope("interactive", block_actions("next_question", channel_id="C1"))
        )
        assert (await slack.wait_for_ack(again)).payload is None
    finally:
        await handler.close_async()

    opens = slack.calls("apps.connections.open")
    assert [c.token for c in opens] == [APP_TOKEN, APP_TOKEN]
    assert slack.socket_connections == 2
    assert greetings[0] == "hello"
