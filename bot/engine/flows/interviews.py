"""Mock interviews in a DM: n questions, at most one follow-up each, then a scorecard.

All state is in the database (the interview row and its served questions), so a restarted bot
resumes at the same question. While an interview runs in a place, `next`, `skip`, `reveal` and
the cards' buttons move through it (the practice flows hand over to `skip`, `next_step` and
`after_reveal`), never out of it into practice.
"""

from dataclasses import replace

from bot.bank.follow_ups import Rubric
from bot.engine import render
from bot.engine.commands import Command
from bot.engine.context import Turn
from bot.engine.events import Button, Reply
from bot.engine.flows.scorecard import build_scorecard, render_scorecard
from bot.grading.models import Grade
from bot.i18n.catalog import N_
from bot.storage.models import (
    Interview,
    InterviewStatus,
    Served,
    ServedMode,
    ServedStatus,
    utcnow,
)

DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 10
MOVED_ON = N_(
    "The interview has already moved on: you are at question {n} of {total}. Answer it, or `skip`."
)


async def command(turn: Turn, cmd: Command) -> list[Reply]:
    tr = turn.tr
    repo = turn.ctx.repo
    action = cmd.args[0]
    if action == "stop":
        interview = await repo.active_interview(turn.user.id, turn.incoming.channel)
        if interview is None:
            return [Reply(tr("No interview is running."))]
        return await stop(turn, interview)
    if not turn.incoming.is_dm:
        return [
            Reply(
                tr("Mock interviews run in a direct message: send me `interview start` there."),
                visibility="ephemeral",
            )
        ]
    count = DEFAULT_QUESTIONS
    filters: list[str] = []
    for word in cmd.args[1:]:
        if word.isdigit():
            count = max(1, min(MAX_QUESTIONS, int(word)))
        else:
            filters.append(word)
    questions = await turn.pick_questions(tuple(filters), count)
    if not questions:
        return [Reply(tr("No questions match that. Type `topics` to see them."))]
    interview = await repo.start_interview(
        tenant_id=turn.incoming.tenant,
        user_id=turn.user.id,
        channel=turn.incoming.channel,
        question_ids=[q.id for q in questions],
        position=0,
        status=InterviewStatus.ACTIVE,
    )
    intro = Reply(
        tr(
            "Mock interview: {count} questions. Answer each as you would in an "
            "interview; `interview stop` ends it.",
            count=len(questions),
        )
    )
    return [intro, await _serve(turn, interview.id, questions[0].id, 0, len(questions))]


async def stop(turn: Turn, interview: Interview) -> list[Reply]:
    """End the interview early, with a scorecard of what was answered."""
    repo = turn.ctx.repo
    scorecard = await build_scorecard(turn, interview.id, stopped=True)
    answered = bool(scorecard["questions"])
    await repo.update_interview(
        interview.id,
        status=InterviewStatus.STOPPED,
        finished_at=utcnow(),
        scorecard=scorecard if answered else None,
    )
    for served in await repo.interview_served(interview.id):
        await repo.close_served(served.id, ServedStatus.SKIPPED)
    stopped = Reply(turn.tr("Interview stopped. Type `interview start` to begin a new one."))
    if not answered:
        return [stopped, Reply(turn.tr("Nothing was answered, so there is nothing to score."))]
    return [stopped, render_scorecard(turn, scorecard)]


async def _serve(
    turn: Turn, interview_id: int, question_id: str, position: int, total: int
) -> Reply:
    question = turn.ctx.question(turn.incoming.tenant, question_id)
    served = await turn.ctx.repo.serve(
        tenant_id=turn.incoming.tenant,
        user_id=turn.user.id,
        question_id=question.id,
        channel=turn.incoming.channel,
        thread=None,
        mode=ServedMode.INTERVIEW,
        interview_id=interview_id,
    )
    heading = turn.tr("Question {n} of {total}", n=position + 1, total=total)
    local = await turn.ctx.local_question(question, turn.language)
    return render.question_reply(turn.tr, local, served.id, heading=heading)


async def _running(turn: Turn, served: Served) -> Interview | None:
    """The active interview `served` belongs to, if it still runs."""
    if served.mode != ServedMode.INTERVIEW or served.interview_id is None:
        return None
    interview = await turn.ctx.repo.active_interview(turn.user.id, served.channel)
    return interview if interview is not None and interview.id == served.interview_id else None


async def _open_step(turn: Turn, interview: Interview) -> Served | None:
    """The interview's open question or follow-up, if any."""
    rows = await turn.ctx.repo.interview_served(interview.id)
    return next((row for row in reversed(rows) if row.status == ServedStatus.OPEN), None)


def _moved_on(turn: Turn, interview: Interview) -> Reply:
    total = len(interview.question_ids)
    n = min(interview.position + 1, total)
    return Reply(turn.tr(MOVED_ON, n=n, total=total), visibility="ephemeral")


async def next_step(turn: Turn, after: int | None = None) -> list[Reply] | None:
    """`next` (typed, or a card's button) while an interview runs here: what is open is skipped
    and the interview goes on. `after` is the question a card's button was on: a button on a
    card the interview has left behind changes nothing. None when no interview runs here."""
    if not turn.interviewing:  # the turn's first read looked already
        return None
    interview = await turn.ctx.repo.active_interview(turn.user.id, turn.incoming.channel)
    if interview is None:
        return None
    current = await _open_step(turn, interview)
    if after is not None and current is not None and after not in (current.id, current.parent_id):
        return [_moved_on(turn, interview)]
    if current is not None:
        await turn.ctx.repo.close_served(current.id, ServedStatus.SKIPPED)
    return await advance(turn, interview)


async def skip(turn: Turn, served: Served) -> list[Reply] | None:
    """`skip` on an interview's question or follow-up: the interview goes on. None when
    `served` is not part of a running interview."""
    interview = await _running(turn, served)
    if interview is None:
        return None
    if not await turn.ctx.repo.close_served(served.id, ServedStatus.SKIPPED):
        return [_moved_on(turn, interview)]
    return [Reply(turn.tr("Skipped."), visibility="ephemeral"), *await advance(turn, interview)]


async def after_reveal(
    turn: Turn, served: Served, reference: Reply, *, was_open: bool
) -> list[Reply] | None:
    """The reference of an interview question. Shown for the open question, it ends that
    question (scored 0) and the interview goes on; shown for an earlier one, its "Next question"
    button moves on only from that question's follow-up. None outside a running interview."""
    interview = await _running(turn, served)
    if interview is None:
        return None
    if was_open:
        return [replace(reference, buttons=()), *await advance(turn, interview)]
    return [_next_after(turn, reference, served.id)]


def _next_after(turn: Turn, reply: Reply, served_id: int) -> Reply:
    """`reply` with its "Next question" button tied to the question it is about."""
    buttons = tuple(
        Button(f"next:{served_id}", turn.tr("Next question"), "primary")
        if button.action == "next"
        else button
        for button in reply.buttons
    )
    return replace(reply, buttons=buttons)


async def after_answer(turn: Turn, served: Served, grade: Grade, reply: Reply) -> list[Reply]:
    repo = turn.ctx.repo
    interview = await repo.active_interview(turn.user.id, served.channel)
    if interview is None or served.interview_id != interview.id:
        return [reply]
    if served.parent_id is None and grade.missing:
        follow_up, rubric = await _follow_up(turn, served, grade)
        if follow_up:
            child = await repo.serve(
                tenant_id=served.tenant_id,
                user_id=served.user_id,
                question_id=served.question_id,
                channel=served.channel,
                thread=None,
                mode=ServedMode.INTERVIEW,
                interview_id=interview.id,
                parent_id=served.id,
                follow_up=follow_up,
                follow_up_rubric=rubric.to_json(),
            )
            quoted = (follow_up,) if follow_up == grade.follow_up else ()  # the model's words
            # "Next question" on this card skips the follow-up.
            return [
                _next_after(turn, reply, served.id),
                Reply(follow_up, title=turn.tr("Follow-up"), served_id=child.id, quoted=quoted),
            ]
    # The next question (or the scorecard) comes right below: no "Next question" button.
    kept = tuple(button for button in reply.buttons if button.action != "next")
    return [replace(reply, buttons=kept), *await advance(turn, interview)]


async def advance(turn: Turn, interview: Interview) -> list[Reply]:
    """The interview's next question, or its scorecard after the last one."""
    repo = turn.ctx.repo
    position = interview.position + 1
    if position >= len(interview.question_ids):
        scorecard = await build_scorecard(turn, interview.id)
        await repo.update_interview(
            interview.id,
            position=position,
            status=InterviewStatus.FINISHED,
            scorecard=scorecard,
            finished_at=utcnow(),
        )
        return [render_scorecard(turn, scorecard)]
    await repo.update_interview(interview.id, position=position)
    total = len(interview.question_ids)
    question_id = interview.question_ids[position]
    return [await _serve(turn, interview.id, question_id, position, total)]


async def _follow_up(turn: Turn, served: Served, grade: Grade) -> tuple[str | None, Rubric]:
    """From the LLM's grade when it wrote one, otherwise from the bank's follow-ups; with the
    rubric it is graded against (its own, never the main question's)."""
    ctx = turn.ctx
    question = ctx.question(served.tenant_id, served.question_id)
    if grade.grader == "llm" and grade.follow_up:
        return grade.follow_up, await ctx.follow_ups.rubric(question, grade.follow_up, None)
    local = ctx.localized(question, turn.language)
    if not local.follow_ups:
        return None, Rubric((), "", "derived")
    # The bank's follow-up in English: what its rubric is made from.
    return local.follow_ups[0], await ctx.follow_ups.rubric(question, question.follow_ups[0], 0)
