"""Work started after Slack has been acknowledged, tracked so shutdown can wait for it."""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(self._logged(work, name), name=f"slack:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Until no work is left, including work that running work started."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self, grace: float) -> None:
        """Let running work finish for up to `grace` seconds, then cancel the rest."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except SlackApiError as exc:  # Slack refused a call (an unknown channel, a lost token…)
            log.warning("Slack %s: the Web API answered %s", name, exc.response.get("error"))
        except Exception:
            log.exception("Slack %s failed", name)
