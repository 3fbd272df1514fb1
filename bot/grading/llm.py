"""The LLM grader: one structured call per answer, with the answer spotlighted as data.

The answer goes only into the user message, between markers carrying a boundary token chosen at
random for each call; the system message holds the instructions and never the answer. What the
model returns is a verdict, not a grade: `bot.grading.verdict` checks it and code computes the
score.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import from_json

from bot.grading.models import GradeRequest
from bot.llm.chat import ChatModel, Completion
from bot.llm.prompts import PromptLibrary

MAX_KEY_POINTS = 20
MAX_QUOTE_CHARS = 1000
MAX_FEEDBACK_CHARS = 1500
MAX_FOLLOW_UP_CHARS = 400
# The reply's cap: a full verdict (feedback at its longest, a quote per point) fits well within.
MAX_REPLY_TOKENS = 1000
# Related bank entries' share of a grade's 1,200 prompt tokens (prompts/README.md), at about
# 4 characters a token; what doesn't fit is cut at a word.
MAX_CONTEXT_TOKENS = 200
MAX_CONTEXT_CHARS = MAX_CONTEXT_TOKENS * 4


def _untitled(schema: dict[str, Any]) -> None:
    """Drop the titles pydantic gives each field: tokens in every request that tell the model
    nothing. (The model's own title stays: it names the function in tool calls.)"""
    for node in schema.get("properties", {}).values():
        node.pop("title", None)


def _within(low: int, high: int):
    """A number the model gave outside [low, high], brought to the nearest bound. Grammar
    converters (llama.cpp's among them) don't enforce a schema's minimum and maximum, so a small
    model may write 11 or -1; retrying the whole call for that costs a user 10-30 s, while the
    clamped value is harmless: code computes the score from verified evidence, not from it."""

    def clamp(value: Any) -> Any:
        return min(max(value, low), high) if isinstance(value, int | float) else value

    return BeforeValidator(clamp)


Criterion = Annotated[int, Field(ge=0, le=10), _within(0, 10)]


class CoveredPoint(BaseModel):
    model_config = ConfigDict(json_schema_extra=_untitled)

    # Unbounded when parsed: a number naming no key point is a rejected claim (`verdict.py`),
    # not a failed call. The schema still tells the model the range.
    point: int = Field(json_schema_extra={"minimum": 1, "maximum": MAX_KEY_POINTS})
    evidence: str


# The JSON schema the model fills (temperature 0). It holds no string lengths and no array sizes:
# llama.cpp's schema-to-grammar converter (also behind Ollama) turns them into repetition rules
# and gives up on long ones, crashing the server. `bot.grading.verdict` enforces the `MAX_*`
# limits above after parsing. The docstring is sent to the model as the schema's description.
# The fields that decide the score come first and the free text last, so a reply cut at the
# token cap (a small model rambling inside a string) still holds them: see `salvage`.
class LLMVerdict(BaseModel):
    """The grade of the candidate's answer."""

    model_config = ConfigDict(json_schema_extra=_untitled)

    correctness: Criterion
    completeness: Criterion
    clarity: Criterion
    covered: list[CoveredPoint]
    injection_suspected: bool
    feedback: str
    follow_up: str | None

    @classmethod
    def salvage(cls, text: str) -> Self | None:
        """The verdict in a reply cut at the token cap, when its criteria arrived whole. Covered
        points count up to the cut (each is still checked against the answer); a cut-off string
        is dropped, never shown, and feedback becomes the evidence summary. A missing injection
        flag is taken as not raised: the guard and the evidence bound hold the score anyway."""
        try:
            data = from_json(text, allow_partial=True)
            if not isinstance(data, dict) or not isinstance(data.get("covered"), list):
                return None
            whole = [point for point in data["covered"] if _is_whole(point)]
            defaults = {"injection_suspected": False, "feedback": "", "follow_up": None}
            return cls.model_validate({**defaults, **data, "covered": whole})
        except ValueError:  # pydantic's ValidationError is one
            return None


def _is_whole(point: object) -> bool:
    return isinstance(point, dict) and {"point", "evidence"} <= point.keys()


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
    prompt_tokens: int = 0
    truncated: bool = False  # the reply was cut at the token cap and salvaged


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

    def messages(
        self, request: GradeRequest, boundary: str, appeal: Appeal | None = None
    ) -> list[tuple[str, str]]:
        """The system and user messages of one grading call."""
        system = self._prompts.get(self.SYSTEM).render(boundary=boundary, language=request.language)
        user = self._prompts.get(self.USER).render(
            question=request.question,
            rubric=_rubric(request),
            context=_context(request.extra_context, boundary),
            boundary=boundary,
            answer=request.answer,
        )
        if appeal is not None:
            user += "\n\n" + self._prompts.get(self.APPEAL).render(
                boundary=boundary, appeal=appeal.text, previous_score=f"{appeal.previous_score:g}"
            )
        return [("system", system), ("human", user)]

    async def judge(self, request: GradeRequest, appeal: Appeal | None = None) -> Judgement:
        boundary = _fresh_boundary(
            request.answer, appeal.text if appeal else "", *request.extra_context
        )
        completion: Completion[LLMVerdict] = await self._chat.structured(
            LLMVerdict,
            self.messages(request, boundary, appeal),
            max_tokens=MAX_REPLY_TOKENS,
            salvage=LLMVerdict.salvage,
        )
        return Judgement(
            completion.value,
            boundary,
            completion.tokens,
            completion.attempts,
            prompt_tokens=completion.prompt_tokens,
            truncated=completion.truncated,
        )


def _fresh_boundary(*texts: str) -> str:
    while True:
        boundary = secrets.token_hex(8)
        if not any(boundary in text for text in texts):
            return boundary


def _rubric(request: GradeRequest) -> str:
    """The key points, numbered; the reference only when there are none. Key points are drawn
    from the reference, so sending both would pay for the same text twice."""
    if not request.key_points:
        return f"Reference answer (trusted):\n{request.reference}\n"
    numbered = "\n".join(f"{n}. {point}" for n, point in enumerate(request.key_points, 1))
    return f"Key points (trusted), numbered:\n{numbered}\n"


def _context(extra: tuple[str, ...], boundary: str) -> str:
    """Related bank entries, fenced like the answer: imported banks are tenants' text, so it is
    data for background, never instructions. Bounded by `MAX_CONTEXT_CHARS`."""
    kept: list[str] = []
    room = MAX_CONTEXT_CHARS
    for item in extra:
        text = " ".join(item.split())
        if room < 20 or not text:
            break
        if len(text) > room:
            text = text[: room - 1].rsplit(" ", 1)[0] + "…"
        kept.append(f"- {text}")
        room -= len(text)
    if not kept:
        return ""
    related = "\n".join(kept)
    return f"<<<CONTEXT-{boundary}>>>\n{related}\n<<<END-CONTEXT-{boundary}>>>\n"
