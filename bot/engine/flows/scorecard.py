"""The scorecard at the end of a mock interview (or when it is stopped): scores, strengths and
what to improve."""

from collections import defaultdict

from bot.engine.context import Turn
from bot.engine.events import Reply
from bot.engine.localize import in_language

BAR_MEETS = 5.0
BAR_EXCEEDS = 7.5


async def build_scorecard(turn: Turn, interview_id: int, *, stopped: bool = False) -> dict:
    """The scorecard. A finished interview counts a skipped question as 0; a stopped one scores
    only what was answered (an empty `questions` list if nothing was)."""
    ctx = turn.ctx
    repo = ctx.repo
    served_rows = await repo.interview_served(interview_id)
    attempts = {a.served_id: a for a in await repo.attempts_for_served([s.id for s in served_rows])}
    rows, covered, missing = [], [], []
    skipped = 0
    by_topic: defaultdict[str, list[float]] = defaultdict(list)
    for served in served_rows:
        if served.parent_id is not None:
            continue
        question = ctx.question(served.tenant_id, served.question_id)
        attempt = attempts.get(served.id)
        if attempt is None or attempt.score is None:
            if stopped:
                continue
            skipped += 1
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
        if not stopped and not skipped:
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
