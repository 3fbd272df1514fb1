"""The offline grader's map from features to a 0-10 score: a small logistic model.

`score = 10 · sigmoid(intercept + Σ weight · (feature − mean) / scale) ** exponent`, monotone in
its linear part and never clipped, so answers keep their order across the whole range. The
exponent bends the map (above 1 it lowers the middle); features and exponent are chosen by
grouped cross-validation on `train` (one group per question), English never below 1.

The score is then held to the coverage of authored key points: at most
10 · (`coverage_slope` · coverage + `coverage_margin`). Without that ceiling an on-topic answer
that is wrong scores like a typical SAF answer (about 8.5): the features measure closeness to
the reference, not correctness. With it, the score cannot contradict the "you covered k of n
key points" the user reads.

Token recall weighs each reference word piece by its rarity (`PieceWeights`, inverse document
frequency over the `train` answers), so a field's own terms count for more than "use".

The coefficients and weights are fitted by `bench/calibrate.py` on the `train` split of the SAF
human-graded answers (never on its test splits) and stored in `offline_model.json`. English has
its own; every other language uses the ones fitted on German, the only other language SAF has.
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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
class PieceWeights:
    """Inverse document frequency of word pieces: log((documents + 1) / (frequency + 1)). A
    piece never seen in a document weighs the most: in a bank's own field, its terms."""

    documents: int = 0
    frequency: dict[int, int] = field(default_factory=dict)

    @classmethod
    def count(cls, documents: Iterable[Iterable[int]]) -> "PieceWeights":
        """From each document's word-piece ids."""
        frequency: dict[int, int] = {}
        total = 0
        for ids in documents:
            total += 1
            for piece in set(ids):
                frequency[piece] = frequency.get(piece, 0) + 1
        return cls(total, frequency)

    def of(self, ids: np.ndarray) -> np.ndarray:
        top = self.documents + 1
        return np.log(top / (np.array([self.frequency.get(int(i), 0) for i in ids]) + 1.0))


@dataclass(frozen=True)
class ScoreModel:
    by_language: dict[str, Coefficients]  # "en", and "other" for every other language
    coverage_margin: float | None = None  # None: no coverage ceiling
    coverage_slope: float = 1.0
    piece_weights: dict[str, PieceWeights] = field(default_factory=dict)  # as `by_language`

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
            piece_weights={
                language: PieceWeights(
                    values["documents"],
                    {int(piece): count for piece, count in values["frequency"].items()},
                )
                for language, values in data.get("piece_weights", {}).items()
            },
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
            "piece_weights": {
                language: {
                    "documents": w.documents,
                    "frequency": {str(piece): n for piece, n in sorted(w.frequency.items())},
                }
                for language, w in self.piece_weights.items()
            },
        }

    def coefficients(self, language: str) -> Coefficients:
        return self.by_language["en" if language == "en" else "other"]

    def weights_of(self, language: str, ids: np.ndarray) -> np.ndarray:
        """Each word piece's weight in token recall (all 1 for a model without weights)."""
        weights = self.piece_weights.get("en" if language == "en" else "other")
        return weights.of(ids) if weights is not None else np.ones(len(ids))

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
