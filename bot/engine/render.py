"""Replies the engine sends, built from domain objects and translated text."""

from bot.bank.models import Question
from bot.engine.events import Button, Reply
from bot.engine.notes import notes_for
from bot.grading.models import Grade
from bot.i18n.catalog import N_, Translator

DIFFICULTY_NAMES = {1: N_("easy"), 2: N_("medium"), 3: N_("hard")}


def question_reply(
    tr: Translator, question: Question, served_id: int, *, heading: str | None = None
) -> Reply:
    title = heading or tr(
        "Question {number} · {topic}", number=question.number, topic=question.topic
    )
    difficulty = tr(DIFFICULTY_NAMES.get(question.difficulty, "medium"))
    body = f"{question.question}\n\n" + tr(
        "Difficulty: {difficulty}. Reply with your answer.", difficulty=difficulty
    )
    return Reply(
        body,
        title=title,
        buttons=(
            Button(f"answer:{served_id}", tr("Answer"), "primary"),
            Button(f"hint:{served_id}", tr("Hint")),
            Button(f"reveal:{served_id}", tr("Show reference")),
            Button(f"skip:{served_id}", tr("Skip")),
        ),
        served_id=served_id,
        modal_answer=True,
    )


def grade_reply(
    tr: Translator, grade: Grade, score: float, attempt_id: int, served_id: int, max_score: float
) -> Reply:
    lines = [tr("Score: {score}/10", score=_number(score))]
    if max_score < 10:
        lines[0] += " " + tr("(at most {max}/10 after hints)", max=_number(max_score))
    if grade.covered:
        lines.append(tr("Covered:"))
        lines += [f"  ✓ {point}" for point in grade.covered]
    if grade.missing:
        lines.append(tr("Missed:"))
        lines += [f"  ✗ {point}" for point in grade.missing]
    feedback = grade.feedback
    quoted: tuple[str, ...] = (feedback,) if feedback else ()
    if grade.grader == "offline" or "feedback_replaced" in grade.flags:
        # Built by code from the key points (listed above), so it is said in the user's language.
        total = len(grade.covered) + len(grade.missing)
        feedback = tr(
            "You covered {covered} of {total} key points.", covered=len(grade.covered), total=total
        )
        quoted = ()
    if feedback:
        lines.append("")
        lines.append(feedback)
    lines += ["", *notes_for(grade, tr)] if notes_for(grade) else []
    return Reply(
        "\n".join(lines),
        title=tr("Your grade"),
        score=score,
        quoted=quoted,
        buttons=(
            Button(f"reveal:{served_id}", tr("Show reference")),
            Button("next", tr("Next question"), "primary"),
            Button(f"vote:up:{attempt_id}", "👍", "success"),
            Button(f"vote:down:{attempt_id}", "👎", "danger"),
        ),
    )


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
