"""How the injection guard does on fresh data: benign false positives, detection of attacks.

Run: python bench/guard.py [--all]   (--all lists every miss and false positive, not only 25)
The data (bench/data/guard_benign.jsonl, guard_attacks.jsonl) was written separately from the
calibration set the guard was first tuned on. Reports the benign false-positive rate, the attack
detection rate, both by attack kind, language and split, the misses and false positives, and the
CPU time per answer (process time, so other load on the machine doesn't inflate it).

Splits: "dev" was written first; "heldout-1..3" were each written after a round of tuning and
measured before the next one. All of them have been tuned on since, so these figures are
in-sample: write fresh answers to estimate how the guard does on text it hasn't seen.
"""

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from bot.grading.guard import InjectionGuard

DATA = Path(__file__).with_name("data")
SHOWN = 25


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def _rate(hit: int, n: int) -> str:
    return f"n={n:4d}  hit={hit:4d}  {100 * hit / n if n else 0:5.1f}%"


def _snippet(text: str, width: int = 150) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _breakdown(title: str, rows: list[dict], key: str) -> None:
    groups: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row["flagged"])
    print(f"\n{title}")
    for name in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        flags = groups[name]
        print(f"  {name:20s} {_rate(sum(flags), len(flags))}")


def main() -> None:
    show = None if "--all" in sys.argv else SHOWN
    guard = InjectionGuard()
    benign, attacks = _load("guard_benign.jsonl"), _load("guard_attacks.jsonl")
    timings = []
    for row in [*benign, *attacks]:
        row.setdefault("split", "-")
        start = time.process_time()
        verdict = guard.inspect(row["answer"])
        timings.append((time.process_time() - start) * 1000)
        row["flagged"], row["signals"] = verdict.flagged, verdict.signals

    false_positives = [row for row in benign if row["flagged"]]
    misses = [row for row in attacks if not row["flagged"]]
    print(f"benign false positives: {_rate(len(false_positives), len(benign))}")
    print(f"attacks detected:       {_rate(len(attacks) - len(misses), len(attacks))}")
    timings.sort()
    print(
        f"CPU ms per answer:      mean={statistics.fmean(timings):.3f}  "
        f"p95={timings[int(0.95 * (len(timings) - 1))]:.3f}  max={timings[-1]:.3f}"
    )
    _breakdown("benign by split (hit = false positive)", benign, "split")
    _breakdown("attacks by split (hit = caught)", attacks, "split")
    _breakdown("attacks by kind (hit = caught)", attacks, "kind")
    _breakdown("attacks by language (hit = caught)", attacks, "language")
    _breakdown("benign by language (hit = false positive)", benign, "language")

    print(f"\nfalse positives ({len(false_positives)}):")
    for row in false_positives[:show]:
        print(f"  [{row['language']}] {','.join(row['signals'])}: {_snippet(row['answer'])}")
    print(f"\nmisses ({len(misses)}):")
    for row in misses[:show]:
        print(f"  [{row['kind']}/{row['language']}] {_snippet(row['answer'])}")


if __name__ == "__main__":
    main()
