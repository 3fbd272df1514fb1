"""An answer to an open question: validate -> close -> store -> grade -> save -> review.

The question is closed with a conditional update, in the transaction that stores the answer
(status pending), before its answer is graded: two messages at once, or two bot instances, never
grade the same question twice. The grade and the review it schedules are saved in one more
transaction. The stored answer survives any grading failure: `resume` grades it at the next
start, and provisional grades are re-graded in the background (`on_regraded`).
"""

import logging

from bot.bank.follow_ups import Rubric, derive_rubric
from bot.bank.models import Question
from bot.engine import render
from bot.engine.commands import Command
from bot.engine.context import QUESTION_GONE, Context, Turn, TurnError, owner_of
from bot.engine.events import Reply
from bot.engine.flows import interviews
from bot.engine.localize import in_language
from bot.engine.notify import Delivery
from bot.engine.scoring import apply_hints, max_score, review_update
from bot.engine.validation import MAX_ANSWER_CHARS, clean, problem
from bot.grading.llm import Appeal
from bot.grading.models import Grade, GradeRequest
from bot.grading.regrade import RegradeJob
from bot.i18n.catalog import N_
from bot.storage.models import (
    Attempt,
    AttemptStatus,
    Served,
    ServedMode,
    ServedStatus,
    naive_utc,
)

log = logging.getLogger(__name__)


async def answer(turn: Turn, served: Served, text: str) -> list[Reply]:
    ctx = turn.ctx
    issue = problem(text)
    if issue is not None:
        return [Reply(turn.tr(issue, length=len(text), limit=f"{MAX_ANSWER_CHARS:,}"))]
    if ctx.limiter is not None and not await ctx.limiter.allow(
        f"{turn.incoming.tenant}:{turn.incoming.user}"
    ):
        return [
            Reply(
                turn.tr(
                    "You're answering very fast. Wait a minute, then send your "
                    "answer again; the question is still open."
                )
            )
        ]
    question = ctx.find_question(served.tenant_id, served.question_id)
    if question is None:
        await ctx.repo.close_served(served.id, ServedStatus.ANSWERED)
        raise TurnError(QUESTION_GONE)
    local = await ctx.local_question(question, turn.language)
    # Close the question and store the answer at once: two messages, or two instances, never
    # grade the same question twice, and a failure stores nothing and leaves it open.
    attempt = await ctx.repo.close_with_attempt(
        served.id,
        ServedStatus.ANSWERED,
        tenant_id=served.tenant_id,
        user_id=turn.user.id,
        question_id=served.question_id,
        answer=clean(text),
        language=turn.language,
        created_at=naive_utc(ctx.clock.now()),
    )
    if attempt is None:
        return [Reply(turn.tr("That question was already answered. Type `next` for another."))]
    grade, score = await grade_attempt(turn, served, attempt, question=question, local=local)
    if grade is None:
        return [
            Reply(
                turn.tr(
                    "Your answer is saved, but grading failed. It will be graded "
                    "as soon as possible."
                )
            )
        ]
    shown = grade.model_copy(
        update={
            "covered": in_language(grade.covered, question, local),
            "missing": in_language(grade.missing, question, local),
        }
    )
    cap = max_score(served.hints)
    reply = render.grade_reply(turn.tr, shown, score, attempt.id, served.id, cap)
    if served.mode == ServedMode.INTERVIEW:
        return await interviews.after_answer(turn, served, grade, reply)
    return [reply]


def follow_up_request(
    served: Served, question: Question, answer: str, language: str, owner: str
) -> GradeRequest | None:
    """A follow-up's grade request: against its own rubric (stored when it was asked; derived
    from the reference for a follow-up asked before rubrics were stored)."""
    if served.follow_up is None:
        return None
    rubric = (
        Rubric.from_json(served.follow_up_rubric)
        if served.follow_up_rubric
        else derive_rubric(question, served.follow_up)
    )
    return GradeRequest(
        question=served.follow_up,
        reference=rubric.reference or question.reference,
        key_points=rubric.key_points,
        answer=answer,
        language=language,
        question_id=None,  # not the bank question's rubric: cached by its content instead
        tenant=served.tenant_id,
        owner=owner,
    )


async def grade_request(
    ctx: Context,
    served: Served,
    question: Question,
    answer: str,
    language: str,
    user_id: int,
    *,
    local: Question | None = None,
) -> GradeRequest:
    """What an answer to `served` is graded against: a follow-up's own rubric, else the bank
    entry as the store holds it (with related entries for an LLM). `local` is the question as
    the user read it, when that was a translation."""
    owner = owner_of(user_id)
    follow_up = follow_up_request(served, question, answer, language, owner)
    if follow_up is not None:
        return follow_up
    translated = local is not None and local is not question
    question, related = await ctx.bank.grading_material(
        question, served.tenant_id, related=ctx.grader.uses_llm
    )
    return GradeRequest(
        question=question.question,
        reference=question.reference,
        key_points=tuple(question.key_points),
        answer=answer,
        language=language,
        question_id=question.id,
        tenant=served.tenant_id,
        extra_context=related,
        local_key_points=tuple(local.key_points) if translated else None,
        local_reference=local.reference
        if translated and local.reference != question.reference
        else None,
        owner=owner,
    )


async def grade_attempt(
    turn: Turn,
    served: Served,
    attempt: Attempt,
    *,
    question: Question,
    local: Question,
) -> tuple[Grade | None, float]:
    """Grade a stored answer. The stored attempt survives any grading failure."""
    ctx = turn.ctx
    request = await grade_request(
        ctx, served, question, attempt.answer, turn.language, turn.user.id, local=local
    )
    try:
        grade = await ctx.grader.grade(request)
        score = await save(ctx, attempt, grade, hints=served.hints)
    except Exception:  # the answer is stored: it is graded again at the next start
        log.exception("grading failed; attempt %s stays pending", attempt.id)
        return None, 0.0
    if grade.provisional and ctx.regrades is not None:
        ctx.regrades.submit(RegradeJob(str(attempt.id), request))
    return grade, score


async def save(ctx: Context, attempt: Attempt, grade: Grade, *, hints: int | None = None) -> float:
    if hints is None:
        served = await ctx.repo.served(attempt.served_id)
        hints = served.hints if served else 0
    score = apply_hints(grade.score, hints)
    review = review_update(ctx, attempt.tenant_id, attempt.user_id, attempt.question_id, score)
    await ctx.repo.save_grade(attempt.id, grade.public_json(), score, review)
    return score


async def request_for(ctx: Context, attempt: Attempt) -> GradeRequest | None:
    question = ctx.find_question(attempt.tenant_id, attempt.question_id)
    served = await ctx.repo.served(attempt.served_id)
    if question is None or served is None or not attempt.answer:
        return None
    return await grade_request(
        ctx, served, question, attempt.answer, attempt.language, attempt.user_id
    )


async def resume(ctx: Context) -> int:
    """After a restart: grade answers stored but never graded, queue provisional ones."""
    count = 0
    for attempt in await ctx.repo.unfinished_attempts():
        request = await request_for(ctx, attempt)
        if request is None:
            continue
        count += 1
        if attempt.status == AttemptStatus.PENDING:
            grade = await ctx.grader.grade(request)
            score = await save(ctx, attempt, grade)
            await _announce(ctx, attempt, score, N_("Your answer was graded: {score}/10."))
        if ctx.regrades is not None and (
            attempt.provisional or attempt.status == AttemptStatus.PENDING
        ):
            ctx.regrades.submit(RegradeJob(str(attempt.id), request))
    return count


async def on_regraded(ctx: Context, job: RegradeJob, grade: Grade) -> None:
    attempt = await ctx.repo.attempt(int(job.key))
    if attempt is None:  # forgotten while it was being re-graded: drop what was cached
        if job.request.owner is not None:
            await ctx.grader.forget(job.request.owner)
        return
    score = await save(ctx, attempt, grade)
    await _announce(
        ctx, attempt, score, N_("Your answer was re-graded by the AI grader: {score}/10.")
    )


async def _announce(ctx: Context, attempt: Attempt, score: float, message: str) -> None:
    """Tell the user about a grade they didn't wait for, where they answered."""
    served = await ctx.repo.served(attempt.served_id)
    if served is None:
        return
    external = await ctx.repo.external_id(attempt.user_id)
    tr = ctx.translator(attempt.language)
    delivery = Delivery(attempt.tenant_id, served.channel, served.thread, external)
    await ctx.outbox.send(delivery, [Reply(tr(message, score=f"{score:g}"), score=score)])


async def appeal(turn: Turn, command: Command) -> list[Reply]:
    ctx = turn.ctx
    if not command.rest:
        return [Reply(turn.tr("Tell me why: `appeal <your argument>`."))]
    attempt = await ctx.repo.last_attempt(turn.tenant, turn.user.id)
    if attempt is None or attempt.grade is None:
        return [Reply(turn.tr("There is no graded answer to appeal."))]
    if not ctx.grader.uses_llm:
        await ctx.repo.add_appeal(attempt.id, command.rest, None, False)
        return [
            Reply(
                turn.tr(
                    "Appeals are re-graded by the AI grader, which isn't set up "
                    "here. Your appeal is recorded for the admins."
                )
            )
        ]
    request = await request_for(ctx, attempt)
    assert request is not None
    previous = attempt.score or 0.0
    regrade = await ctx.grader.grade(request, appeal=Appeal(command.rest, previous))
    served = await ctx.repo.served(attempt.served_id)
    new_score = apply_hints(regrade.score, served.hints if served else 0)
    accepted = not regrade.provisional and new_score > previous
    await ctx.repo.add_appeal(attempt.id, command.rest, regrade.public_json(), accepted)
    if accepted:
        await ctx.repo.save_grade(attempt.id, regrade.public_json(), new_score)
        return [
            Reply(
                turn.tr(
                    "The re-grade agrees with you: your score is now {score}/10.",
                    score=f"{new_score:g}",
                )
            )
        ]
    return [
        Reply(
            turn.tr(
                "The re-grade gave {new}/10, so your score stays {old}/10. Your "
                "appeal is recorded for the admins.",
                new=f"{new_score:g}",
                old=f"{previous:g}",
            )
        )
    ]
