"""A progress bar while the bank is embedded into the store (a first run takes seconds)."""

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn


class IngestProgress:
    """A `Progress` callback for `BankStore.ingest` that draws one bar per tenant's slice on
    stderr, so stdout stays the chat's. Use it as a context manager: the bar goes on exit."""

    def __init__(self, console: Console | None = None) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, tenant: str, done: int, total: int) -> None:
        if not self._tasks:
            self._bar.start()
        task = self._tasks.get(tenant)
        if task is None:
            task = self._tasks[tenant] = self._bar.add_task(
                f"Indexing the {tenant} question bank", total=total
            )
        self._bar.update(task, completed=done, refresh=True)

    def __enter__(self) -> "IngestProgress":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tasks:
            self._bar.stop()
