"""Offline grading latency per answer (p50, p95), on the calibration answers.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/grade.py [--rounds N]

Reports the cold first grade (model load, the question's side, the answer), the first grade of
each further question (its side is built, the model is loaded), then p50/p95 over one grade of
every calibration answer with every question's side cached. Answers are never cached, and
consecutive measured calls grade different answers. Wall time depends on what else runs on the
machine, so the load average and the CPU time per grade (steadier under load) are printed too;
`--rounds` repeats the measured pass (answers still uncached) to average out bursts of other work.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bot.app import App
from bot.bank.loader import load_bank
from bot.config import Settings
from bot.grading.guard import InjectionGuard
from bot.grading.models import GradeRequest
from bot.grading.offline import OfflineGrader

DATA = Path(__file__).with_name("data") / "calibration.jsonl"


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(int(share * len(sorted_values)) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="measured passes over the answers")
    rounds = parser.parse_args().rounds
    settings = Settings()
    bank = {q.id: q for q in load_bank(settings.bank_dir)}
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    requests = []
    for row in rows:
        q = bank[row["question_id"]]
        requests.append(
            GradeRequest(
                q.question, q.reference, tuple(q.key_points), row["answer"], question_id=q.id
            )
        )
    load_before = os.getloadavg()[0]
    offline = OfflineGrader(App(settings).embedder)  # as the bot runs it
    start = time.perf_counter()
    offline.grade_sync(requests[0])
    cold_ms = (time.perf_counter() - start) * 1000
    new_question_ms = []
    seen = {requests[0].question_id}
    for request in requests[1:]:  # warm: each question's side cached once
        start = time.perf_counter()
        offline.grade_sync(request)
        if request.question_id not in seen:
            seen.add(request.question_id)
            new_question_ms.append((time.perf_counter() - start) * 1000)
    wall, cpu = [], []
    for request in requests * rounds:
        start, start_cpu = time.perf_counter(), time.process_time()
        offline.grade_sync(request)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    guard = InjectionGuard()
    start = time.perf_counter()
    for request in requests:
        guard.inspect(request.answer)
    guard_ms = (time.perf_counter() - start) * 1000 / len(requests)
    wall.sort()
    print(
        f"offline grade: n={len(wall)} p50={statistics.median(wall):.1f} ms "
        f"p95={percentile(wall, 0.95):.1f} ms (cpu p50={statistics.median(cpu):.1f} ms)"
    )
    print(
        f"cold first grade: {cold_ms:.0f} ms (model load included); first grade of a new "
        f"question: p50={statistics.median(new_question_ms):.1f} ms (n={len(new_question_ms)})"
    )
    print(f"guard: {guard_ms:.2f} ms per answer")
    load_after = os.getloadavg()[0]
    print(f"load average: {load_before:.1f} before, {load_after:.1f} after, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
