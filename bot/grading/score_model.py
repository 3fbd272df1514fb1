"""The offline grader's map from features to a 0-10 score: a small logistic model.

`score = 10 · sigmoid(intercept + Σ weight · (feature − mean) / scale) ** exponent`, monotone in
its linear part and never clipped, so answers keep their order across the whole range. The
exponent bends the map (above 1 it lowers the middle); for other languages it is chosen by
grouped cross-validation on `train` (one group per question), English keeps 1. The score is then
held to the coverage of authored key points: at most
10 · (`coverage_slope` · coverage + `coverage_margin`).
Without that ceiling an on-topic answer that is wrong scores like a typical SAF answer (about
8.5): the features measure closeness to the reference, not correctness. With it, the score
cannot contradict the "you covered k of n key points" the user reads. The coefficients
are fitted by `bench/calibrate.py` on the `train` split of the SAF human-graded answers (never
on its test splits) and stored in `offline_model.json`. English has its own features and
coefficients; every other language uses the ones fitted on German, the only other language SAF
has.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("offline_model.json")


@dataclass(frozen=True)
class Coefficients:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    exponent: float = 1.0


@dataclass(frozen=True)
class ScoreModel:
    by_language: dict[str, Coefficients]  # "en", and "other" for every other language
    coverage_margin: float | None = None  # None: no coverage ceiling
    coverage_slope: float = 1.0

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "ScoreModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> "ScoreModel":
        return cls(
            by_language={
                language: Coefficients(
                    features=tuple(values["features"]),
                    mean=tuple(values["mean"]),
                    scale=tuple(values["scale"]),
                    weights=tuple(values["weights"]),
                    intercept=float(values["intercept"]),
                    exponent=float(values.get("exponent", 1.0)),
                )
                for language, values in data["languages"].items()
            },
            coverage_margin=data.get("coverage_margin"),
            coverage_slope=data.get("coverage_slope", 1.0),
        )

    def to_dict(self) -> dict:
        return {
            "languages": {
                language: {
                    "features": list(c.features),
                    "mean": list(c.mean),
                    "scale": list(c.scale),
                    "weights": list(c.weights),
                    "intercept": c.intercept,
                    # Written only when it bends the map, so a plain logistic stays as it was.
                    **({"exponent": c.exponent} if c.exponent != 1.0 else {}),
                }
                for language, c in self.by_language.items()
            },
            "coverage_margin": self.coverage_margin,
            "coverage_slope": self.coverage_slope,
        }

    def coefficients(self, language: str) -> Coefficients:
        return self.by_language["en" if language == "en" else "other"]

    def score(self, features: dict[str, float], language: str, *, bounded: bool = False) -> float:
        """`bounded`: hold the score to the coverage ceiling (for authored key points only)."""
        c = self.coefficients(language)
        z = c.intercept + sum(
            w * (features[name] - m) / s
            for name, w, m, s in zip(c.features, c.weights, c.mean, c.scale, strict=True)
        )
        score = 10 * (1 / (1 + math.exp(-z))) ** c.exponent if z > -700 else 0.0
        if not bounded or self.coverage_margin is None:
            return score
        ceiling = self.coverage_slope * features["coverage"] + self.coverage_margin
        return min(score, 10 * min(1.0, ceiling))
