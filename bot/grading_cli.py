"""`interview-bot grade` and `interview-bot eval`."""

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import Progress

from bot.bank.keypoints import derive_key_points
from bot.cli_output import print_json
from bot.engine.notes import notes_for
from bot.errors import UserError
from bot.grading.dataset import read_rows
from bot.grading.models import Grade, GradeRequest
from bot.grading.stats import agreement

if TYPE_CHECKING:
    from bot.app import App

MAX_ANSWER_CHARS = 8000
EVAL_CONCURRENCY = 4


def run_grade(app: "App", args: argparse.Namespace) -> int:
    answer = sys.stdin.read() if args.answer == "-" else args.answer
    if not answer.strip():
        raise UserError("the answer is empty")
    if len(answer) > MAX_ANSWER_CHARS:
        raise UserError(f"the answer is longer than {MAX_ANSWER_CHARS} characters")
    if args.question_id:
        question = app.bank.find(args.question_id, args.tenant)
        request = GradeRequest(
            question=question.question,
            reference=question.reference,
            key_points=tuple(question.key_points),
            answer=answer,
            language=args.language,
            question_id=question.id,
            tenant=args.tenant,
        )
    elif args.question and args.reference:
        request = GradeRequest(
            question=args.question,
            reference=args.reference,
            key_points=tuple(derive_key_points(args.reference)),
            answer=answer,
            language=args.language,
        )
    else:
        raise UserError("give --question-id, or both --question and --reference")
    grade = asyncio.run(_grade_once(app, request))
    if args.json:
        print_json(grade.public_json())
    else:
        print(render(grade))
    return 0


async def _grade_once(app: "App", request: GradeRequest) -> Grade:
    try:
        await app.prepare_storage()  # token usage is recorded
        grade = await app.grading.grade(request)
    finally:
        await app.aclose()
    feedback = " ".join([grade.feedback, *notes_for(grade)]).strip()
    return grade.model_copy(update={"feedback": feedback})


def render(grade: Grade) -> str:
    kind = f"{grade.grader}, provisional" if grade.provisional else grade.grader
    lines = [f"Score: {grade.score:.1f}/10 ({kind})"]
    lines += [f"  covered: {point}" for point in grade.covered]
    lines += [f"  missing: {point}" for point in grade.missing]
    lines.append(grade.feedback)
    if grade.follow_up:
        lines.append(f"Follow-up: {grade.follow_up}")
    return "\n".join(lines)


def run_eval(app: "App", args: argparse.Namespace) -> int:
    rows = read_rows(args.path)
    return asyncio.run(_evaluate(app, rows, args.out))


async def _evaluate(app: "App", rows, out: Path | None) -> int:
    # An LLM is network-bound, so a few rows run at once; offline grading is CPU-bound.
    slots = asyncio.Semaphore(EVAL_CONCURRENCY if app.grading.uses_llm else 1)
    await app.prepare_storage()  # token usage is recorded
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("grading", total=len(rows))

            async def grade(row) -> Grade:
                request = GradeRequest(
                    question=row.question,
                    reference=row.reference,
                    key_points=row.key_points or tuple(derive_key_points(row.reference)),
                    answer=row.answer,
                )
                async with slots:
                    result = await app.grading.grade(request)
                progress.advance(task)
                return result

            grades = await asyncio.gather(*(grade(row) for row in rows))
    finally:
        await app.aclose()
    result = agreement([g.score for g in grades], [row.human for row in rows])
    print(result.line())
    print("graded by: " + ", ".join(f"{kind} {n}" for kind, n in _graders(grades).items()))
    if out is not None:
        lines = [
            json.dumps(
                {
                    "row": row.row,
                    "predicted": grade.score,
                    "human": row.human,
                    "grader": grade.grader,
                    "provisional": grade.provisional,
                    "flags": grade.flags,
                }
            )
            for row, grade in zip(rows, grades, strict=True)
        ]
        await asyncio.to_thread(out.write_text, "\n".join(lines) + "\n", encoding="utf-8")
    return 0


def _graders(grades: list[Grade]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for grade in grades:
        kind = f"{grade.grader} (provisional)" if grade.provisional else grade.grader
        counts[kind] = counts.get(kind, 0) + 1
    return counts
