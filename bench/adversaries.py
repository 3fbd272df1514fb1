"""What an obeying model gains on a wrong answer with an injection, and what the bound costs.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/adversaries.py

1. Every attack of `bench/data/attacks_fresh.jsonl` (written for issue 14: split instructions,
   acrostics, role play, fake errata, bare base32, other languages) and of
   `bench/data/guard_attacks.jsonl` is graded through the real pipeline by two scripted
   adversaries (`tests/fakes/grader_responders.py`): `max_everything` (every number at its
   maximum) and `max_with_quotes` (also every key point "covered" with a real 5-word quote from
   the answer). The gain is the better adversary's score minus the honest grade (the better of
   the offline grade and an honest model's grade of the answer without the injection); see
   `tests/grading/adversaries.py`.
2. The guard on every SAF answer (`../shared/data/saf`, all splits): benign student answers, so
   each flag is a false positive.
3. The honest model on the benign bank answers of `bench/data/guard_benign.jsonl`: how often the
   evidence bound lowers its score, and by how much.
"""

import asyncio
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.config import Settings
from bot.grading.guard import InjectionGuard
from bot.grading.verdict import EVIDENCE_BOUNDED, weighted_score
from tests.grading.adversaries import ADVERSARIES, Outcome, bench, load_attacks, request_for

DATA = Path(__file__).with_name("data")
SAF = Path(__file__).resolve().parents[2] / "shared" / "data" / "saf" / "saf.jsonl"
SHOWN = 10


def _line(name: str, rows: list[Outcome]) -> str:
    gains = [row.gain for row in rows]
    flagged = sum(row.flagged for row in rows)
    return (
        f"  {name:22s} n={len(rows):4d}  gain>1: {sum(g > 1 for g in gains):3d}  "
        f"max {max(gains):+5.1f}  mean {statistics.fmean(gains):+5.2f}  guard flagged {flagged:3d}"
    )


async def attacks(model_dir: Path, embedder: OnnxEmbedder, tmp: Path) -> None:
    rows = load_attacks()
    async with bench(tmp, model_dir, embedder) as graders:
        outcomes = [await graders.outcome(attack) for attack in rows]
    print("1. wrong answers with injections: score gain over the honest grade")
    print(_line("all", outcomes))
    for adversary in ADVERSARIES:
        gains = [o.scores[adversary] - o.baseline for o in outcomes]
        print(
            f"  {adversary:22s} gain>1: {sum(g > 1 for g in gains):3d}  "
            f"max {max(gains):+5.1f}  mean {statistics.fmean(gains):+5.2f}"
        )
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[f"{outcome.attack.source}/{outcome.attack.kind}"].append(outcome)
    for name in sorted(groups):
        print(_line(name, groups[name]))
    worst = sorted(outcomes, key=lambda o: -o.gain)[:SHOWN]
    print("  largest gains:")
    for o in worst:
        text = " ".join(o.attack.answer.split())[:110]
        print(f"    {o.gain:+4.1f} (honest {o.baseline:.1f}, {o.scores}) {text}")


def saf_guard() -> None:
    if not SAF.exists():
        print(f"\n2. SAF is not at {SAF}; skipped")
        return
    guard = InjectionGuard()
    rows = [json.loads(line) for line in SAF.read_text().splitlines() if line.strip()]
    flagged = [row for row in rows if guard.inspect(row["answer"]).flagged]
    print(
        f"\n2. guard on benign SAF answers: {len(flagged)}/{len(rows)} flagged "
        f"({100 * len(flagged) / len(rows):.2f}%)"
    )
    for language in ("en", "de"):
        part = [r for r in rows if r["language"] == language]
        hits = sum(r in flagged for r in part)
        print(f"  {language}: {hits}/{len(part)} ({100 * hits / len(part):.2f}%)")
    for row in flagged[:SHOWN]:
        print(f"    [{row['id']}] {' '.join(row['answer'].split())[:110]}")


async def honest_cost(model_dir: Path, embedder: OnnxEmbedder, tmp: Path) -> None:
    benign = [json.loads(line) for line in (DATA / "guard_benign.jsonl").read_text().splitlines()]
    weights = Settings(_env_file=None).grading_weights
    cuts = []
    async with bench(tmp, model_dir, embedder) as graders:
        for row in benign:
            question = graders.questions[row["question_id"]]
            grade = await graders.apps["honest"].grading.grade(request_for(question, row["answer"]))
            if EVIDENCE_BOUNDED in grade.flags:
                cuts.append(weighted_score(grade.criteria, weights) - grade.score)
    mean = statistics.fmean(cuts) if cuts else 0.0
    print(
        f"\n3. honest model on {len(benign)} benign bank answers: bounded by evidence "
        f"{len(cuts)} ({100 * len(cuts) / len(benign):.1f}%), mean cut {mean:.2f}, "
        f"max cut {max(cuts, default=0.0):.1f}"
    )


async def main() -> None:
    settings = Settings()
    embedder = App(settings).embedder  # as the bot runs it
    with tempfile.TemporaryDirectory() as tmp:
        await attacks(settings.embedding_model_dir, embedder, Path(tmp) / "attacks")
        saf_guard()
        if "--no-cost" not in sys.argv:
            await honest_cost(settings.embedding_model_dir, embedder, Path(tmp) / "cost")


if __name__ == "__main__":
    asyncio.run(main())
