"""`interview-bot bank ...`: list, show, check and import question banks."""

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from bot.app import App
from bot.bank.limits import read_bounded
from bot.bank.loader import load_bank
from bot.bank.models import Question
from bot.cli_output import print_json
from bot.errors import UserError

KEY_POINTS_RANGE = (3, 7)
FOLLOW_UPS_RANGE = (1, 3)


def run(app: App, args: argparse.Namespace) -> int:
    if args.bank_command == "list":
        return asyncio.run(
            _with_bank(app, lambda: _list(app.bank.questions(args.tenant), as_json=args.json))
        )
    if args.bank_command == "show":
        return asyncio.run(_with_bank(app, lambda: _show(app, args)))
    if args.bank_command == "check":
        return _check(args.path or app.settings.bank_dir)
    if not args.path.is_file():
        raise UserError(f"{args.path}: no such file")
    return asyncio.run(_import(app, args, read_bounded(args.path)))


async def _with_bank(app: App, work: Callable[[], int]) -> int:
    """Imported banks are in the database: read them, then do `work`."""
    try:
        await app.bank.ensure_loaded()
        return work()
    finally:
        await app.aclose()


def _show(app: App, args: argparse.Namespace) -> int:
    question = _find(app, args.id, args.tenant)
    if args.json:
        print_json(question.to_public_json())
    else:
        print(_render(question))
    return 0


def _find(app: App, key: str, tenant: str) -> Question:
    """A question by id, or by the number the chat shows ("Question 47")."""
    if not key.strip().isdigit():
        return app.bank.find(key, tenant)
    number = int(key)
    matches = [q for q in app.bank.questions(tenant) if q.number == number]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserError(f"no question with number {number} (see `interview-bot bank list`)")
    ids = ", ".join(q.id for q in matches)
    raise UserError(f"number {number} is used by several questions ({ids}); give the id instead")


def _list(questions: list[Question], *, as_json: bool) -> int:
    if as_json:
        print_json([question.to_public_json() for question in questions])
        return 0
    for q in questions:
        print(f"{q.number:>3}  {q.id:<40} {q.topic:<30} {'*' * q.difficulty:<3}  {q.question}")
    print(f"{len(questions)} questions")
    return 0


def _render(q: Question) -> str:
    lines = [
        f"#{q.number} {q.id}  ({q.topic}, difficulty {q.difficulty})",
        "",
        q.question,
        "",
        "Reference answer:",
        q.reference,
        "",
        "Key points:",
        *(f"  - {point}" for point in q.key_points),
    ]
    if q.follow_ups:
        lines += ["", "Follow-ups:", *(f"  - {item}" for item in q.follow_ups)]
    if q.notes:
        lines += ["", "Corrections to the source:", *(f"  - {note}" for note in q.notes)]
    return "\n".join(lines)


def curation_problems(questions: list[Question]) -> list[str]:
    """What a curated bank needs beyond the schema: rubric sizes and unique numbers."""
    problems: list[str] = []
    numbers: dict[int, str] = {}
    for q in questions:
        if q.number in numbers:
            problems.append(f"{q.id}: number {q.number} is also used by {numbers[q.number]}")
        numbers.setdefault(q.number, q.id)
        low, high = KEY_POINTS_RANGE
        if not low <= len(q.key_points) <= high:
            problems.append(f"{q.id}: has {len(q.key_points)} key points, expected {low}-{high}")
        low, high = FOLLOW_UPS_RANGE
        if not low <= len(q.follow_ups) <= high:
            problems.append(f"{q.id}: has {len(q.follow_ups)} follow-ups, expected {low}-{high}")
        if not q.tags:
            problems.append(f"{q.id}: has no tags")
    return problems


def _check(path: Path) -> int:
    questions = load_bank(path)  # schema and unique ids; raises with file and line
    problems = curation_problems(questions)
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(questions)} questions in {path}")
    return 0


async def _import(app: App, args: argparse.Namespace, data: bytes) -> int:
    path: Path = args.path
    try:
        outcome = await app.bank.import_file(
            data, source=str(path), tenant=args.tenant, dry_run=args.dry_run
        )
    finally:
        await app.aclose()
    result = outcome.result
    for issue in result.issues:
        print(f"{path}:{issue}", file=sys.stderr)
    if args.json:
        print_json([question.to_public_json() for question in result.questions])
    action = "parsed (dry run, nothing written)" if args.dry_run else f"imported for {args.tenant}"
    print(
        f"{len(result.questions)} questions {action}; {len(result.errors)} error(s), "
        f"{len(result.issues) - len(result.errors)} warning(s)",
        file=sys.stderr,
    )
    return 1 if result.errors else 0
