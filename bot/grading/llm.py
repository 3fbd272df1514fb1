"""The LLM grader: one structured call per answer, with the answer spotlighted as data.

The answer goes only into the user message, between markers carrying a boundary token chosen at
random for each call; the system message holds the instructions and never the answer. What the
model returns is a verdict, not a grade: `bot.grading.verdict` checks it and code computes the
score.
"""

import secrets
from dataclasses import dataclass

from pydantic import BaseModel, Field

from bot.grading.models import GradeRequest
from bot.llm.chat import ChatModel, Completion
from bot.llm.prompts import PromptLibrary

MAX_KEY_POINTS = 20
MAX_FEEDBACK_CHARS = 1500
MAX_FOLLOW_UP_CHARS = 400


class CoveredPoint(BaseModel):
    point: int = Field(ge=1, le=MAX_KEY_POINTS, description="the key point's number")
    evidence: str = Field(
        min_length=1, max_length=1000, description="an exact quote from the candidate's answer"
    )


class LLMVerdict(BaseModel):
    """The JSON schema the model must fill (temperature 0)."""

    correctness: int = Field(ge=0, le=10)
    completeness: int = Field(ge=0, le=10)
    clarity: int = Field(ge=0, le=10)
    covered: list[CoveredPoint] = Field(max_length=MAX_KEY_POINTS)
    feedback: str = Field(min_length=1, max_length=MAX_FEEDBACK_CHARS)
    follow_up: str | None = Field(max_length=MAX_FOLLOW_UP_CHARS)
    injection_suspected: bool


@dataclass(frozen=True)
class Appeal:
    """A candidate's argument against an earlier grade: untrusted, spotlighted like the answer."""

    text: str
    previous_score: float


@dataclass(frozen=True)
class Judgement:
    verdict: LLMVerdict
    boundary: str
    tokens: int
    attempts: int


class LLMGrader:
    SYSTEM = "grader-system"
    USER = "grader-user"
    APPEAL = "grader-appeal"

    def __init__(self, chat: ChatModel, prompts: PromptLibrary) -> None:
        self._chat = chat
        self._prompts = prompts

    @property
    def model(self) -> str:
        return self._chat.name

    @property
    def version(self) -> str:
        """The prompt versions in use; part of the cache key and of every attempt record."""
        names = (self.SYSTEM, self.USER, self.APPEAL)
        return "+".join(self._prompts.get(name).tag for name in names)

    def instructions(self) -> list[str]:
        """The fixed prompt text, for checking that feedback doesn't leak it."""
        return [self._prompts.get(name).template.template for name in (self.SYSTEM, self.USER)]

    async def judge(self, request: GradeRequest, appeal: Appeal | None = None) -> Judgement:
        boundary = _fresh_boundary(request.answer, appeal.text if appeal else "")
        system = self._prompts.get(self.SYSTEM).render(boundary=boundary, language=request.language)
        user = self._prompts.get(self.USER).render(
            question=request.question,
            reference=request.reference,
            key_points="\n".join(
                f"{number}. {point}" for number, point in enumerate(request.key_points, 1)
            ),
            context=_context(request.extra_context),
            boundary=boundary,
            answer=request.answer,
        )
        if appeal is not None:
            user += "\n\n" + self._prompts.get(self.APPEAL).render(
                boundary=boundary, appeal=appeal.text, previous_score=f"{appeal.previous_score:g}"
            )
        completion: Completion[LLMVerdict] = await self._chat.structured(
            LLMVerdict, [("system", system), ("human", user)]
        )
        return Judgement(completion.value, boundary, completion.tokens, completion.attempts)


def _fresh_boundary(*texts: str) -> str:
    while True:
        boundary = secrets.token_hex(8)
        if not any(boundary in text for text in texts):
            return boundary


def _context(extra: tuple[str, ...]) -> str:
    if not extra:
        return ""
    related = "\n".join(f"- {item}" for item in extra)
    return f"\nRelated material from the question bank (trusted, for context only):\n{related}\n"
