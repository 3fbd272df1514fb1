"""Property-based fuzzing of what reaches the Slack endpoint: any body, signed or not, gets a clear
HTTP answer (200, 400, 401 or 404), never a 500, and nothing is logged as an error.

Bodies are drawn around Slack's shapes (events, slash commands, interactive payloads) with the
types and fields scrambled, plus raw bytes. Each example is signed with the app's secret, so it
goes past the signature check into parsing and into the listeners.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bank.embeddings import OnnxEmbedder
from tests.e2e.test_slack import CHANNEL, DM, SECRET, Rig, running, slack_settings
from tests.fakes.slack_api import TEAM_ID, FakeSlack
from tests.fakes.slack_signing import SignedRequest, signed_headers

KEYS = (
    "type", "event", "user", "channel", "team", "team_id", "text", "ts", "thread_ts", "files",
    "actions", "action_id", "view", "container", "channel_id", "user_id", "command", "trigger_id",
    "payload", "challenge", "event_id", "authorizations", "subtype", "bot_id", "channel_type",
    "response_url", "private_metadata", "state", "values", "id", "tab", "message", "callback_id",
    "url_private_download", "name", "size", "parent_user_id", "enterprise", "is_enterprise_install",
)  # fmt: skip
WORDS = (
    "message", "app_mention", "event_callback", "block_actions", "view_submission", "answer",
    "daily", "url_verification", "app_home_opened", "home", "view", "im", DM, CHANNEL, "U0TESTER",
    TEAM_ID, "/interview", "next", "hint:1", "answer:1", "vote:up:1", "bank import", "file_share",
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=24,
)
OBJECTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BODIES = st.one_of(
    OBJECTS.map(lambda o: (json.dumps(o).encode(), JSON)),
    OBJECTS.map(lambda o: (urlencode({"payload": json.dumps(o)}).encode(), FORM)),
    st.dictionaries(st.sampled_from(KEYS), st.text(max_size=12) | st.sampled_from(WORDS)).map(
        lambda f: (urlencode({"command": "/interview", **f}).encode(), FORM)
    ),
    st.tuples(st.binary(max_size=64), st.sampled_from([JSON, FORM, "text/plain"])),
)


@pytest.fixture
async def fuzz_rig(tmp_path: Path, model_dir: Path, embedder: OnnxEmbedder) -> AsyncIterator[Rig]:
    async with FakeSlack(bot_token="xoxb-test-token", app_token=None, wait_timeout=15) as slack:
        settings_ = slack_settings(tmp_path / "data", model_dir, slack)
        async with running(settings_, slack, embedder) as rig:
            yield rig


@pytest.fixture
def stamps() -> Iterator[int]:
    """A fresh signing timestamp per request: a byte-identical request is a replay (dropped),
    and hypothesis runs a failing example again to confirm it."""
    now = int(time.time())
    return (now - n % 250 for n in itertools.count())


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES)
async def test_any_signed_body_gets_a_clear_answer_and_logs_no_error(
    fuzz_rig: Rig, stamps: Iterator[int], caplog: pytest.LogCaptureFixture, body: tuple[bytes, str]
) -> None:
    raw, content_type = body
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        headers = signed_headers(SECRET, raw, next(stamps), content_type=content_type)
        request = SignedRequest(raw, headers)
        reply = await fuzz_rig.post(request)
        await fuzz_rig.settle()
    assert reply.status in {200, 400, 404}, (reply.status, raw)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [(r.getMessage(), raw) for r in errors]
