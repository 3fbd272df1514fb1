"""In-memory stand-ins for the engine's slow parts, so engine tests need no model."""

from bot.grading.llm import Appeal
from bot.grading.models import Grade, GradeRequest


class FakeGrader:
    """Grades by key-point words: a point is covered when its first word is in the answer."""

    uses_llm = False

    def __init__(self) -> None:
        self.requests: list[GradeRequest] = []
        self.forgotten: list[str] = []

    async def grade(self, request: GradeRequest, *, appeal: Appeal | None = None) -> Grade:
        self.requests.append(request)
        answer = request.answer.lower()
        covered = [p for p in request.key_points if p.split()[0].lower() in answer]
        missing = [p for p in request.key_points if p not in covered]
        score = round(10 * len(covered) / max(1, len(request.key_points)), 1)
        return Grade(score=score, covered=covered, missing=missing, grader="offline")

    async def regrade(self, request: GradeRequest) -> Grade:
        return await self.grade(request)

    async def forget(self, owner: str) -> int:
        self.forgotten.append(owner)
        return 0
