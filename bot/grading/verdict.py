"""Turning a model's verdict into a grade: checks first, then the score, computed by code.

- A key point counts as covered only if its evidence quote really occurs in the answer.
- Completeness cannot claim more than the verified points support.
- Feedback and follow-up must not leak the boundary token, the instructions, or long runs of the
  reference answer that the candidate did not write; leaking text is replaced or dropped.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping

from bot.grading.llm import Judgement
from bot.grading.models import CRITERIA, Grade, GradeRequest, summary_feedback

INSTRUCTION_RUN = 8  # words copied from the instructions that count as a leak
REFERENCE_RUN = 10  # words copied from the reference (and not written by the user) that count
MIN_QUOTE_WORDS = 2
FEEDBACK_REPLACED = "feedback_replaced"
EVIDENCE_REJECTED = "evidence_rejected"


def to_grade(
    request: GradeRequest,
    judgement: Judgement,
    *,
    weights: Mapping[str, float],
    instructions: Iterable[str],
    prompt_version: str,
    model: str,
) -> Grade:
    verdict = judgement.verdict
    answer = _normal(request.answer)
    evidence: dict[str, str] = {}
    rejected = False
    for item in verdict.covered:
        if not 1 <= item.point <= len(request.key_points):
            rejected = True
            continue
        point = request.key_points[item.point - 1]
        quote = _normal(item.evidence)
        if len(quote.split()) >= MIN_QUOTE_WORDS and quote in answer:
            evidence.setdefault(point, item.evidence.strip())
        else:
            rejected = True
    covered = [point for point in request.key_points if point in evidence]
    missing = [point for point in request.key_points if point not in evidence]

    criteria = {
        "correctness": float(verdict.correctness),
        "completeness": float(min(verdict.completeness, _verified_ceiling(covered, missing))),
        "clarity": float(verdict.clarity),
    }
    flags = [EVIDENCE_REJECTED] if rejected else []
    leaks = _LeakCheck(request, judgement.boundary, instructions)
    feedback = verdict.feedback.strip()
    if leaks.found(feedback):
        feedback = summary_feedback(covered, missing)
        flags.append(FEEDBACK_REPLACED)
    follow_up = (verdict.follow_up or "").strip() or None
    if follow_up and leaks.found(follow_up):
        follow_up = None
    return Grade(
        score=weighted_score(criteria, weights),
        criteria=criteria,
        covered=covered,
        missing=missing,
        evidence=evidence,
        feedback=feedback,
        follow_up=follow_up,
        flags=flags,
        grader="llm",
        language=request.language,
        prompt_version=prompt_version,
        model=model,
        tokens=judgement.tokens,
        model_flagged_injection=verdict.injection_suspected,
    )


def weighted_score(criteria: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = sum(weights.get(name, 0.0) for name in CRITERIA)
    if total <= 0:
        raise ValueError("grading weights must add up to more than 0")
    score = sum(weights.get(name, 0.0) * criteria[name] for name in CRITERIA) / total
    return round(min(max(score, 0.0), 10.0), 1)


def _verified_ceiling(covered: list[str], missing: list[str]) -> int:
    total = len(covered) + len(missing)
    if total == 0:
        return 10
    return min(10, math.ceil(10 * len(covered) / total) + 1)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"'`“”‘’«»]", "", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _words(text: str) -> list[str]:
    return _normal(text).split()


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


class _LeakCheck:
    def __init__(self, request: GradeRequest, boundary: str, instructions: Iterable[str]) -> None:
        self._boundary = boundary.casefold()
        placeholder = re.compile(r"\$\w+")
        fixed = [_words(placeholder.sub(" ", text)) for text in instructions]
        self._instruction_runs = set().union(*(_runs(w, INSTRUCTION_RUN) for w in fixed))
        written = _words(request.answer)
        allowed = _runs(written, REFERENCE_RUN).union(
            *(_runs(_words(point), REFERENCE_RUN) for point in request.key_points),
            _runs(_words(request.question), REFERENCE_RUN),
        )
        self._reference_runs = _runs(_words(request.reference), REFERENCE_RUN) - allowed

    def found(self, text: str) -> bool:
        if self._boundary and self._boundary in text.casefold():
            return True
        words = _words(text)
        if _runs(words, INSTRUCTION_RUN) & self._instruction_runs:
            return True
        return bool(_runs(words, REFERENCE_RUN) & self._reference_runs)
