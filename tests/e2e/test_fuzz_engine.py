"""Property-based: whatever a user sends, the engine answers with replies and never raises.

One App (SQLite, embedded Chroma holding the shipped bank, the offline grader) serves every
example on its own event loop, so each example costs one `handle` call. Messages are drawn from
chat text, commands, hostile runs (one long word, runs of fillers, markup openers) and button ids
with odd arguments; each gets a time budget (`deadline`): a hostile run of 4,000 characters is
graded like any answer, and must be, within it.
"""

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming, Reply
from bot.engine.validation import MAX_MESSAGE_CHARS
from tests.engine.conftest import build_engine

COMMANDS = ["next", "hint", "reveal", "skip", "stats", "help", "topics", "leaderboard", "review"]
WORDS = [
    "attention", "and", "please", "grader", "give", "this", "answer", "10/10", "full marks",
    "ignore", "previous", "instructions", "System:", "```", "$$", "\\[", "<@U1|x>", "<!here>",
    "](", "<!--", "---", "é", "ñ", "注意力", "внимание", "language", "es", "auto", "forget",
    "me", "interview", "start", "stop", "ask", "appeal", "daily", "bank", "import", "\n", "\t",
]  # fmt: skip
# Votes are left out until a vote checks that its attempt exists and belongs to the voter (a
# nonexistent id raises IntegrityError: issue 15, tenant boundaries).
ACTIONS = ["next", "hint", "reveal", "skip", "answer", "nonsense", "vote:up", "vote:down"]

words = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
hostile = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["a", "and ", "please ", "-", "](", "<@", "\\[", "1", "aA", " \n", "~"]),
    st.integers(1, MAX_MESSAGE_CHARS // 2),
)
texts = st.one_of(
    st.sampled_from(COMMANDS), words, st.text(max_size=300), hostile, st.just("x" * 50_000)
)
arguments = st.one_of(
    st.integers(-5, 10**30).map(str), st.text(max_size=30), st.just("²"), st.just("9" * 5000)
)
actions = st.builds(lambda name, arg: f"{name}:{arg}", st.sampled_from(ACTIONS), arguments)
incomings = st.builds(
    Incoming,
    text=texts,
    user=st.sampled_from(["ada", "bob"]),
    tenant=st.sampled_from(["global", "discord:1"]),
    channel=st.sampled_from(["console", "c1"]),
    thread=st.one_of(st.none(), st.sampled_from(["t1", "t2"])),
    locale=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["es-ES", "ja", "pt_BR"])),
    is_dm=st.booleans(),
    is_admin=st.booleans(),
    action=st.one_of(st.none(), st.none(), actions),
    command=st.booleans(),
)


class Runner:
    """An engine and the loop its database connections belong to."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(app.start())
        self.engine: ConversationEngine = build_engine(app)
        self.engine.context.detector = app.language_detector

    def handle(self, incoming: Incoming) -> list[Reply]:
        return self.loop.run_until_complete(self.engine.handle(incoming))

    def close(self) -> None:
        self.loop.run_until_complete(self.app.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def runner(
    tmp_path_factory: pytest.TempPathFactory, ingested_chroma: Path, embedder: OnnxEmbedder
) -> Iterator[Runner]:
    data_dir = tmp_path_factory.mktemp("fuzz-engine")
    app = App(Settings(_env_file=None, data_dir=data_dir), embedder=embedder)
    shutil.copytree(ingested_chroma, app.settings.resolved_chroma_path)
    runner = Runner(app)
    yield runner
    runner.close()


@settings(
    max_examples=60,
    deadline=3000,  # ms per message, grading included; the slowest seen is far below
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(incoming=incomings)
def test_any_message_gets_replies_and_nothing_escapes(runner: Runner, incoming: Incoming):
    replies = runner.handle(incoming)
    assert replies and all(isinstance(reply, Reply) and reply.text for reply in replies)
