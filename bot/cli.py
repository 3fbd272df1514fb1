"""The `interview-bot` command line. User errors print one line and exit 2, no traceback."""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.errors import UserError

if TYPE_CHECKING:
    from bot.app import App  # imported lazily at run time: start-up stays fast


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interview-bot", description="Practise Generative-AI interview questions."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start every configured adapter (terminal chat if none)")
    commands.add_parser("console", help="chat in the terminal (reads stdin line by line)")
    commands.add_parser("ingest", help="embed the bank into Chroma (only what changed)")

    commands.add_parser("usage", help="LLM tokens used per tenant and day")
    feedback = commands.add_parser("feedback", help="grades users disputed")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_commands.add_parser("export", help="write disputed grades as CSV")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    from bot.language_cli import add_commands as add_language_commands

    add_language_commands(commands)
    _add_grading_commands(commands)
    bank = commands.add_parser("bank", help="inspect and import question banks")
    bank_commands = bank.add_subparsers(dest="bank_command", required=True)
    listing = bank_commands.add_parser("list", help="list the questions")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument("--tenant", default="global")
    show = bank_commands.add_parser("show", help="show one question")
    show.add_argument("id", help="a question id, or its number as the chat shows it")
    show.add_argument("--tenant", default="global")
    show.add_argument("--json", action="store_true")
    check = bank_commands.add_parser("check", help="validate a bank folder or file")
    check.add_argument("path", nargs="?", type=Path, help="default: the shipped bank")
    importing = bank_commands.add_parser("import", help="import a Markdown or YAML bank")
    importing.add_argument("path", type=Path)
    importing.add_argument("--tenant", default="global", help="server/workspace to import for")
    importing.add_argument("--dry-run", action="store_true", help="parse only, write nothing")
    importing.add_argument("--json", action="store_true", help="print the parsed questions")
    return parser


def _add_grading_commands(commands: argparse._SubParsersAction) -> None:
    """`grade` and `eval` (run by `bot.grading_cli`, imported only when used)."""
    grade = commands.add_parser("grade", help="grade one answer")
    grade.add_argument("--question-id", help="a bank question")
    grade.add_argument("--question", help="an ad-hoc question (with --reference)")
    grade.add_argument("--reference", help="the reference answer for --question")
    grade.add_argument("--answer", required=True, help="the answer; '-' reads standard input")
    grade.add_argument("--language", default="en")
    grade.add_argument("--tenant", default="global")
    grade.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate = commands.add_parser("eval", help="agreement with human scores on a CSV/JSONL set")
    evaluate.add_argument("path", type=Path)
    evaluate.add_argument("--out", type=Path, help="write one JSONL line per row")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at exit outside this handler
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except UserError as exc:
        print(f"interview-bot: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"interview-bot: invalid setting: {_first_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _quiet_broken_pipe() -> int:
    """The reader of our output went away (`bank list | head -3`): stop without a traceback.

    Standard output is pointed at /dev/null so the interpreter's last flush can't fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = "_".join(str(part) for part in error["loc"]).upper()
    return f"{name}: {error['msg']}"


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "language":
        from bot import language_cli

        return language_cli.run(args)
    if args.command in (None, "run", "console"):
        from bot.memory import pause_collection

        pause_collection()  # until serving: App.start_background settles it
    from bot.app import App
    from bot.config import Settings

    app = App(Settings(), show_progress=sys.stderr.isatty())
    if args.command == "bank":
        from bot import bank_cli

        return bank_cli.run(app, args)
    if args.command in {"grade", "eval"}:
        from bot import grading_cli

        runner = grading_cli.run_grade if args.command == "grade" else grading_cli.run_eval
        return runner(app, args)
    if args.command == "ingest":
        return asyncio.run(_ingest(app))
    if args.command == "feedback":
        return asyncio.run(_export_feedback(app, args.out))
    if args.command == "usage":
        return asyncio.run(_usage(app))
    from bot.terminal import run_console

    banner = None
    if args.command in (None, "run"):
        if app.settings.discord_configured or app.settings.slack_configured:
            from bot.observability.logs import configure_logging
            from bot.runtime import run

            configure_logging()  # before the adapters are built: what they log is JSON too
            return asyncio.run(run(app, app.platform_adapters()))
        banner = (
            "No DISCORD_TOKEN or SLACK_BOT_TOKEN is set, so this is the terminal chat; "
            "set one to connect Discord or Slack (see the README)."
        )
    return asyncio.run(run_console(app, sys.stdin, sys.stdout, banner=banner))


async def _usage(app: "App") -> int:
    await app.start()
    try:
        rows = await app.repository.usage()
    finally:
        await app.aclose()
    if not rows:
        print("No LLM tokens used yet.")
    for row in rows:
        print(f"{row.day}  {row.tenant}  {row.tokens} tokens")
    return 0


async def _export_feedback(app: "App", out: Path | None) -> int:
    import csv
    import dataclasses
    import io

    await app.start()
    try:
        rows = await app.repository.feedback_rows()
    finally:
        await app.aclose()
    buffer = io.StringIO()
    fields = [
        "attempt",
        "tenant",
        "question",
        "score",
        "grader",
        "votes",
        "appeal",
        "regrade_score",
        "appeal_accepted",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(dataclasses.asdict(row) for row in rows)
    if out is None:
        sys.stdout.write(buffer.getvalue())
    else:
        await asyncio.to_thread(out.write_text, buffer.getvalue(), encoding="utf-8")
    return 0


async def _ingest(app: "App") -> int:
    from bot.bank.progress import IngestProgress

    try:
        if app.show_progress:
            with IngestProgress() as progress:
                reports = await app.bank.ingest_all(progress)
        else:
            reports = await app.bank.ingest_all()
    finally:
        await app.aclose()
    for report in reports:
        print(
            f"{report.tenant}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged "
            f"({report.embedded} embedded)"
        )
    return 0
