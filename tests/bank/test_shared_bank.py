"""Imported banks live in the database and the bank is in Chroma whenever the bot runs."""

import io

from rich.console import Console

from bot.app import App
from bot.bank.loader import dump_bank
from bot.bank.models import Question
from bot.bank.progress import IngestProgress
from bot.config import Settings
from bot.terminal import run_console

LEGACY = Question(
    id="legacy-kv-cache",
    number=1,
    topic="serving",
    difficulty=2,
    question="Why does a KV cache speed up autoregressive decoding?",
    reference="It keeps earlier tokens' keys and values, so each step computes only the new one.",
    key_points=[
        "Keys and values of earlier tokens are kept",
        "Each step computes only the new token",
    ],
)


async def test_ask_finds_the_banks_own_question_on_a_fresh_data_folder(app: App):
    stdout = io.StringIO()
    session = io.StringIO("ask What is attention dropout in Transformer models?\n")
    assert await run_console(app, session, stdout) == 0
    assert "From the bank, question #1: What is attention dropout" in stdout.getvalue()
    again = App(app.settings, embedder=app.embedder)
    try:
        reports = await again.bank.ingest_all()  # the next start embeds nothing
    finally:
        await again.aclose()
    assert [report.embedded for report in reports] == [0]
    assert reports[0].unchanged == len(app.bank.questions())


async def test_banks_of_earlier_versions_move_into_the_database_once(settings: Settings, embedder):
    folder = settings.tenant_bank_dir
    folder.mkdir(parents=True)
    (folder / "discord:9.yaml").write_text(dump_bank([LEGACY]), encoding="utf-8")
    (folder / "slack:T1.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    first = App(settings, embedder=embedder)
    try:
        await first.start()
        await first.bank.synced()
        seen = {q.id for q in first.bank.questions("discord:9")}
        hits = await first.bank.search(LEGACY.question, k=1, tenant="discord:9")
    finally:
        await first.aclose()
    assert "legacy-kv-cache" in seen
    assert hits[0].question.id == "legacy-kv-cache"  # indexed too
    assert not (folder / "discord:9.yaml").exists()  # never read again
    assert (folder / "discord:9.yaml.imported").exists()
    assert (folder / "slack:T1.yaml").exists()  # a broken file stays where it is, reported
    (folder / "discord:9.yaml.imported").unlink()
    second = App(settings, embedder=embedder)  # the rows are what counts now
    try:
        await second.bank.ensure_loaded()
        assert "legacy-kv-cache" in {q.id for q in second.bank.questions("discord:9")}
        assert "legacy-kv-cache" not in {q.id for q in second.bank.questions("discord:8")}
    finally:
        await second.aclose()


async def test_a_first_ingest_in_a_terminal_draws_a_progress_bar(app: App):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    try:
        with IngestProgress(console) as progress:
            await app.bank.ingest_all(progress)
    finally:
        await app.aclose()
    total = len(app.bank.questions())
    assert "Indexing the global question bank" in screen.getvalue()
    assert f"{total}/{total}" in screen.getvalue()
