"""Turning a model's verdict into a grade: checks first, then the score, computed by code.

- A key point counts as covered only if its evidence quote really occurs in the answer and the
  offline grader agrees that the quote's sentence supports that point (`SUPPORT_AT`, fitted by
  `bench/support_threshold.py`). A model's word alone never raises a score.
- The score is the weighted mean of the criteria, but never above what code-computed evidence
  supports: 10 x the verified points' share, or the offline grade of the whole answer when that
  is higher, plus `EVIDENCE_MARGIN`. Correctness and clarity can lower a grade, not lift it past
  its evidence.
- Completeness cannot claim more than the verified points support.
- Feedback and follow-up are checked (`bot.grading.replies`): leaking, empty, field-name or
  wrong-language feedback is replaced by the evidence summary; a follow-up that is no question
  is dropped.
"""

import math
from collections.abc import Callable, Iterable, Mapping

from bot.bank.text import split_sentences
from bot.grading.llm import MAX_KEY_POINTS, MAX_QUOTE_CHARS, CoveredPoint, Judgement
from bot.grading.models import CRITERIA, Grade, GradeRequest
from bot.grading.replies import LanguageOf, checked_feedback, checked_follow_up, normalise

# Fitted on SAF train by bench/support_threshold.py: the lowest threshold leaving at most 2% of
# English Incorrect answers a verified share above their human score (refitted on issue 13's
# sentence support).
SUPPORT_AT = 0.575
# Chosen with bench/support_threshold.py's bank check: how far above its evidence a score may go.
EVIDENCE_MARGIN = 1.0
MIN_QUOTE_WORDS = 2
EVIDENCE_REJECTED = "evidence_rejected"
EVIDENCE_BOUNDED = "score_bounded_by_evidence"
REPLY_TRUNCATED = "reply_truncated"  # cut at the token cap; its cut-off text was dropped

Support = Callable[[str], tuple[float, ...]]


def to_grade(
    request: GradeRequest,
    judgement: Judgement,
    *,
    weights: Mapping[str, float],
    instructions: Iterable[str],
    prompt_version: str,
    model: str,
    support: Support,
    offline_score: float,
    language_of: LanguageOf | None = None,
) -> Grade:
    """`support(sentence)` is the offline support of one sentence for each key point, and
    `offline_score` the offline grader's score of the whole answer."""
    verdict = judgement.verdict
    evidence, rejected = _verified(request, verdict.covered, support)
    covered = [point for point in request.key_points if point in evidence]
    missing = [point for point in request.key_points if point not in evidence]

    criteria = {
        "correctness": float(verdict.correctness),
        "completeness": float(min(verdict.completeness, _verified_ceiling(covered, missing))),
        "clarity": float(verdict.clarity),
    }
    flags = [EVIDENCE_REJECTED] if rejected else []
    if judgement.truncated:
        flags.append(REPLY_TRUNCATED)
    score = weighted_score(criteria, weights)
    ceiling = score_ceiling(len(covered), len(request.key_points), offline_score)
    if score > ceiling:
        score = ceiling
        flags.append(EVIDENCE_BOUNDED)
    feedback, replaced = checked_feedback(
        verdict.feedback, request, judgement.boundary, instructions, covered, missing, language_of
    )
    flags.extend(replaced)
    follow_up = checked_follow_up(
        verdict.follow_up, request, judgement.boundary, instructions, language_of
    )
    return Grade(
        score=score,
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


def _verified(
    request: GradeRequest, claims: list[CoveredPoint], support: Support
) -> tuple[dict[str, str], bool]:
    """Key point -> quote, for the claims whose quote is in the answer and whose sentence the
    offline evidence says supports that point; and whether any claim was rejected."""
    sentences = [(normalise(s), s) for s in split_sentences(" ".join(request.answer.split()))]
    answer = normalise(request.answer)
    measured: dict[str, tuple[float, ...]] = {}
    evidence: dict[str, str] = {}
    rejected = False
    for item in claims[:MAX_KEY_POINTS]:
        if not 1 <= item.point <= len(request.key_points):
            rejected = True
            continue
        point = request.key_points[item.point - 1]
        if point in evidence:
            continue
        quote = normalise(item.evidence)
        if (
            len(item.evidence) > MAX_QUOTE_CHARS
            or len(quote.split()) < MIN_QUOTE_WORDS
            or quote not in answer
        ):
            rejected = True
            continue
        sentence = _sentence_of(quote, sentences)
        if sentence not in measured:
            measured[sentence] = support(sentence)
        if measured[sentence][item.point - 1] >= SUPPORT_AT:
            evidence[point] = item.evidence.strip()
        else:
            rejected = True
    return evidence, rejected


def _sentence_of(quote: str, sentences: list[tuple[str, str]]) -> str:
    """The answer's sentence holding `quote` (normalised); the fewest consecutive sentences
    when it runs across a sentence end."""
    for size in range(1, len(sentences) + 1):
        for start in range(len(sentences) - size + 1):
            window = sentences[start : start + size]
            if quote in " ".join(normal for normal, _ in window):
                return " ".join(text for _, text in window)
    return " ".join(text for _, text in sentences)


def score_ceiling(verified: int, points: int, offline_score: float) -> float:
    """The most a verdict can score: what the verified points support (10 x their share) or the
    offline grade of the whole answer, whichever is higher, plus `EVIDENCE_MARGIN`."""
    share = 10 * verified / points if points else 10.0
    return round(min(10.0, max(share, offline_score) + EVIDENCE_MARGIN), 1)


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
