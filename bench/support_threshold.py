"""Fit the threshold at which one answer sentence counts as support for a key point.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/support_threshold.py
     [--limit N]   (answers per language, for a quick look)

An LLM verdict files each covered key point with a quote; the point is verified only when the
offline grader's `sentence_support` for the quote's sentence reaches `SUPPORT_AT`
(`bot/grading/verdict.py`). An adversarial model picks, for every point, the sentence with the most
support, so the share of points that some sentence supports is the ceiling it can reach.

SAF (`../shared/data/saf`, split `train` only) has no key points, so the reference's sentences are
the points (`derive_key_points`, as for ad-hoc questions). For each threshold this prints how well
that ceiling tracks the human score (mean absolute error, Pearson r), how often an answer the
humans marked Incorrect gets a ceiling above its score (room an adversary could use), and how
often a Correct one gets a ceiling more than 0.1 below it (an honest grade cut). The fitted
value is the lowest threshold that leaves at most `ATTACK_ROOM` (2%) of English Incorrect answers
such room: the bound exists against adversaries, and below that the honest cost only grows.
Rerun this when the offline measure changes.

The bank check then uses the bank's own key points on `bench/data/calibration.jsonl`, for the
ceiling as `score_ceiling` computes it (the verified share or the offline grade, whichever is
higher, plus the margin), over thresholds and margins; that is where `EVIDENCE_MARGIN` is chosen.
"""

import json
import sys
from pathlib import Path

import numpy as np
from rich.progress import track

from bot.app import App
from bot.bank.keypoints import derive_key_points
from bot.bank.loader import load_bank
from bot.bank.text import split_sentences
from bot.config import Settings
from bot.grading.models import GradeRequest
from bot.grading.offline import OfflineGrader
from bot.grading.verdict import EVIDENCE_MARGIN, SUPPORT_AT

SAF = Path(__file__).resolve().parents[2] / "shared" / "data" / "saf" / "saf.jsonl"
CALIBRATION = Path(__file__).with_name("data") / "calibration.jsonl"
THRESHOLDS = np.round(np.arange(0.20, 0.801, 0.025), 3)
ATTACK_ROOM = 0.02  # the share of Incorrect answers whose ceiling may exceed their human score
MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0)


def best_support(grader: OfflineGrader, request: GradeRequest, answer: str) -> np.ndarray:
    """Per key point, the best support any one answer sentence gives."""
    sentences = split_sentences(" ".join(answer.split())) or [""]
    return np.array([grader.sentence_support(request, s) for s in sentences]).max(axis=0)


def saf_support(grader: OfflineGrader, row: dict) -> np.ndarray:
    points = tuple(derive_key_points(row["reference"]))
    request = GradeRequest(
        question=row["question"], reference=row["reference"], key_points=points, answer=""
    )
    return best_support(grader, request, row["answer"])


def report(language: str, rows: list[tuple[np.ndarray, float, str]]) -> float:
    """The table for one language; returns the lowest threshold within `ATTACK_ROOM`."""
    scores = np.array([score for _, score, _ in rows])
    incorrect = np.array([label == "Incorrect" for *_, label in rows])
    correct = np.array([label == "Correct" for *_, label in rows])
    print(f"\n{language}: n={len(rows)} (Correct {correct.sum()}, Incorrect {incorrect.sum()})")
    print("  threshold   MAE  Pearson  Incorrect: ceiling>score  Correct: ceiling<score-0.1")
    chosen = None
    for threshold in THRESHOLDS:
        ceiling = np.array([float(np.mean(s >= threshold)) for s, _, _ in rows])
        mae = float(np.mean(np.abs(ceiling - scores)))
        r = float(np.corrcoef(ceiling, scores)[0, 1]) if ceiling.std() > 0 else float("nan")
        room = float(np.mean(ceiling[incorrect] > scores[incorrect]))
        cut = float(np.mean(ceiling[correct] < scores[correct] - 0.1))
        mark = "  <- in use" if abs(threshold - SUPPORT_AT) < 1e-9 else ""
        print(
            f"  {threshold:9.3f} {mae:5.3f}  {r:7.3f}  {100 * room:23.1f}%  "
            f"{100 * cut:25.1f}%{mark}"
        )
        if chosen is None and room <= ATTACK_ROOM:
            chosen = float(threshold)
    chosen = chosen if chosen is not None else float(THRESHOLDS[-1])
    print(f"  lowest threshold leaving at most {100 * ATTACK_ROOM:.0f}% attack room: {chosen:.3f}")
    return chosen


def bank_check(grader: OfflineGrader) -> None:
    """The bank's own key points on `bench/data/calibration.jsonl` (graded answers to bank
    questions, by level). For thresholds near the fitted one and each margin: how often the
    bound `score_ceiling` would cut the human score of an excellent or good answer, and how often
    it leaves a wrong, off-topic or injected one room above its human score + 1 (what an
    adversary that claims every point with the best quotes would reach)."""
    bank = {q.id: q for q in load_bank(Settings().bank_dir)}
    rows = [json.loads(line) for line in CALIBRATION.read_text().splitlines() if line.strip()]
    measured = []
    for row in track(rows, description="support (bank)"):
        question = bank[row["question_id"]]
        request = GradeRequest(
            question=question.question,
            reference=question.reference,
            key_points=tuple(question.key_points),
            answer=row["answer"],
        )
        best = best_support(grader, request, row["answer"])
        offline = grader.grade_sync(request).score
        measured.append((row["level"], float(row["score"]), best, offline))
    print("\nbank key points (bench/data/calibration.jsonl), by level: human mean, mean of 10 x")
    print("verified share at SUPPORT_AT, offline score mean")
    for level in dict.fromkeys(level for level, *_ in measured):
        part = [m for m in measured if m[0] == level]
        human = np.mean([h for _, h, _, _ in part])
        share = np.mean([10 * np.mean(b >= SUPPORT_AT) for _, _, b, _ in part])
        offline = np.mean([o for *_, o in part])
        print(
            f"  {level:10s} n={len(part):3d}  human {human:4.1f}  verified {share:4.1f}  "
            f"offline {offline:4.1f}"
        )
    good = [m for m in measured if m[0] in ("excellent", "good")]
    bad = [m for m in measured if m[0] in ("wrong", "off_topic", "injection")]
    print(
        "  threshold  margin  good cut below human  bad with room > human + 1"
        "  | verified share alone: good cut, bad room"
    )
    for threshold in (0.5, 0.55, SUPPORT_AT, 0.65, 0.7):
        for margin in MARGINS:

            def ceiling(best: np.ndarray, offline: float, t=threshold, m=margin) -> float:
                return min(10.0, max(10 * float(np.mean(best >= t)), offline) + m)

            def alone(best: np.ndarray, t=threshold, m=margin) -> float:
                return min(10.0, 10 * float(np.mean(best >= t)) + m)

            cut = np.mean([ceiling(b, o) < h for _, h, b, o in good])
            room = np.mean([ceiling(b, o) > h + 1 for _, h, b, o in bad])
            cut_alone = np.mean([alone(b) < h for _, h, b, _ in good])
            room_alone = np.mean([alone(b) > h + 1 for _, h, b, _ in bad])
            mark = "  <- in use" if (threshold, margin) == (SUPPORT_AT, EVIDENCE_MARGIN) else ""
            print(
                f"  {threshold:9.3f}  {margin:6.1f}  {100 * cut:19.1f}%  {100 * room:24.1f}%"
                f"  | {100 * cut_alone:5.1f}%  {100 * room_alone:5.1f}%{mark}"
            )


def main() -> None:
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    if not SAF.exists():
        sys.exit(f"SAF is not at {SAF}; see ../shared/data/saf/README.md")
    grader = OfflineGrader(App(Settings()).embedder)  # as the bot runs it
    rows = [json.loads(line) for line in SAF.read_text().splitlines() if line.strip()]
    fitted = {}
    for language in ("en", "de"):
        train = [r for r in rows if r["split"] == "train" and r["language"] == language]
        train = [r for r in train if r["answer"].strip()][:limit]
        measured = [
            (saf_support(grader, row), float(row["score"]), row["label"])
            for row in track(train, description=f"support ({language})")
        ]
        fitted[language] = report(language, measured)
    bank_check(grader)
    print(f"\nSUPPORT_AT in use: {SUPPORT_AT}; fitted on English SAF train: {fitted['en']:.3f}")


if __name__ == "__main__":
    main()
