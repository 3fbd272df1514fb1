"""Agreement of predicted with human scores: Pearson r, Spearman rho, RMSE after a linear fit."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Agreement:
    n: int
    pearson: float
    spearman: float
    rmse: float  # of the human scores, after fitting human ≈ a·predicted + b

    def line(self) -> str:
        return (
            f"n={self.n} pearson_r={self.pearson:.3f} spearman_rho={self.spearman:.3f} "
            f"rmse={self.rmse:.3f}"
        )


def agreement(predicted: list[float], human: list[float]) -> Agreement:
    x = np.asarray(predicted, dtype=float)
    y = np.asarray(human, dtype=float)
    if len(x) < 2:
        return Agreement(len(x), float("nan"), float("nan"), float("nan"))
    slope, intercept = np.polyfit(x, y, 1) if np.ptp(x) > 0 else (0.0, float(y.mean()))
    residuals = y - (slope * x + intercept)
    return Agreement(
        n=len(x),
        pearson=_pearson(x, y),
        spearman=_pearson(_ranks(x), _ranks(y)),
        rmse=float(np.sqrt(np.mean(residuals**2))),
    )


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks with ties sharing their average rank."""
    order = values.argsort(kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    for value in np.unique(values):
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return ranks
