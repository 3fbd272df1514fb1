"""What a grader is asked and what it answers."""

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

CRITERIA = ("correctness", "completeness", "clarity")
INJECTION_FLAG = "injection_suspected"


@dataclass(frozen=True)
class GradeRequest:
    """One answer to grade. `question_id` is None for ad-hoc questions (eval rows, `grade`)."""

    question: str
    reference: str
    key_points: tuple[str, ...]
    answer: str
    language: str = "en"
    question_id: str | None = None
    tenant: str = "global"
    extra_context: tuple[str, ...] = field(default_factory=tuple)
    # The rubric in the answer's language, for the offline grader (the LLM grades against the
    # English one and writes feedback in `language`).
    local_key_points: tuple[str, ...] | None = None
    local_reference: str | None = None
    # Who answered (opaque to grading), so cached copies of the answer can be purged on request.
    owner: str | None = None


class Grade(BaseModel):
    score: float = Field(ge=0, le=10)
    criteria: dict[str, float] = Field(default_factory=dict)
    covered: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict)  # covered point -> quote (LLM only)
    feedback: str = ""
    follow_up: str | None = None
    flags: list[str] = Field(default_factory=list)
    grader: Literal["llm", "offline"]
    provisional: bool = False
    language: str = "en"
    prompt_version: str | None = None
    model: str | None = None
    tokens: int = 0
    model_flagged_injection: bool = Field(default=False, exclude=True)

    def public_json(self) -> dict:
        return self.model_dump(mode="json")


def summary_feedback(covered: list[str], missing: list[str]) -> str:
    total = len(covered) + len(missing)
    if not missing:
        return f"You covered all {total} key points."
    lead = f"You covered {len(covered)} of {total} key points."
    return f"{lead} To strengthen the answer, address: " + "; ".join(missing)
