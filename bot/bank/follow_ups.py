"""The rubric a follow-up question is graded against: its own, never the main question's.

In order: the key points the bank gives for that follow-up (`Question.follow_up_points`); with
an LLM configured, points it writes from the reference for this follow-up; otherwise the part of
the reference (its sentences and the question's key points) that shares the most words with the
follow-up. The rubric is made once, when the follow-up is asked, and stored with it, so a re-grade
or an appeal grades against the same points.
"""

import logging
import math
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.bank.keypoints import derive_key_points
from bot.bank.models import Question
from bot.llm.chat import ChatModel, LLMUnavailable
from bot.llm.prompts import PromptLibrary

log = logging.getLogger(__name__)

MAX_POINTS = 4
MAX_POINT_CHARS = 300
DERIVED_POINTS = 3
RELATIVE_AT = 0.6
MAX_REPLY_TOKENS = 400
_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"\*\*|__|`")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
# Words that say what kind of question it is, not what it is about.
_STOP = frozenset(
    """a an and are as at be by can do does for from how in is it its of on or should that the
    their them there these this to use used using was what when where which why with would you
    your give write explain describe does did between than into over under about""".split()
)
Source = Literal["bank", "llm", "derived"]


@dataclass(frozen=True)
class Rubric:
    key_points: tuple[str, ...]
    reference: str  # the part of the reference this follow-up is about
    source: Source

    def to_json(self) -> dict:
        return {
            "key_points": list(self.key_points),
            "reference": self.reference,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Rubric":
        return cls(tuple(data["key_points"]), data.get("reference", ""), data.get("source", "bank"))


class FollowUpPoints(BaseModel):
    """Key points a good answer to the follow-up question makes."""

    model_config = ConfigDict(extra="forbid")

    key_points: list[str] = Field(min_length=1)


class FollowUpRubrics:
    PROMPT = "follow-up-rubric"

    def __init__(self, chat: ChatModel | None = None, prompts: PromptLibrary | None = None) -> None:
        self._chat = chat
        self._prompts = prompts

    async def rubric(self, question: Question, follow_up: str, index: int | None) -> Rubric:
        """The rubric of `follow_up`, asked after `question`; `index` is its place in the bank's
        `follow_ups` when it comes from there (None when a model wrote it)."""
        if index is not None and index < len(question.follow_up_points):
            points = tuple(question.follow_up_points[index])
            return Rubric(points, relevant_part(question, follow_up, points), "bank")
        derived = derive_rubric(question, follow_up)
        if self._chat is None or self._prompts is None:
            return derived
        written = await self._from_llm(question, follow_up, derived.reference)
        return derived if written is None else Rubric(written, derived.reference, "llm")

    async def _from_llm(
        self, question: Question, follow_up: str, relevant: str
    ) -> tuple[str, ...] | None:
        assert self._chat is not None and self._prompts is not None
        boundary = secrets.token_hex(8)
        prompt = self._prompts.get(self.PROMPT).render(
            boundary=boundary,
            question=question.question,
            reference=question.reference,
            key_points="\n".join(f"- {point}" for point in question.key_points),
            follow_up=follow_up.replace(boundary, ""),
        )
        try:
            completion = await self._chat.structured(
                FollowUpPoints, [("human", prompt)], max_tokens=MAX_REPLY_TOKENS
            )
        except LLMUnavailable as exc:
            log.warning("no follow-up rubric from the LLM (%s); derived instead", exc.reason)
            return None
        points = [
            " ".join(point.split())[:MAX_POINT_CHARS]
            for point in completion.value.key_points
            if point.strip()
        ]
        return tuple(points[:MAX_POINTS]) or None


def derive_rubric(question: Question, follow_up: str) -> Rubric:
    """Without a model: the sentences of the reference and the key points that share the most
    content words with the follow-up (words rare among them count more), best first."""
    candidates = list(dict.fromkeys([*_units(question.reference), *question.key_points]))
    weights = _weights(candidates)
    asked = _terms(follow_up)
    scored = [
        (_overlap(asked, candidate, weights), i, candidate)
        for i, candidate in enumerate(candidates)
    ]
    ranked = sorted(scored, key=lambda s: (-s[0], s[1]))
    best = ranked[0][0] if ranked else 0.0
    # Only what is about as close as the best: a word in common is not a topic in common.
    kept = [c for score, _, c in ranked if score > 0 and score >= RELATIVE_AT * best]
    points = tuple(kept[:DERIVED_POINTS]) or tuple(question.key_points[:DERIVED_POINTS])
    return Rubric(points, " ".join(points), "derived")


def relevant_part(question: Question, follow_up: str, points: tuple[str, ...]) -> str:
    """The bank's points for a follow-up, with the reference's sentences closest to them."""
    units = _units(question.reference)
    weights = _weights(units)
    asked = _terms(" ".join([follow_up, *points]))
    scores = {unit: _overlap(asked, unit, weights) for unit in units}
    best = sorted(units, key=lambda unit: -scores[unit])[:DERIVED_POINTS]
    kept = [unit for unit in units if unit in best and scores[unit] > 0]
    return " ".join([*points, *kept])


def _units(reference: str) -> list[str]:
    """The reference's statements; a line ending in ":" ("Computation uses X:") belongs with
    the line after it (a formula, say), so the two are one statement."""
    lines: list[str] = []
    pending = ""
    for line in reference.splitlines():
        line = _BULLET.sub("", line.strip())
        if not line:
            continue
        if line.endswith(":"):
            pending = f"{pending} {line}".strip()
            continue
        lines.append(f"{pending} {line}".strip())
        pending = ""
    # A line with code in it stays whole: a formula's "?" or "." ends no sentence.
    units = [_MARKUP.sub("", line) for line in lines if "`" in line]
    return [*units, *derive_key_points("\n".join(x for x in lines if "`" not in x), limit=100)]


def _weights(candidates: list[str]) -> dict[str, float]:
    """Inverse document frequency of each term over the candidates."""
    counts: dict[str, int] = {}
    for candidate in candidates:
        for term in _terms(candidate):
            counts[term] = counts.get(term, 0) + 1
    return {term: math.log(1 + len(candidates) / count) for term, count in counts.items()}


def _terms(text: str) -> set[str]:
    return {_stem(word) for word in _WORD.findall(_spelled(text.lower())) if word not in _STOP}


def _overlap(asked: set[str], candidate: str, weights: dict[str, float]) -> float:
    """Shared content words, weighted, favouring short candidates a little."""
    words = _terms(candidate)
    shared = sum(weights.get(word, 1.0) for word in asked & words)
    return shared / (len(words) ** 0.25) if words else 0.0


def _spelled(text: str) -> str:
    """Squares written as symbols read like the words ("T^2", "T²" -> "t squared")."""
    return re.sub(r"\^\s*2|²", " squared", text)


def _stem(word: str) -> str:
    """A crude stem ("multiplied", "multiplies" -> "multipl"), enough to match word forms."""
    for suffix in ("ing", "ied", "ies", "ed", "es", "s", "y"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word
