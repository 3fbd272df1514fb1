"""`interview-bot language replay FILE`: what the bot would reply in, message by message."""

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.errors import UserError


def add_commands(commands: argparse._SubParsersAction) -> None:
    language = commands.add_parser("language", help="check the reply-language decision")
    language_commands = language.add_subparsers(dest="language_command", required=True)
    replay = language_commands.add_parser(
        "replay",
        help="replay a JSONL chat ({user, text, locale} per line) and print one decision a line",
    )
    replay.add_argument("file", help="the JSONL file; '-' reads standard input")
    replay.add_argument("--default", help="the channel/tenant language (default: English)")


def run(args: argparse.Namespace) -> int:
    if args.file == "-":
        return _replay(sys.stdin, args.default, "<stdin>")
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        return _replay(handle, args.default, str(path))


def _replay(handle: TextIO, default: str | None, source: str) -> int:
    # Imported here: langdetect and the bank load only for this command.
    from bot.bank.loader import load_bank
    from bot.config import Settings
    from bot.i18n.detect import LanguageDetector
    from bot.i18n.replay import replay

    detector = LanguageDetector.for_bank(load_bank(Settings().bank_dir))
    for decision in replay(_read_lines(handle, source), detector=detector, default=default):
        sys.stdout.write(json.dumps(decision, ensure_ascii=False) + "\n")
    return 0


def _read_lines(handle: TextIO, source: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL stream, lazily; blank lines skipped, bad lines located."""
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UserError(f"{source}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(line, dict) or not isinstance(line.get("text"), str):
            raise UserError(f'{source}:{number}: expected an object with a "text" string')
        yield line
