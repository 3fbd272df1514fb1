"""How much a bank file may hold, and reading one without taking more than that.

Bank files come from admins (the CLI, a chat upload) and are parsed in the bot's process, so
their cost is bounded before any parsing: the bytes read, the questions kept, and for YAML the
nesting depth, the aliases and the size the aliases expand to (`bot.bank.yaml_check`).
"""

from pathlib import Path

from bot.errors import BankError

MAX_BANK_BYTES = 4 * 1024 * 1024  # ~11,000 questions of the shipped bank's size
MAX_QUESTIONS = 10_000
MAX_YAML_DEPTH = 16  # a bank is a list of mappings of lists: depth 3
MAX_YAML_ALIASES = 100
MAX_EXPANDED_CHARS = MAX_BANK_BYTES  # what aliases expand to may not exceed a file's limit
CHUNK_BYTES = 64 * 1024


def too_large(size: int | None = None, limit: int = MAX_BANK_BYTES) -> str:
    """Why a file of `size` bytes (None: more than `limit`, size unknown) is refused."""
    actual = _megabytes(size) if size is not None else f"larger than {_megabytes(limit)}"
    return f"is {actual}; a bank file may be at most {_megabytes(limit)}"


def read_bounded(path: Path, limit: int = MAX_BANK_BYTES) -> bytes:
    """The bytes of `path`, read in chunks and refused (BankError) as soon as they pass `limit`,
    so a huge file or an endless one (a pipe, a device) is never read whole."""
    try:
        with path.open("rb") as stream:
            known = path.stat().st_size if path.is_file() else 0
            if known > limit:
                raise BankError(too_large(known, limit), path=str(path))
            chunks: list[bytes] = []
            size = 0
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:  # it grew, or it is a stream
                    raise BankError(too_large(None, limit), path=str(path))
                chunks.append(chunk)
    except OSError as exc:
        raise BankError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from exc
    return b"".join(chunks)


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
