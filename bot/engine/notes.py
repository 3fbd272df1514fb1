"""Polite notes that go with a grade's flags, in the reader's language."""

from collections.abc import Callable

from bot.grading.models import INJECTION_FLAG, Grade
from bot.i18n.catalog import N_

NOTES = {
    INJECTION_FLAG: N_(
        "Part of this answer reads like instructions to the grader, so it was graded only on what "
        "it demonstrably covers."
    ),
    "llm_budget_exhausted": N_(
        "Today's AI grading budget for this server or workspace is used up, so this answer was "
        "graded offline."
    ),
    "offline_language_rough": N_(
        "The offline grader works best in English, so this score is a rough estimate; an AI "
        "grader, when configured, grades every language properly."
    ),
    "provisional": N_(
        "The AI grader is not reachable right now, so this is a provisional offline grade; it may "
        "be updated when the grader is back."
    ),
}


def notes_for(grade: Grade, translate: Callable[[str], str] = str) -> list[str]:
    known = (INJECTION_FLAG, "llm_budget_exhausted", "offline_language_rough")
    keys = [flag for flag in known if flag in grade.flags]
    if grade.provisional:
        keys.append("provisional")
    return [translate(NOTES[key]) for key in keys]
