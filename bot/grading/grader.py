"""The grading pipeline the engine and the CLI call: guard, then the LLM or the offline grader.

- The guard runs first. Suspicious spans are cut before any grader sees the answer, and when the
  guard (or the model itself) flags an injection, the score can't exceed what the offline
  evidence supports, whatever the model said.
- An LLM verdict's score is bounded by evidence code computed: the key points it claims that the
  offline grader confirms, or the offline grade of the answer (`verdict.py`). The guard's cap
  above is a further layer.
- With an LLM configured, a failed call (after retries, or with the circuit open) falls back to
  an offline grade marked provisional; `regrade` is what the background queue calls later.
- The notes that explain flags to the user are added where the grade is shown (`notes.py`).
- Without an LLM, the offline grade is final.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Protocol

from bot.grading.budget import TokenBudget
from bot.grading.cache import VerdictCache
from bot.grading.guard import InjectionGuard
from bot.grading.llm import Appeal, Judgement, LLMGrader
from bot.grading.models import INJECTION_FLAG, Grade, GradeRequest
from bot.grading.offline import OfflineGrader
from bot.grading.replies import LanguageOf
from bot.grading.verdict import to_grade
from bot.llm.chat import LLMUnavailable

log = logging.getLogger(__name__)

LLM_UNAVAILABLE = "llm_unavailable"
BUDGET_EXHAUSTED = "llm_budget_exhausted"
ROUGH_LANGUAGE = "offline_language_rough"
DEFAULT_WEIGHTS = {"correctness": 0.5, "completeness": 0.3, "clarity": 0.2}


class Grader(Protocol):
    """What the engine relies on."""

    @property
    def uses_llm(self) -> bool: ...

    async def grade(self, request: GradeRequest, *, appeal: Appeal | None = None) -> Grade:
        """A grade, always: provisional (offline) if the LLM failed."""

    async def regrade(self, request: GradeRequest) -> Grade:
        """An LLM grade, or `LLMUnavailable`; for provisional grades, later."""

    async def forget(self, owner: str) -> int:
        """Drop cached copies of the answers of `owner` (`GradeRequest.owner`)."""


class GradingService:
    def __init__(
        self,
        offline: OfflineGrader,
        guard: InjectionGuard,
        *,
        llm: LLMGrader | None = None,
        cache: VerdictCache | None = None,
        weights: Mapping[str, float] = DEFAULT_WEIGHTS,
        budget: TokenBudget | None = None,
        observe: Callable[[str, float], None] | None = None,
        language_of: LanguageOf | None = None,
    ) -> None:
        self._offline = offline
        self._guard = guard
        self._llm = llm
        self._cache = cache
        self._weights = dict(weights)
        self._budget = budget
        self._observe = observe
        self._language_of = language_of

    @property
    def uses_llm(self) -> bool:
        return self._llm is not None

    async def grade(self, request: GradeRequest, *, appeal: Appeal | None = None) -> Grade:
        started = time.perf_counter()
        grade = await self._grade(request, appeal, fallback=True)
        if self._observe is not None:
            self._observe(grade.grader, time.perf_counter() - started)
        return grade

    async def regrade(self, request: GradeRequest) -> Grade:
        return await self._grade(request, None, fallback=False)

    async def forget(self, owner: str) -> int:
        return await self._cache.forget(owner) if self._cache is not None else 0

    async def _grade(
        self, request: GradeRequest, appeal: Appeal | None, *, fallback: bool
    ) -> Grade:
        verdict = self._guard.inspect(request.answer)
        if appeal is not None:
            appeal_verdict = self._guard.inspect(appeal.text)
            if appeal_verdict.flagged:
                appeal = replace(appeal, text=appeal_verdict.without_spans(appeal.text))
            # Asking for a better grade is what an appeal is (the demand is cut, not punished);
            # steering the grader otherwise flags the grade like an injected answer.
            signals = tuple(s for s in appeal_verdict.signals if s != "score_request")
            if signals:
                verdict = replace(verdict, signals=(*verdict.signals, *signals))
        cleaned = (
            replace(request, answer=verdict.without_spans(request.answer))
            if verdict.spans
            else request
        )
        over_budget = (
            self._llm is not None
            and self._budget is not None
            and not await self._budget.allows(request.tenant)
        )
        if self._llm is None or over_budget:
            grade = await self._offline_grade(cleaned)
            if over_budget:
                grade = grade.model_copy(update={"flags": [*grade.flags, BUDGET_EXHAUSTED]})
        else:
            try:
                grade = await self._llm_grade(cleaned, appeal)
            except LLMUnavailable as exc:
                if not fallback:
                    raise
                log.warning("LLM grading failed (%s); offline provisional grade", exc.reason)
                grade = await self._offline_grade(cleaned)
                grade = grade.model_copy(
                    update={
                        "provisional": True,
                        "flags": [*grade.flags, LLM_UNAVAILABLE],
                    }
                )
        if verdict.flagged or grade.model_flagged_injection:
            grade = await self._capped(grade, cleaned, verdict.signals)
        return grade

    async def _offline_grade(self, request: GradeRequest) -> Grade:
        """Offline, in the answer's language where the rubric is translated. The embedding model
        is English-centred, so a grade in another language is flagged as a rough estimate."""
        if request.language == "en":
            return await self._offline.grade(request)
        local = replace(
            request,
            key_points=request.local_key_points or request.key_points,
            reference=request.local_reference or request.reference,
        )
        grade = await self._offline.grade(local)
        return grade.model_copy(update={"flags": [*grade.flags, ROUGH_LANGUAGE]})

    async def _llm_grade(self, request: GradeRequest, appeal: Appeal | None) -> Grade:
        assert self._llm is not None
        version, model = self._llm.version, self._llm.model
        hit = None
        if self._cache is not None and appeal is None:
            hit = await self._cache.get(request, version, model)
        if hit is not None:
            judgement = Judgement(hit.verdict, boundary="", tokens=0, attempts=0)
        else:
            judgement = await self._llm.judge(request, appeal)
            if self._budget is not None:
                await self._budget.record(request.tenant, judgement.tokens)
            if self._cache is not None and appeal is None:
                await self._cache.put(request, version, model, judgement.verdict)
        rubric = _in_answer_language(request)
        offline = await self._offline.grade(rubric)
        return await self._offline.call(
            to_grade,
            request,
            judgement,
            weights=self._weights,
            instructions=self._llm.instructions(),
            prompt_version=version,
            model=model,
            support=partial(self._offline.sentence_support, rubric),
            offline_score=offline.score,
            language_of=self._language_of,
        )

    async def _capped(self, grade: Grade, cleaned: GradeRequest, signals: tuple[str, ...]) -> Grade:
        """The grade, its score held to the offline evidence of the answer without injection.

        The ceiling is the offline score and, below it, the share of key points the offline
        grader found: an injected answer earns credit only for points it demonstrably makes.
        """
        offline = grade if grade.grader == "offline" else await self._offline_grade(cleaned)
        ceiling = min(offline.score, evidence_ceiling(offline))
        flags = [*grade.flags, INJECTION_FLAG, *signals]
        if grade.model_flagged_injection and not signals:
            flags.append("model_flagged")
        return grade.model_copy(
            update={
                "score": min(grade.score, ceiling),
                "flags": list(dict.fromkeys(flags)),
            }
        )


def _in_answer_language(request: GradeRequest) -> GradeRequest:
    """The rubric the offline evidence compares the answer with: the translated key points
    (same order) when the answer is in another language and they exist."""
    local = request.local_key_points
    if request.language == "en" or not local or len(local) != len(request.key_points):
        return request
    reference = request.local_reference or request.reference
    return replace(request, key_points=local, reference=reference)


def evidence_ceiling(offline: Grade) -> float:
    total = len(offline.covered) + len(offline.missing)
    return round(10 * len(offline.covered) / total, 1) if total else offline.score
