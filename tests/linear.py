"""Telling linear from quadratic work without a timed threshold.

Work is measured at `n` and at `factor * n` (best of a few runs); linear work grows about
`factor` times, quadratic work `factor²` times. The ratio allowed is generous (noise on a shared
machine), and anything that stays under `floor` seconds at the larger size passes outright, so a
fast path never fails on jitter.
"""

import time
from collections.abc import Callable


def seconds(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def assert_linear(
    work: Callable[[int], object],
    n: int,
    *,
    factor: int = 10,
    max_ratio: float = 40.0,
    floor: float = 0.05,
) -> None:
    small = seconds(lambda: work(n))
    large = seconds(lambda: work(n * factor), repeat=1)
    if large < floor:
        return
    large = min(large, seconds(lambda: work(n * factor), repeat=2))
    ratio = large / max(small, 1e-4)
    assert ratio < max_ratio, (
        f"{factor}x the input took {ratio:.0f}x the time ({small:.4f}s -> {large:.4f}s)"
    )
