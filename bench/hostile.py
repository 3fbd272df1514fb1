"""Hostile input: what one user or one admin file can cost the bot.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/hostile.py

- an alias-bomb YAML bank (56 KB, and a 500-byte "billion laughs"): time to refuse it and the
  peak memory it added (target: refused in under 1 s, under 50 MB);
- a 100 KB Markdown bank on one line: time to import it (target: under 1 s);
- answers of 4k, 40k and 1M characters in several hostile shapes (one word, runs of fillers,
  markup openers, prose), through the engine with the real language detector and the real
  injection guard, the grader itself stubbed (target: under 50 ms each); 4k is at the limit and
  is processed in full, longer ones are refused before anything reads them;
- the scanners on their own, without the engine's cap, at 40k and 1M characters: noise
  stripping for language detection, and the guard at 40k, to show they stay linear.

Timings are medians of a few runs on a shared machine; expect noise of tens of percent.
"""

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bot.app import App
from bot.bank.importer import import_bank
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming
from bot.grading.guard import InjectionGuard
from bot.grading.models import Grade, GradeRequest
from bot.i18n.noise import strip_noise

SIZES = (4_000, 40_000, 1_000_000)
SHAPES: dict[str, Callable[[int], str]] = {
    "one word": lambda n: "x" * n,
    "word.dots": lambda n: "a." * (n // 2),
    "and and": lambda n: "grader " + "and " * ((n - 7) // 4),
    "](](": lambda n: "](" * (n // 2),
    "dashes": lambda n: "-" * n,
    "prose": lambda n: ("La atención pondera cada palabra según su relevancia. " * n)[:n],
}


class GuardedStub:
    """The grader stubbed, the guard real: everything but the model's work on the answer."""

    uses_llm = False

    def __init__(self) -> None:
        self._guard = InjectionGuard()

    async def grade(self, request: GradeRequest, *, appeal=None) -> Grade:
        flagged = self._guard.inspect(request.answer).flagged
        return Grade(
            score=3 if flagged else 7,
            grader="offline",
            covered=list(request.key_points[:1]),
            missing=list(request.key_points[1:]),
            feedback="ok",
        )

    async def regrade(self, request: GradeRequest) -> Grade:
        return await self.grade(request)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def median_ms(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def alias_bomb_56k() -> bytes:
    """Entries whose tags alias a 1 KB text over and over: 56 KB that expand to ~50 MB."""
    lines = ['- &entry {id: bomb, number: 1, topic: t, difficulty: 1, question: q, reference: &t "']
    lines[0] += "lol " * 250 + '", key_points: [k], tags: &tags ['
    lines[0] += ", ".join(["*t"] * 1000) + "]}"
    lines += [f"- {{<<: *entry, id: bomb-{i}, number: {i + 2}, tags: *tags}}" for i in range(1000)]
    return ("\n".join(lines) + "\n").encode()


def billion_laughs() -> bytes:
    lines = ['- {id: laughs, number: 1, topic: t, difficulty: 1, question: q, reference: &a0 "lol"']
    lines[0] += ", key_points: [k], notes: ["
    for level in range(1, 10):
        lines[0] += f"&a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "], "
    return (lines[0].rstrip(", ") + "]}\n").encode()


def bench_bombs() -> None:
    for name, data in (("alias bomb", alias_bomb_56k()), ("billion laughs", billion_laughs())):
        before = peak_rss_mb()
        start = time.perf_counter()
        result = import_bank(data, source="bomb.yaml")
        elapsed = (time.perf_counter() - start) * 1000
        reason = result.errors[0].message if result.errors else "ACCEPTED"
        print(
            f"{name} ({len(data) / 1024:.0f} KB): refused in {elapsed:.1f} ms, "
            f"+{peak_rss_mb() - before:.1f} MB peak RSS ({reason})"
        )


def bench_one_line_bank() -> None:
    line = ("Retrieval grounds the answer in documents, **then** the model writes; " * 1500)[
        :100_000
    ]
    data = f"### 1) What is RAG?\n**Answer:** {line} **Why it matters:**\n".encode()
    elapsed = median_ms(lambda: import_bank(data, source="one-line.md"), runs=3)
    print(f"100 KB one-line Markdown bank: imported in {elapsed:.0f} ms")


async def bench_messages(tmp: str) -> None:
    app = App(Settings(data_dir=Path(tmp)))
    await app.bank.ingest_all()
    await app.start()
    engine = ConversationEngine(
        app.bank,
        app.repository,
        GuardedStub(),
        app.catalog,
        seed=1,
        detector=app.language_detector,
    )
    await engine.handle(Incoming(text="next", user="warm"))
    await engine.handle(Incoming(text="warm-up answer about attention", user="warm"))
    for size in SIZES:
        row = []
        for shape, make in SHAPES.items():
            text = make(size)
            times = []
            for run in range(3):
                user = f"{shape}-{size}-{run}"
                await engine.handle(Incoming(text="next", user=user))
                start = time.perf_counter()
                (reply,) = await engine.handle(Incoming(text=text, user=user))
                times.append((time.perf_counter() - start) * 1000)
            refused = "limit is" in reply.text
            row.append(f"{shape} {statistics.median(times):.1f}{' (refused)' if refused else ''}")
        print(f"answer of {size:>9,} chars, ms: " + "; ".join(row))
    await app.aclose()


def bench_scanners() -> None:
    guard = InjectionGuard()
    for size in (40_000, 1_000_000):
        texts = {shape: make(size) for shape, make in SHAPES.items()}
        worst = max(
            (median_ms(partial(strip_noise, text), runs=3), shape) for shape, text in texts.items()
        )
        print(f"noise stripping, {size:>9,} chars, no cap: worst {worst[0]:.0f} ms ({worst[1]})")
    texts = {shape: make(40_000) for shape, make in SHAPES.items()}
    worst = max(
        (median_ms(partial(guard.inspect, text), runs=1), shape) for shape, text in texts.items()
    )
    print(f"injection guard,     40,000 chars, no cap: worst {worst[0]:.0f} ms ({worst[1]})")


def main() -> None:
    bench_bombs()  # first: the peak RSS it adds is measured against a fresh process
    bench_one_line_bank()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bench_messages(tmp))
    bench_scanners()


if __name__ == "__main__":
    main()
