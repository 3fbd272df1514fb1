"""Errors a user can fix. The CLI prints their message and exits without a traceback."""


class UserError(Exception):
    """A problem with input, files or settings, explained in one clear message."""


class BankError(UserError):
    """A question bank file that cannot be read, located by file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message  # without the place, for reports that give it themselves
        where = path or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(UserError):
    """A setting that is missing or points at something unusable."""


class StoreUnavailable(UserError):
    """The vector store cannot be reached or opened."""
