"""The grading pipeline the engine and the CLI call: guard first, then a grader."""

from dataclasses import replace
from typing import Protocol

from bot.grading.guard import InjectionGuard
from bot.grading.models import INJECTION_FLAG, Grade, GradeRequest
from bot.grading.offline import OfflineGrader

INJECTION_NOTE = (
    "Part of this answer reads like instructions to the grader, so it was graded only on what it "
    "demonstrably covers."
)


class Grader(Protocol):
    async def grade(self, request: GradeRequest) -> Grade: ...


class GradingService:
    """Checks the answer for injection, grades it, and caps what an injection could gain.

    When the guard fires, the grade is computed from the answer without the suspicious spans and
    can never exceed what the offline evidence supports.
    """

    def __init__(self, offline: OfflineGrader, guard: InjectionGuard) -> None:
        self._offline = offline
        self._guard = guard

    async def grade(self, request: GradeRequest) -> Grade:
        verdict = self._guard.inspect(request.answer)
        if not verdict.flagged:
            return await self._offline.grade(request)
        cleaned = replace(request, answer=verdict.without_spans(request.answer))
        grade = await self._offline.grade(cleaned)
        return grade.model_copy(
            update={
                "flags": [*grade.flags, INJECTION_FLAG, *verdict.signals],
                "feedback": f"{grade.feedback} {INJECTION_NOTE}".strip(),
            }
        )
