"""Mock interviews in a DM: n questions, at most one follow-up each, then a scorecard.

All state is in the database (the interview row and its served questions), so a restarted bot
resumes at the same question.
"""

from collections import defaultdict

from bot.engine import render
from bot.engine.commands import Command
from bot.engine.context import Turn
from bot.engine.events import Reply
from bot.engine.localize import in_language
from bot.grading.models import Grade
from bot.storage.models import (
    InterviewStatus,
    Served,
    ServedMode,
    ServedStatus,
    utcnow,
)

DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 10
BAR_MEETS = 5.0
BAR_EXCEEDS = 7.5


async def command(turn: Turn, cmd: Command) -> list[Reply]:
    tr = turn.tr
    repo = turn.ctx.repo
    action = cmd.args[0]
    if action == "stop":
        interview = await repo.active_interview(turn.user.id, turn.incoming.channel)
        if interview is None:
            return [Reply(tr("No interview is running."))]
        await repo.update_interview(
            interview.id, status=InterviewStatus.STOPPED, finished_at=utcnow()
        )
        for served in await repo.interview_served(interview.id):
            await repo.close_served(served.id, ServedStatus.SKIPPED)
        return [Reply(tr("Interview stopped. Type `interview start` to begin a new one."))]
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


async def after_answer(turn: Turn, served: Served, grade: Grade, reply: Reply) -> list[Reply]:
    repo = turn.ctx.repo
    interview = await repo.active_interview(turn.user.id, served.channel)
    if interview is None or served.interview_id != interview.id:
        return [reply]
    replies = [reply]
    if served.parent_id is None and grade.missing:
        follow_up = _follow_up(turn, served, grade)
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
            )
            quoted = (follow_up,) if follow_up == grade.follow_up else ()  # the model's words
            replies.append(
                Reply(follow_up, title=turn.tr("Follow-up"), served_id=child.id, quoted=quoted)
            )
            return replies
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
        replies.append(render_scorecard(turn, scorecard))
        return replies
    await repo.update_interview(interview.id, position=position)
    replies.append(
        await _serve(
            turn,
            interview.id,
            interview.question_ids[position],
            position,
            len(interview.question_ids),
        )
    )
    return replies


def _follow_up(turn: Turn, served: Served, grade: Grade) -> str | None:
    """From the LLM's grade when it wrote one, otherwise from the bank's follow-ups."""
    if grade.grader == "llm" and grade.follow_up:
        return grade.follow_up
    question = turn.ctx.question(served.tenant_id, served.question_id)
    local = turn.ctx.localized(question, turn.language)
    return local.follow_ups[0] if local.follow_ups else None


async def build_scorecard(turn: Turn, interview_id: int) -> dict:
    ctx = turn.ctx
    repo = ctx.repo
    served_rows = await repo.interview_served(interview_id)
    attempts = {a.served_id: a for a in await repo.attempts_for_served([s.id for s in served_rows])}
    rows, covered, missing = [], [], []
    by_topic: defaultdict[str, list[float]] = defaultdict(list)
    for served in served_rows:
        if served.parent_id is not None:
            continue
        question = ctx.question(served.tenant_id, served.question_id)
        attempt = attempts.get(served.id)
        score = attempt.score if attempt and attempt.score is not None else 0.0
        rows.append(
            {
                "question": question.id,
                "number": question.number,
                "topic": question.topic,
                "score": score,
            }
        )
        by_topic[question.topic].append(score)
        grade = (attempt.grade or {}) if attempt else {}
        local = ctx.localized(question, turn.language)
        covered += [(score, p) for p in in_language(grade.get("covered", []), question, local)]
        missing += [
            (score, p)
            for p in in_language(grade.get("missing", question.key_points), question, local)
        ]
    average = sum(r["score"] for r in rows) / len(rows) if rows else 0.0
    tr = turn.tr
    strengths = [tr("You explained: {point}", point=p) for _, p in sorted(covered, reverse=True)]
    if len(strengths) < 3:
        best = max(rows, key=lambda r: r["score"], default=None)
        if best:
            strengths.append(
                tr(
                    "Your strongest answer was on {topic} ({score}/10).",
                    topic=best["topic"],
                    score=f"{best['score']:g}",
                )
            )
        strengths.append(tr("You answered all {count} questions to the end.", count=len(rows)))
        strengths.append(tr("You kept going under interview conditions, without the reference."))
    improvements = [tr("Cover: {point}", point=p) for _, p in sorted(missing)]
    if len(improvements) < 2:
        improvements.append(tr("Give a concrete example or number to back each claim."))
        improvements.append(tr("Say when a technique does not apply, not only when it does."))
    verdict = "exceeds" if average >= BAR_EXCEEDS else "meets" if average >= BAR_MEETS else "below"
    return {
        "questions": rows,
        "topics": {t: round(sum(v) / len(v), 1) for t, v in by_topic.items()},
        "average": round(average, 1),
        "strengths": strengths[:5],
        "improvements": improvements[:5],
        "verdict": verdict,
    }


def render_scorecard(turn: Turn, card: dict) -> Reply:
    tr = turn.tr
    verdicts = {
        "below": tr("below the bar"),
        "meets": tr("meets the bar"),
        "exceeds": tr("exceeds the bar"),
    }
    lines = [
        tr(
            "Average: {average}/10, verdict: {verdict}",
            average=f"{card['average']:g}",
            verdict=verdicts[card["verdict"]],
        )
    ]
    lines += [
        f"  #{row['number']} {row['topic']}: {row['score']:g}/10" for row in card["questions"]
    ]
    lines.append(tr("By topic:"))
    lines += [f"  {topic}: {score:g}/10" for topic, score in card["topics"].items()]
    lines.append(tr("Strengths:"))
    lines += [f"  + {item}" for item in card["strengths"]]
    lines.append(tr("To improve:"))
    lines += [f"  - {item}" for item in card["improvements"]]
    return Reply("\n".join(lines), title=tr("Interview scorecard"), score=card["average"])
