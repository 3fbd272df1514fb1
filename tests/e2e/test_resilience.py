"""Dependency outages end to end: Redis stopped or cut mid-run, a restart while the LLM is down.

The bot runs as `interview-bot run` (a real process, Slack HTTP mode against the fake Slack, the
scripted LLM on loopback) or through `bot.runtime.serve` with the real Slack adapter. Redis is a
`redis-server` of the test's own, killed when the test says so.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack.escape import escape
from bot.adapters.slack_adapter import SlackAdapter
from bot.app import App
from bot.bank.loader import load_bank
from bot.bank.models import Question
from bot.config import Settings
from bot.engine.events import Incoming
from bot.runtime import serve
from bot.storage.models import naive_utc
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlack, SlackCall
from tests.fakes.slack_signing import (
    event_callback,
    message_event,
    post_signed,
    signed_event,
    signed_slash_command,
    slash_command,
)
from tests.redis_process import RedisProcess, free_port

SECRET = "resilience-signing-secret"
BOT_TOKEN = "xoxb-resilience"
CHANNEL = "C0PRACTICE"
USER = "U0LEARNER"
WAIT = 30.0
ENV_PREFIXES = ("SLACK_", "DISCORD_", "OPENAI_", "LLM_", "CHROMA_")
ENV_NAMES = ("REDIS_URL", "DATABASE_URL", "DATA_DIR", "PORT", "DEFAULT_LANGUAGE")
GRADE = re.compile(r"\b\d+(\.\d)?/10\b")


def texts(call: SlackCall) -> str:
    parts = [str(call.args.get("text") or "")]
    for block in call.args.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text", ""))
    return "\n".join(parts)


def in_thread(ts: str) -> Callable[[SlackCall], bool]:
    return lambda c: c.args.get("channel") == CHANNEL and c.args.get("thread_ts") == ts


def top_level(call: SlackCall) -> bool:
    return call.args.get("channel") == CHANNEL and "thread_ts" not in call.args


class Session:
    """One learner practising against a running bot through signed Slack requests."""

    def __init__(self, http: aiohttp.ClientSession, slack: FakeSlack, base: str) -> None:
        self.http, self.slack, self.base = http, slack, base
        self.bank = load_bank(Settings(_env_file=None).bank_dir)
        self._events = 0

    async def practise(self) -> str:
        """`/interview next`, a good answer in the question's thread; the grade's text."""
        seen = len([c for c in self.slack.calls("chat.postMessage") if top_level(c)])
        fields = slash_command("/interview", "next", user_id=USER, channel_id=CHANNEL)
        acked = await post_signed(
            self.http, self.base + "/slack/events", signed_slash_command(SECRET, fields)
        )
        assert acked.status == 200
        posts = await self.slack.wait_for_calls(
            "chat.postMessage", seen + 1, top_level, timeout=WAIT
        )
        question = self._question(posts[-1])
        ts = posts[-1].response["ts"]
        self._events += 1
        event = message_event(
            " ".join(question.key_points), user=USER, channel=CHANNEL, thread_ts=ts
        )
        event["parent_user_id"] = BOT_USER_ID
        body = event_callback(event, event_id=f"Ev0RESIL{self._events}")
        sent = await post_signed(self.http, self.base + "/slack/events", signed_event(SECRET, body))
        assert sent.status == 200
        (grade,) = await self.slack.wait_for_calls(
            "chat.postMessage", 1, in_thread(ts), timeout=WAIT
        )
        return texts(grade)

    async def readiness(self) -> tuple[int, dict]:
        async with self.http.get(self.base + "/readyz") as response:
            return response.status, await response.json()

    def _question(self, post: SlackCall) -> Question:
        shown = texts(post)
        return next(q for q in self.bank if escape(q.question) in shown)


def bot_env(tmp_path: Path, model_dir: Path, **values: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES) and k not in ENV_NAMES
    }
    env.update(DATA_DIR=str(tmp_path / "data"), EMBEDDING_MODEL_DIR=str(model_dir), **values)
    return env


async def wait_healthy(http: aiohttp.ClientSession, base: str, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"interview-bot run exited with {process.returncode}")
        try:
            async with http.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("interview-bot run did not answer /healthz within 60 s")


def run_command() -> list[str]:
    script = shutil.which("interview-bot", path=str(Path(sys.executable).parent))
    return [script, "run"] if script else [sys.executable, "-m", "bot", "run"]


def stored_attempts(data_dir: Path) -> tuple[int, int]:
    """(answers stored, answers graded) in the bot's SQLite file."""
    with sqlite3.connect(data_dir / "interview-bot.db") as db:
        total, graded = db.execute(
            "SELECT count(*), coalesce(sum(status = 'graded'), 0) FROM attempts"
        ).fetchone()
    return int(total), int(graded)


async def run_bot(
    tmp_path: Path,
    model_dir: Path,
    redis_url: str,
    during: Callable[[Session], object],
) -> str:
    """`interview-bot run` with REDIS_URL; `during(session)` drives it. Returns its log."""
    async with (
        FakeSlack(bot_token=BOT_TOKEN, app_token=None, wait_timeout=WAIT) as slack,
        ScriptedLLM(responder=grader_responders.honest) as llm,
    ):
        port = free_port()
        env = bot_env(
            tmp_path,
            model_dir,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
            OPENAI_BASE_URL=llm.base_url,
            LLM_MODEL="scripted",
            REDIS_URL=redis_url,
            PORT=str(port),
        )
        log_path = tmp_path / "run.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *run_command(), cwd=tmp_path, env=env, stdout=log, stderr=log
            )
            base = f"http://127.0.0.1:{port}"
            try:
                async with aiohttp.ClientSession() as http:
                    await wait_healthy(http, base, process)
                    await during(Session(http, slack, base))
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), 60)
        output = log_path.read_text(errors="replace")
        assert code == 0, output
        return output


async def test_run_with_redis_stopped_grades_and_stores_every_answer(
    tmp_path: Path, model_dir: Path
) -> None:
    grades: list[str] = []
    readiness: list[tuple[int, dict]] = []

    async def practise(session: Session) -> None:
        for _ in range(3):
            grades.append(await session.practise())
        readiness.append(await session.readiness())

    stopped = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    output = await run_bot(tmp_path, model_dir, stopped, practise)
    assert all(GRADE.search(g) for g in grades), grades
    assert stored_attempts(tmp_path / "data") == (3, 3)
    ((status, ready),) = readiness
    assert status == 200 and ready["ready"] and ready["redis"].startswith("degraded")
    assert output.count("Redis is unreachable") == 1, output


async def test_run_with_redis_cut_mid_run_grades_and_stores_every_answer(
    tmp_path: Path, model_dir: Path
) -> None:
    redis = RedisProcess(tmp_path / "redis")
    redis.start()
    grades: list[str] = []
    readiness: list[tuple[int, dict]] = []

    async def practise(session: Session) -> None:
        grades.append(await session.practise())
        readiness.append(await session.readiness())
        redis.kill()
        for _ in range(2):
            grades.append(await session.practise())
        readiness.append(await session.readiness())

    try:
        output = await run_bot(tmp_path, model_dir, redis.url, practise)
    finally:
        redis.kill()
    assert len(grades) == 3 and all(GRADE.search(g) for g in grades), grades
    assert stored_attempts(tmp_path / "data") == (3, 3)
    (before, _), (after, ready) = readiness
    assert before == 200 and readiness[0][1]["redis"] == "ok"
    assert after == 200 and ready["ready"] and ready["redis"].startswith("degraded")
    assert output.count("Redis is unreachable") == 1, output


async def test_a_grade_made_while_resuming_after_a_crash_is_announced(
    tmp_path: Path, model_dir: Path, embedder, ingested_chroma: Path
) -> None:
    """kill -9 after an answer was stored, then a restart while the LLM is down: the answer is
    graded (offline, provisional) at start, and the user hears about it in the question's
    thread, although the Slack adapter registers where to post only after that grading."""
    data_dir = tmp_path / "data"
    tenant = f"slack:{TEAM_ID}"
    thread = "1700000000.000100"
    shutil.copytree(ingested_chroma, data_dir / "chroma")
    before = App(
        Settings(_env_file=None, data_dir=data_dir, embedding_model_dir=model_dir),
        embedder=embedder,
    )
    await before.prepare_storage()
    place = {"user": USER, "tenant": tenant, "channel": CHANNEL, "is_dm": False}
    (asked,) = await before.engine.handle(Incoming(text="next", command=True, **place))
    assert asked.served_id is not None
    await before.engine.attach_thread(asked.served_id, thread)
    served = await before.repository.served(asked.served_id)
    assert served is not None
    question = next(q for q in before.bank.questions(tenant) if q.id == served.question_id)
    # What the engine stores before grading; the process dies before the grade is saved.
    await before.repository.close_served(served.id, "answered")
    await before.repository.add_attempt(
        served_id=served.id,
        tenant_id=tenant,
        user_id=served.user_id,
        question_id=served.question_id,
        answer=" ".join(question.key_points),
        language="en",
        created_at=naive_utc(before.engine.clock.now()),
    )
    await before.aclose()

    async with FakeSlack(bot_token=BOT_TOKEN, app_token=None, wait_timeout=WAIT) as slack:
        settings = Settings(
            _env_file=None,
            data_dir=data_dir,
            embedding_model_dir=model_dir,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
            openai_base_url=f"http://127.0.0.1:{free_port()}/v1",  # the LLM is down
            llm_max_attempts=1,
            llm_retry_max_wait=0,
            port=free_port(),
        )
        app = App(settings, embedder=embedder)
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve(app, [SlackAdapter(app.engine, app.settings, app.database)], stop)
        )
        try:
            calls = await slack.wait_for_calls(
                "chat.postMessage", 1, in_thread(thread), timeout=WAIT
            )
        finally:
            stop.set()
            await asyncio.wait_for(server, 20)
    announced = texts(calls[0])
    assert "Your answer was graded" in announced and GRADE.search(announced)
    with sqlite3.connect(data_dir / "interview-bot.db") as db:
        (provisional,) = db.execute("SELECT provisional FROM attempts").fetchone()
    assert provisional == 1


@pytest.fixture(autouse=True)
def _no_bot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment: keep a developer's bot settings out of in-process apps."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES) or name in ENV_NAMES:
            monkeypatch.delenv(name)
