"""Load: simulated Slack users against a real `interview-bot run` in Slack HTTP mode.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/load.py
     [--users 500] [--seconds 60] [--channels 5] [--ramp 5] [--drain 120] [--keep]
     (quick: --users 50 --seconds 15)

The bot is a subprocess; a FakeSlack and a scripted LLM (mode "slow": the honest grader's verdict
after 1 s) run in this process. Each user loops until time is up: signed `/interview next` -> the
question's `chat.postMessage` -> a signed thread reply made of its key points -> the graded reply
in that thread. Answers in flight when time is up are still waited for. Printed: ack latency of
every signed request, answers sent versus graded replies per thread, the bot's RSS over the run
and throughput, each beside its goal.

- ANSWERS_PER_MINUTE is raised to 100000 in the bot's environment: users here answer every
  second or two, past the default limit of 10 a minute per user.
- Each answer ends with a numbered sentence of its own, so the verdict cache can't skip the LLM.
- A question post doesn't say whose it is. Its owner is read from the bot's SQLite database by
  the post's `answer:<served id>` button (read-only; the database is in WAL mode).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.adapters.slack.escape import escape
from bot.bank.loader import load_bank
from bot.bank.models import Question
from bot.config import Settings
from tests.fakes.grader_responders import honest
from tests.fakes.openai_server import ScriptedLLM
from tests.fakes.slack_api import BOT_USER_ID, FakeSlack
from tests.fakes.slack_signing import (
    SignedRequest,
    event_callback,
    message_event,
    post_signed,
    signed_event,
    signed_slash_command,
    slash_command,
)

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
COMMAND = "/interview"
EVENTS = "/slack/events"
ANSWERS_PER_MINUTE = "100000"
LLM_SECONDS = 1.0
STEP_TIMEOUT = 60.0  # the longest a user waits for a question or a grade
SETTLE_SECONDS = 3.0  # after the last grade: late duplicates would show up here
SLOW_ACK = 1.0  # acks slower than this are listed by when they happened
SAMPLE_SECONDS = 2.0
ACK_GOAL = 3.0
FLAT_SHARE = 0.10  # RSS is "flat" if it grows less than this after the first third of the run
SCORE = re.compile(r"Score: \d+(?:\.\d)?/10")
SERVED = re.compile(r"answer:(\d+)")
OWNER_QUERY = (
    "SELECT u.external_id FROM served_questions s JOIN users u ON u.id = s.user_id WHERE s.id = ?"
)
ENV_PREFIXES = ("SLACK_", "DISCORD_", "OPENAI_", "LLM_", "CHROMA_")
ENV_NAMES = (
    "REDIS_URL",
    "DATABASE_URL",
    "DATA_DIR",
    "PORT",
    "DEFAULT_LANGUAGE",
    "ANSWERS_PER_MINUTE",
)


# --------------------------------------------------------------------------- the bot process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_command() -> list[str]:
    script = shutil.which("interview-bot", path=str(Path(sys.executable).parent))
    return [script, "run"] if script else [sys.executable, "-m", "bot", "run"]


def bot_env(data_dir: Path, port: int, **settings: str) -> dict[str, str]:
    """This environment without any bot settings of the developer's, plus `settings`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES) and k not in ENV_NAMES
    }
    env.update(DATA_DIR=str(data_dir), PORT=str(port), **settings)
    return env


def rss_mb(pid: int) -> float | None:
    """VmRSS of `pid` in MB, or None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Bot:
    """`interview-bot run` as a subprocess; its output goes to `log_path`."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / "run.log"
        self.base_url = f"http://127.0.0.1:{env['PORT']}"
        self.process: asyncio.subprocess.Process | None = None
        self.spawned = 0.0
        self.spawned_at = 0.0  # wall clock, to place log lines
        self.listening: float | None = None  # seconds from spawn to the first HTTP answer
        self.last_readyz = "-"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.spawned, self.spawned_at = time.perf_counter(), time.time()
            self.process = await asyncio.create_subprocess_exec(
                *run_command(), cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )

    async def wait_ready(
        self,
        http: aiohttp.ClientSession,
        timeout: float = 120.0,  # noqa: ASYNC109
        interval: float = 0.02,
    ) -> float:
        """Poll `/readyz` until 200; seconds from spawn. Raises if the bot exits or stalls."""
        assert self.process is not None
        deadline = self.spawned + timeout
        while time.perf_counter() < deadline:
            if self.process.returncode is not None:
                raise RuntimeError(
                    f"interview-bot run exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            probe = aiohttp.ClientTimeout(total=5)
            with contextlib.suppress(aiohttp.ClientConnectionError, TimeoutError):
                async with http.get(self.base_url + "/readyz", timeout=probe) as response:
                    if self.listening is None:
                        self.listening = time.perf_counter() - self.spawned
                    if response.status == 200:
                        return time.perf_counter() - self.spawned
                    self.last_readyz = await response.text()
            await asyncio.sleep(interval)
        raise RuntimeError(
            f"/readyz not 200 within {timeout:.0f} s (last: {self.last_readyz}):\n{self.log_tail()}"
        )

    async def stop(self, timeout: float = 30.0) -> tuple[int | None, float]:  # noqa: ASYNC109
        """SIGTERM, then wait; the exit code (None if it had to be killed) and seconds taken."""
        if self.process is None:
            return None, 0.0
        began = time.perf_counter()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            code = None
        return code, time.perf_counter() - began

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_times(self, *messages: str) -> dict[str, float]:
        """Seconds from spawn to the first log line starting with each of `messages`."""
        found: dict[str, float] = {}
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        for line in text.splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                entry = json.loads(line)
                for message in messages:
                    if message not in found and str(entry["message"]).startswith(message):
                        at = datetime.fromisoformat(entry["time"]).timestamp()
                        found[message] = at - self.spawned_at
        return found

    def log_levels(self) -> tuple[Counter[str], Counter[str]]:
        """Log lines per level, and the commonest warning/error messages."""
        levels: Counter[str] = Counter()
        problems: Counter[str] = Counter()
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                levels["not json"] += 1
                problems[f"not json: {line[:90]}"] += 1
                continue
            level = str(entry.get("level", "?"))
            levels[level] += 1
            if level in ("warning", "error", "critical"):
                problems[f"{level}: {str(entry.get('message', ''))[:90]}"] += 1
        return levels, problems


# --------------------------------------------------------------------------- figures


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def texts(args: dict[str, Any]) -> str:
    """A post's text and the text of its blocks."""
    parts = [str(args.get("text") or "")]
    for block in args.get("blocks") or []:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
    return "\n".join(parts)


def served_id(args: dict[str, Any]) -> int | None:
    for block in args.get("blocks") or []:
        for element in block.get("elements", []) if isinstance(block, dict) else []:
            match = SERVED.fullmatch(str(element.get("action_id", "")))
            if match:
                return int(match.group(1))
    return None


# --------------------------------------------------------------------------- routing posts


class Owners:
    """Whose a served question is, from the bot's SQLite database (read-only, one thread)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="owners")
        self._db: sqlite3.Connection | None = None

    def _lookup(self, served: int) -> str | None:
        if self._db is None:
            self._db = sqlite3.connect(
                f"file:{self._path}?mode=ro", uri=True, check_same_thread=False, timeout=5
            )
        row = self._db.execute(OWNER_QUERY, (served,)).fetchone()
        return str(row[0]) if row else None

    async def of(self, served: int) -> str | None:
        loop = asyncio.get_running_loop()
        for _ in range(40):
            owner = await loop.run_in_executor(self._pool, self._lookup, served)
            if owner is not None:
                return owner
            await asyncio.sleep(0.05)
        return None

    def close(self) -> None:
        def close_db() -> None:
            if self._db is not None:
                self._db.close()

        self._pool.submit(close_db)
        self._pool.shutdown(wait=True)


@dataclass
class Post:
    ts: str
    channel: str
    text: str


@dataclass
class Thread:
    """A question's thread after its answer was sent: what the bot posted in it."""

    user: str
    reply: asyncio.Future[str]
    answered: float
    graded: list[float] = field(default_factory=list)  # perf_counter of each graded reply
    provisional: int = 0
    regraded: int = 0
    other: list[str] = field(default_factory=list)


class Router:
    """Hands what the bot posts on FakeSlack to the simulated user waiting for it."""

    def __init__(self, slack: FakeSlack, owners: Owners) -> None:
        self.questions: dict[str, asyncio.Future[Post | str]] = {}  # user -> their next question
        self.threads: dict[str, Thread] = {}  # question ts -> thread
        self.unrouted: Counter[str] = Counter()
        self.samples: dict[str, str] = {}
        self._owners = owners
        self._tasks: set[asyncio.Task[None]] = set()
        post, ephemeral = slack._chat_post_message, slack._chat_post_ephemeral
        slack.on("chat.postMessage", lambda args: self._on_post(args, post(args)))
        slack.on("chat.postEphemeral", lambda args: self._on_ephemeral(args, ephemeral(args)))

    def _note(self, kind: str, text: str) -> None:
        self.unrouted[kind] += 1
        self.samples.setdefault(kind, text[:100].replace("\n", " "))

    def _on_post(self, args: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        if not response.get("ok"):
            self._note("refused post", str(response.get("error")))
        elif args.get("thread_ts"):
            self._thread_reply(str(args["thread_ts"]), texts(args))
        else:
            post = Post(str(response["ts"]), str(response["channel"]), texts(args))
            task = asyncio.get_running_loop().create_task(self._question(post, served_id(args)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return response

    def _on_ephemeral(self, args: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        waiter = self.questions.pop(str(args.get("user")), None)
        if waiter is not None and not waiter.done():
            waiter.set_result("ephemeral: " + texts(args)[:80])
        else:
            self._note("ephemeral nobody waits for", texts(args))
        return response

    async def _question(self, post: Post, served: int | None) -> None:
        if served is None:
            self._note("top-level post without a question", post.text)
            return
        owner = await self._owners.of(served)
        waiter = self.questions.pop(owner, None) if owner else None
        if waiter is None or waiter.done():
            self._note("question nobody waits for", post.text)
            return
        waiter.set_result(post)

    def _thread_reply(self, ts: str, text: str) -> None:
        thread = self.threads.get(ts)
        if thread is None:
            self._note("reply in a thread not answered", text)
            return
        if SCORE.search(text):
            thread.graded.append(time.perf_counter())
            thread.provisional += "provisional" in text
            kind = "graded"
        elif "re-graded" in text:
            thread.regraded += 1
            kind = "re-graded"
        else:
            thread.other.append(text[:100].replace("\n", " "))
            kind = "other"
        if not thread.reply.done():
            thread.reply.set_result(kind)


# --------------------------------------------------------------------------- the users


@dataclass
class Tally:
    acks: dict[str, list[float]] = field(default_factory=lambda: {"slash": [], "answer": []})
    sent_at: list[float] = field(default_factory=list)
    slow: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency)
    statuses: Counter[str] = field(default_factory=Counter)
    asked: int = 0
    questions: int = 0
    no_question: Counter[str] = field(default_factory=Counter)
    unknown_question: int = 0
    answers: int = 0
    not_graded_in_time: int = 0


class Load:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        url: str,
        slack: FakeSlack,
        router: Router,
        bank: dict[str, Question],
    ) -> None:
        self.http, self.url, self.slack, self.router, self.bank = http, url, slack, router, bank
        self.tally = Tally()

    async def send(self, kind: str, request: SignedRequest) -> bool:
        """POST a signed request; its HTTP response time is the ack latency."""
        started = time.perf_counter()
        try:
            reply = await post_signed(self.http, self.url, request)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.tally.statuses[type(exc).__name__] += 1
            return False
        latency = time.perf_counter() - started
        self.tally.acks[kind].append(latency)
        self.tally.sent_at.append(started)
        if latency > SLOW_ACK:
            self.tally.slow.append((started, latency))
        if reply.status != 200:
            self.tally.statuses[f"HTTP {reply.status}"] += 1
        return reply.status == 200

    def question_in(self, text: str) -> Question | None:
        return next((q for shown, q in self.bank.items() if shown in text), None)

    async def user(self, user: str, channel: str, start: float, deadline: float) -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        loop = asyncio.get_running_loop()
        rounds = 0
        while time.perf_counter() < deadline:
            waiter: asyncio.Future[Post | str] = loop.create_future()
            self.router.questions[user] = waiter
            fields = slash_command(
                COMMAND,
                "next",
                user_id=user,
                channel_id=channel,
                response_url=self.slack.new_response_url(),
            )
            self.tally.asked += 1
            if not await self.send("slash", signed_slash_command(SECRET, fields)):
                self.router.questions.pop(user, None)
                await asyncio.sleep(1)
                continue
            try:
                posted = await asyncio.wait_for(waiter, STEP_TIMEOUT)
            except TimeoutError:
                self.router.questions.pop(user, None)
                self.tally.no_question["none within the step timeout"] += 1
                continue
            if isinstance(posted, str):
                self.tally.no_question[posted] += 1
                await asyncio.sleep(1)
                continue
            self.tally.questions += 1
            question = self.question_in(posted.text)
            if question is None:
                self.tally.unknown_question += 1
                continue
            if time.perf_counter() >= deadline:
                break
            rounds += 1
            answer = " ".join(question.key_points) + f" That is answer {rounds} from {user}."
            thread = Thread(user, loop.create_future(), time.perf_counter())
            self.router.threads[posted.ts] = thread
            event = message_event(answer, user=user, channel=channel, thread_ts=posted.ts)
            event["parent_user_id"] = BOT_USER_ID
            self.tally.answers += 1
            if not await self.send("answer", signed_event(SECRET, event_callback(event))):
                continue
            try:
                await asyncio.wait_for(asyncio.shield(thread.reply), STEP_TIMEOUT)
            except TimeoutError:
                self.tally.not_graded_in_time += 1


# --------------------------------------------------------------------------- the run


@dataclass
class Samples:
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds since ready, MB)
    lag: list[float] = field(default_factory=list)


async def sample(bot: Bot, slack: FakeSlack, llm: ScriptedLLM, ready: float, into: Samples) -> None:
    """RSS every few seconds; also trims what the fakes record, so this process stays small."""
    while True:
        rss = rss_mb(bot.pid)
        if rss is not None:
            into.rss.append((time.perf_counter() - ready, rss))
        slack.calls_log.clear()
        slack.messages.clear()
        llm.requests.clear()
        llm.served.clear()
        await asyncio.sleep(SAMPLE_SECONDS)


async def watch_lag(into: Samples, tick: float = 0.1) -> None:
    """How late this process's event loop wakes up (inflates measured latencies if large)."""
    while True:
        began = time.perf_counter()
        await asyncio.sleep(tick)
        into.lag.append(time.perf_counter() - began - tick)


async def scrape_metrics(http: aiohttp.ClientSession, base_url: str) -> dict[str, float]:
    values: dict[str, float] = {}
    with contextlib.suppress(aiohttp.ClientError):
        async with http.get(base_url + "/metrics") as response:
            for line in (await response.text()).splitlines():
                if line.startswith("interview_bot_") and " " in line:
                    name, _, value = line.rpartition(" ")
                    with contextlib.suppress(ValueError):
                        values[name] = float(value)
    return values


def spawn(coroutine: Coroutine[Any, Any, None], into: list[asyncio.Task[None]]) -> None:
    into.append(asyncio.create_task(coroutine))


async def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    data_dir = workdir / "data"
    bank = {escape(q.question): q for q in load_bank(Settings(_env_file=None).bank_dir)}
    load_before = os.getloadavg()
    async with (
        FakeSlack(bot_token=BOT_TOKEN, app_token=None) as slack,
        ScriptedLLM(mode="slow", responder=honest, slow_seconds=LLM_SECONDS) as llm,
    ):
        env = bot_env(
            data_dir,
            free_port(),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
            OPENAI_BASE_URL=llm.base_url,
            OPENAI_API_KEY="bench",
            ANSWERS_PER_MINUTE=ANSWERS_PER_MINUTE,
        )
        bot = Bot(env, workdir)
        owners = Owners(data_dir / "interview-bot.db")
        router = Router(slack, owners)
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=STEP_TIMEOUT)
        background: list[asyncio.Task[None]] = []
        samples = Samples()
        try:
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
                await bot.start()
                ready_seconds = await bot.wait_ready(http)
                ready = time.perf_counter()
                rss_ready = rss_mb(bot.pid) or 0.0
                cpu_before = cpu_seconds(bot.pid)
                own_before = resource.getrusage(resource.RUSAGE_SELF)
                spawn(sample(bot, slack, llm, ready, samples), background)
                spawn(watch_lag(samples), background)

                load = Load(http, bot.base_url + EVENTS, slack, router, bank)
                began = time.perf_counter()
                deadline = began + args.seconds
                users = [
                    load.user(
                        f"U0LOAD{i:05d}",
                        f"C0LOAD{i % args.channels:02d}",
                        began + args.ramp * i / args.users,
                        deadline,
                    )
                    for i in range(args.users)
                ]
                await asyncio.gather(*users)
                done = time.perf_counter()
                waiting = [t.reply for t in router.threads.values() if not t.reply.done()]
                if waiting:  # answers whose users gave up waiting: graded late, or lost?
                    await asyncio.wait(waiting, timeout=args.drain)
                drained = time.perf_counter()
                await asyncio.sleep(SETTLE_SECONDS)
                rss_end = rss_mb(bot.pid) or 0.0
                cpu_used = cpu_seconds(bot.pid) - cpu_before
                own_after = resource.getrusage(resource.RUSAGE_SELF)
                metrics = await scrape_metrics(http, bot.base_url)
                for task in background:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)
                code, shutdown = await bot.stop()
        except BaseException:
            print(f"the run failed; the bot's data and log are kept in {workdir}", file=sys.stderr)
            raise
        finally:
            for task in background:
                task.cancel()
            await bot.stop()
            owners.close()

    own_cpu = (own_after.ru_utime + own_after.ru_stime) - (
        own_before.ru_utime + own_before.ru_stime
    )
    report(
        args,
        load.tally,
        router,
        samples,
        bot,
        ready_seconds=ready_seconds,
        rss_ready=rss_ready,
        rss_end=rss_end,
        began=began,
        deadline=deadline,
        done=done,
        drained=drained,
        ready=ready,
        bot_cpu=cpu_used,
        own_cpu=own_cpu,
        llm_calls=sum(llm.counts.values()),
        metrics=metrics,
        shutdown=(code, shutdown),
        loads=(load_before, os.getloadavg()),
    )
    if args.keep:
        print(f"kept: {workdir} (the bot's data and run.log)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def report(
    args: argparse.Namespace,
    tally: Tally,
    router: Router,
    samples: Samples,
    bot: Bot,
    *,
    ready_seconds: float,
    rss_ready: float,
    rss_end: float,
    began: float,
    deadline: float,
    done: float,
    drained: float,
    ready: float,
    bot_cpu: float,
    own_cpu: float,
    llm_calls: int,
    metrics: dict[str, float],
    shutdown: tuple[int | None, float],
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> None:
    print(
        f"load: {args.users} users in {args.channels} channels for {args.seconds:g} s "
        f"(start-up spread over {args.ramp:g} s); scripted LLM {LLM_SECONDS:g} s per grade "
        f"(honest); ANSWERS_PER_MINUTE={ANSWERS_PER_MINUTE} in the bot's environment"
    )
    print(
        f"machine: {os.cpu_count()} CPUs; load average (1 min) {loads[0][0]:.1f} before, "
        f"{loads[1][0]:.1f} after"
    )
    print(f"bot ready (/readyz 200) {ready_seconds:.2f} s after spawn")

    acks = tally.acks["slash"] + tally.acks["answer"]
    p99 = pct(acks, 0.99)
    print(
        f"ack latency, every signed request (n={len(acks)}): p50 {pct(acks, 0.5):.3f} s  "
        f"p99 {p99:.3f} s  max {max(acks, default=float('nan')):.3f} s   "
        f"goal p99 < {ACK_GOAL:g} s: {verdict(p99 < ACK_GOAL and not tally.statuses)}"
    )
    for kind, name in (("slash", "/interview next"), ("answer", "thread answers")):
        values = tally.acks[kind]
        print(
            f"  {name}: n={len(values)}  p50 {pct(values, 0.5):.3f} s  "
            f"p99 {pct(values, 0.99):.3f} s"
        )
    if tally.statuses:
        print(f"  failed requests: {dict(tally.statuses)}")
    if tally.slow:
        first, last = min(at for at, _ in tally.slow), max(at for at, _ in tally.slow)
        print(
            f"  {len(tally.slow)} acks over {SLOW_ACK:g} s, sent between +{first - began:.1f} s "
            f"and +{last - began:.1f} s into the run"
        )

    threads = list(router.threads.values())
    once = sum(len(t.graded) == 1 for t in threads)
    missing = [t for t in threads if not t.graded]
    doubled = [t for t in threads if len(t.graded) > 1]
    lost = len(missing) + len(doubled)
    print(
        f"answers sent {tally.answers}; graded replies {sum(len(t.graded) for t in threads)}: "
        f"graded exactly once {once}, missing {len(missing)}, duplicated {len(doubled)}   "
        f"goal nothing lost: {verdict(lost == 0 and tally.answers > 0)}"
    )
    print(
        f"  provisional (offline) grades {sum(t.provisional for t in threads)}; re-grade "
        f"announcements {sum(t.regraded for t in threads)}; other replies in answered threads "
        f"{sum(len(t.other) for t in threads)}"
    )
    others = Counter(text[:70] for t in threads for text in t.other)
    for text, count in others.most_common(3):
        print(f"    {count} x {text!r}")
    print(
        f"  questions: asked {tally.asked}, posted {tally.questions}, not posted "
        f"{sum(tally.no_question.values())} {dict(tally.no_question) or ''}; not found in "
        f"the bank {tally.unknown_question}; answers without a reply within "
        f"{STEP_TIMEOUT:g} s {tally.not_graded_in_time} (then waited {drained - done:.1f} s "
        f"more for them, at most {args.drain:g} s)"
    )
    if router.unrouted:
        print(f"  posts not routed to a user: {dict(router.unrouted)}")
        for kind, text in router.samples.items():
            print(f"    {kind}: {text!r}")
    waits = [t.graded[0] - t.answered for t in threads if t.graded]
    print(
        f"answer sent -> graded reply: p50 {pct(waits, 0.5):.2f} s  p99 {pct(waits, 0.99):.2f} s"
        f"  max {max(waits, default=float('nan')):.2f} s"
    )

    rss = [mb for _, mb in samples.rss]
    third = next((mb for at, mb in samples.rss if at >= (done - ready) / 3), rss_ready)
    flat = rss_end <= third * (1 + FLAT_SHARE)
    print(
        f"bot RSS: start {rss_ready:.0f} MB (after ready), end {rss_end:.0f} MB; "
        f"min {min(rss, default=rss_ready):.0f}, max {max(rss, default=rss_end):.0f} MB over "
        f"{len(rss)} samples every {SAMPLE_SECONDS:g} s; {third:.0f} MB at a third of the run   "
        f"goal flat (< +{FLAT_SHARE:.0%} after the first third): {verdict(flat)}"
    )
    step = max(1, len(samples.rss) // 10)
    print(
        "  timeline: "
        + ", ".join(f"{at:.0f}s {mb:.0f}" for at, mb in samples.rss[::step])
        + f", end {rss_end:.0f}"
    )

    window = deadline - began
    graded_in_window = sum(1 for t in threads for at in t.graded[:1] if began <= at <= deadline)
    requests_in_window = sum(1 for at in tally.sent_at if began <= at <= deadline)
    graded_total = sum(1 for t in threads if t.graded)
    print(
        f"throughput in the {window:.0f} s window: {graded_in_window / window:.1f} graded "
        f"answers/s, {requests_in_window / window:.1f} signed requests/s "
        f"(all: {graded_total} graded, {len(acks)} requests; the last user finished "
        f"{done - deadline:.1f} s after time was up)"
    )
    last = max((t.graded[0] for t in threads if t.graded), default=began)
    if last > deadline:
        print(
            f"  including late grades: {graded_total / (last - began):.1f} graded answers/s "
            f"from the start to the last grade (+{last - began:.0f} s)"
        )
    measured = drained - began + SETTLE_SECONDS
    per_answer = bot_cpu / max(graded_total, 1) * 1000
    print(
        f"CPU: bot {bot_cpu / measured:.0%} of one core, {per_answer:.0f} ms per graded answer"
        f" (its question included); this process (users + fakes) "
        f"{own_cpu / measured:.0%}; this process's event-loop lag p99 "
        f"{pct(samples.lag, 0.99) * 1000:.0f} ms, max {max(samples.lag, default=0) * 1000:.0f} ms"
    )
    exact_hits = metrics.get('interview_bot_cache_hits_total{kind="exact"}', 0)
    grades = {
        name.split('"')[
            1
        ]: f"{value:g} in {metrics.get(name.replace('_count', '_sum'), 0) / value:.2f} s avg"
        for name, value in metrics.items()
        if name.startswith("interview_bot_grading_seconds_count") and value
    }
    print(
        f"LLM: {llm_calls} requests reached the scripted LLM; bot metrics: grades by grader "
        f"{grades}, LLM errors {metrics.get('interview_bot_llm_errors_total', 0):g}, retries "
        f"{metrics.get('interview_bot_llm_retries_total', 0):g}, cache hits "
        f"{exact_hits:g}"
    )
    code, seconds = shutdown
    levels, problems = bot.log_levels()
    print(f"shutdown: SIGTERM -> exit {code} in {seconds:.1f} s; bot log lines {dict(levels)}")
    for text, count in problems.most_common(5):
        print(f"  {count} x {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which users start")
    parser.add_argument(
        "--drain", type=float, default=120.0, help="most seconds to wait for late grades at the end"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bot's data folder and log")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
