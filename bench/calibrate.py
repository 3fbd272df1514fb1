"""Fit the offline grader's linear map on our own calibration answers, and report agreement.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/calibrate.py
Reports leave-one-question-out agreement (each question scored by weights fitted without it),
the in-sample fit, plain sentence cosine as the baseline, and mean score per answer level.
"""

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from rich.progress import track

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.keypoints import derive_key_points
from bot.config import Settings
from bot.grading.models import GradeRequest
from bot.grading.offline import OfflineGrader
from bot.grading.stats import agreement

DATA = Path(__file__).with_name("data") / "calibration.jsonl"
FEATURES = ("coverage", "precision")


def main() -> None:
    settings = Settings()
    grader_embedder = OnnxEmbedder(settings.embedding_model_dir)
    grader = OfflineGrader(grader_embedder)
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    matrix, human, groups, levels, cosines = [], [], [], [], []
    for row in track(rows, description="features"):
        request = GradeRequest(
            question=row["question"],
            reference=row["reference"],
            key_points=tuple(derive_key_points(row["reference"])),
            answer=row["answer"],
        )
        evidence = grader.evidence(request)
        features = evidence.features()
        pair = grader_embedder.embed([row["answer"], row["reference"]])
        cosines.append(float(pair[0] @ pair[1]))
        matrix.append([features[name] for name in FEATURES])
        human.append(float(row["score"]))
        groups.append(row["question_id"])
        levels.append(row["level"])
    x = np.asarray(matrix)
    y = np.asarray(human)
    design = np.hstack([x, np.ones((len(x), 1))])
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    held_out = np.zeros(len(y))
    for group in sorted(set(groups)):
        test = np.array([g == group for g in groups])
        fold = np.linalg.lstsq(design[~test], y[~test], rcond=None)[0]
        held_out[test] = design[test] @ fold
    fitted = design @ coefficients
    print(
        "weights:",
        {name: round(float(c), 3) for name, c in zip(FEATURES, coefficients, strict=False)},
    )
    print("intercept:", round(float(coefficients[-1]), 3))
    print("leave-one-question-out:", agreement(list(held_out), human).line())
    print("in-sample:             ", agreement(list(fitted), human).line())
    print("baseline sentence cosine:", agreement(cosines, human).line())
    for index, name in enumerate(FEATURES):
        print(f"feature {name:<10}       ", agreement(list(x[:, index]), human).line())
    by_level: dict[str, list[float]] = defaultdict(list)
    for level, value in zip(levels, np.clip(held_out, 0, 10), strict=True):
        by_level[level].append(float(value))
    for level, values in by_level.items():
        print(f"level {level:<10} mean predicted {np.mean(values):.1f} (n={len(values)})")


if __name__ == "__main__":
    main()
