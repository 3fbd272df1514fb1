"""A small circuit breaker, so a dead LLM doesn't add its timeout to every answer.

After `failures` consecutive failed calls the circuit opens and calls are refused at once for
`cooldown` seconds; then one trial call is let through (half-open). Its success closes the
circuit, its failure opens it again.
"""

import time
from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 3,
        cooldown: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._cooldown:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go out now. In half-open state only one trial runs at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._trial_running or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._trial_running = False
