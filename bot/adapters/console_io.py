"""Reading lines from and writing replies to the terminal chat.

On a terminal, replies are rendered with rich (Markdown: bold, code, lists, tables); on a pipe
they stay plain text, so scripts and tests read exactly what the engine wrote. A line longer than
a terminal can hand over is cut there, and the caller is told so it can say it.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.engine.events import Button, Reply

if TYPE_CHECKING:
    from rich.console import Console

# A terminal in line mode (Linux N_TTY) hands over at most 4,095 bytes of one line and drops the
# rest; pipes get the same limit in characters, so a session behaves the same either way.
READ_LIMIT = 4095
DRAIN_CHUNK = 65536


@dataclass(frozen=True)
class Line:
    text: str
    cut: bool  # the line was longer than READ_LIMIT; `text` is its beginning


def read_line(stdin: TextIO, *, terminal: bool) -> Line | None:
    """The next line without its newline, or None at the end of input."""
    raw = stdin.readline(READ_LIMIT + 1)
    if not raw:
        return None
    text = raw.removesuffix("\n")
    if len(text) > READ_LIMIT:  # a pipe: the line goes on; skip the rest of it
        rest = text
        while rest and not rest.endswith("\n"):
            rest = stdin.readline(DRAIN_CHUNK)
        return Line(text[:READ_LIMIT], cut=True)
    # A terminal already dropped what went past its limit: a full line means it was cut.
    cut = terminal and len(text.encode("utf-8", "surrogateescape")) >= READ_LIMIT
    return Line(text, cut=cut)


class ReplyWriter:
    """Writes replies: rich Markdown on a terminal, the engine's plain text on a pipe."""

    def __init__(self, stdout: TextIO, images: Path) -> None:
        self._stdout = stdout
        self._images = images
        self._console = _rich_console(stdout) if stdout.isatty() else None

    def line(self, text: str) -> None:
        self.replies([Reply(text)], [])

    def replies(self, replies: list[Reply], options: list[Button]) -> None:
        """Writes `replies`, appending their buttons to `options` as numbered choices."""
        for reply in replies:
            self._reply(reply, options)
        self._stdout.flush()

    def _reply(self, reply: Reply, options: list[Button]) -> None:
        if self._console is None:
            if reply.title:
                self._stdout.write(f"== {reply.title} ==\n")
            self._stdout.write(reply.text + "\n")
        else:
            _rich(self._console, reply)
        if reply.image is not None:  # a terminal can't show it: save it and say where
            self._images.mkdir(parents=True, exist_ok=True)
            path = self._images / (reply.image_name or "image.png")
            path.write_bytes(reply.image)
            self._stdout.write(f"  chart: {path.resolve()}\n")
        for button in reply.buttons:
            if button.action.startswith("answer:"):
                continue  # in a terminal, the next line is the answer
            options.append(button)
            self._stdout.write(f"  [{len(options)}] {button.label}\n")


def _rich(console: "Console", reply: Reply) -> None:
    from rich.markdown import Markdown
    from rich.text import Text

    if reply.title:
        console.print(Text(f"== {reply.title} ==", style="bold"))
    console.print(Markdown(hard_breaks(reply.text)))
    console.file.flush()


def hard_breaks(text: str) -> str:
    """Markdown that keeps the engine's line breaks (Markdown would join single newlines),
    leaving fenced code as it is."""
    lines: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        lines.append(line if fenced or not line.strip() else line + "  ")
    return "\n".join(lines)


def _rich_console(stdout: TextIO) -> "Console":
    from rich.console import Console

    # Text from banks and users is never read as rich markup or emoji codes.
    return Console(file=stdout, markup=False, emoji=False, highlight=False, soft_wrap=False)
