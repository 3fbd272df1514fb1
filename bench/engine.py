"""Engine figures: overhead per turn, concurrent throughput, real grading, memory, start-up.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/engine.py

- overhead: `next` + answer turns with the grader stubbed (storage, routing, rendering only), and
  the database transactions each kind of turn runs (counted by a SQLAlchemy "begin" listener);
- throughput: 200 simulated users answering at once, stubbed grader;
- a real offline grade per answer through the engine;
- RSS after warm-up; process start to the console's first prompt.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from bot.app import App
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming
from bot.grading.models import Grade, GradeRequest


class StubGrader:
    uses_llm = False

    async def grade(self, request: GradeRequest, *, appeal=None) -> Grade:
        return Grade(
            score=7,
            grader="offline",
            covered=list(request.key_points[:2]),
            missing=list(request.key_points[2:]),
            feedback="ok",
        )

    async def regrade(self, request: GradeRequest) -> Grade:
        return await self.grade(request)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


ANSWER = "Attention weights are dropped with probability p and rescaled at training time."


async def turn_pair(engine: ConversationEngine, user: str) -> float:
    start = time.perf_counter()
    replies = await engine.handle(Incoming(text="next", user=user))
    if replies:
        await engine.handle(Incoming(text=ANSWER, user=user))
    return (time.perf_counter() - start) / 2


class Transactions:
    """Counts transactions begun on the database engine."""

    def __init__(self, database) -> None:
        self.count = 0
        event.listen(database.sync_engine, "begin", self._begun)

    def _begun(self, _connection) -> None:
        self.count += 1


async def transactions_per_turn(engine: ConversationEngine, counter: Transactions) -> None:
    next_turns, answer_turns = [], []
    for i in range(20):
        await engine.handle(Incoming(text="help", user=f"tx{i}"))  # a known user from here on
        before = counter.count
        await engine.handle(Incoming(text="next", user=f"tx{i}"))
        next_turns.append(counter.count - before)
        before = counter.count
        await engine.handle(Incoming(text=ANSWER, user=f"tx{i}"))
        answer_turns.append(counter.count - before)
    print(
        f"database transactions per turn: answered turn max {max(answer_turns)} "
        f"(median {statistics.median(answer_turns):g}), `next` turn max {max(next_turns)}"
    )


async def measure(tmp: str) -> None:
    app = App(Settings(data_dir=Path(tmp)))
    await app.bank.ingest_all()
    await app.start()
    stub = app.build_engine(grader=StubGrader(), seed=1, detect_language=False, limit_rate=False)
    for i in range(20):
        await turn_pair(stub, f"warm{i}")
    await transactions_per_turn(stub, Transactions(app.database))
    cpu = time.process_time()
    overhead = [await turn_pair(stub, "solo") * 1000 for _ in range(300)]
    cpu_per_turn = (time.process_time() - cpu) * 1000 / (2 * len(overhead))
    print(
        f"engine overhead per turn (grader stubbed): p50 {statistics.median(overhead):.1f} ms"
        f"  p99 {pct(overhead, 0.99):.1f} ms  (n={len(overhead)}); "
        f"CPU {cpu_per_turn:.1f} ms per turn (all threads)"
    )

    start = time.perf_counter()
    await asyncio.gather(*(turn_pair(stub, f"user{i}") for i in range(200)))
    elapsed = time.perf_counter() - start
    print(f"200 concurrent users: {400 / elapsed:.0f} turns/s ({elapsed:.2f} s for 400 turns)")

    real = app.engine
    graded = []
    for i in range(40):
        graded.append(await turn_pair(real, f"real{i}") * 2000)
    print(
        f"real offline grade through the engine (next + answer): p50 "
        f"{statistics.median(graded):.0f} ms  p95 {pct(graded, 0.95):.0f} ms"
    )
    print(f"RSS after warm-up: {rss_mb():.0f} MB")
    await app.aclose()


def startup_seconds(data_dir: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "DATA_DIR": data_dir},
    )
    assert process.stdout is not None
    process.stdout.readline()
    ready = time.perf_counter() - start
    process.communicate("quit\n", timeout=60)
    return ready


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(measure(tmp))
        print(f"process start to first console prompt: {startup_seconds(tmp):.2f} s")


if __name__ == "__main__":
    main()
