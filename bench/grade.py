"""Offline grading latency per answer (p50, p95), on the calibration answers.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/grade.py
"""

import json
import statistics
import time
from pathlib import Path

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.loader import load_bank
from bot.config import Settings
from bot.grading.grader import GradingService
from bot.grading.guard import InjectionGuard
from bot.grading.models import GradeRequest
from bot.grading.offline import OfflineGrader

DATA = Path(__file__).with_name("data") / "calibration.jsonl"


def main() -> None:
    settings = Settings()
    bank = {q.id: q for q in load_bank(settings.bank_dir)}
    offline = OfflineGrader(OnnxEmbedder(settings.embedding_model_dir))
    service = GradingService(offline, InjectionGuard())
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    requests = []
    for row in rows:
        q = bank[row["question_id"]]
        requests.append(GradeRequest(q.question, q.reference, tuple(q.key_points), row["answer"]))
    for request in requests:  # warm: model loaded, each question's side cached once
        offline.grade_sync(request)
    timings = []
    for request in requests:
        start = time.perf_counter()
        offline.grade_sync(request)
        timings.append((time.perf_counter() - start) * 1000)
    guard = InjectionGuard()
    start = time.perf_counter()
    for request in requests:
        guard.inspect(request.answer)
    guard_ms = (time.perf_counter() - start) * 1000 / len(requests)
    timings.sort()
    print(
        f"offline grade: n={len(timings)} p50={statistics.median(timings):.1f} ms "
        f"p95={timings[int(0.95 * len(timings)) - 1]:.1f} ms"
    )
    print(f"guard: {guard_ms:.2f} ms per answer")
    del service


if __name__ == "__main__":
    main()
