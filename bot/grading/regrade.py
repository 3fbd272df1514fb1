"""Re-grading provisional grades in the background once the LLM is back.

Jobs are keyed (the engine uses the attempt id), so submitting the same attempt twice queues it
once. A job whose re-grade still fails waits `retry_every` seconds and tries again; the circuit
breaker keeps those tries cheap while the LLM is down. Nothing here is the source of truth: the
engine stores provisional attempts, so after a restart it submits them again.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.grading.models import Grade, GradeRequest
from bot.llm.chat import LLMUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegradeJob:
    key: str
    request: GradeRequest


Regrade = Callable[[GradeRequest], Awaitable[Grade]]
Listener = Callable[[RegradeJob, Grade], Awaitable[None]]


class RegradeQueue:
    def __init__(self, regrade: Regrade, *, retry_every: float = 30.0) -> None:
        self._regrade = regrade
        self._retry_every = retry_every
        self._jobs: dict[str, RegradeJob] = {}
        self._listeners: list[Listener] = []
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.completed = 0

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def submit(self, job: RegradeJob) -> None:
        self._jobs.setdefault(job.key, job)
        self._idle.clear()
        self._wakeup.set()

    def discard(self, keys: Iterable[str]) -> None:
        """Drop waiting jobs (their answers were deleted)."""
        for key in keys:
            self._jobs.pop(key, None)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="regrade-queue")

    async def stop(self) -> list[RegradeJob]:
        """Stop the worker; returns the jobs still waiting (they remain provisional in storage)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return list(self._jobs.values())

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            if not self._jobs:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            failed = False
            for job in list(self._jobs.values()):
                try:
                    grade = await self._regrade(job.request)
                except LLMUnavailable:
                    failed = True
                    break
                self._jobs.pop(job.key, None)
                self.completed += 1
                for listener in self._listeners:
                    try:
                        await listener(job, grade)
                    except Exception:  # one broken listener must not stop re-grading
                        log.exception("a re-grade listener failed")
            if failed:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._retry_every)
