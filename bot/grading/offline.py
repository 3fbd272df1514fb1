"""The offline grader: MiniLM alignment against the reference and its key points, calibrated on
human grades.

The answer is cut into units (sentences and clauses, `units.py`), and each unit is embedded on
its own, in one batched model run:
- **Key points** are decided per unit. A unit supports a point (or one claim of a point that
  joins several) by its sentence cosine with the claim, averaged with their token alignment
  inside the unit: the claim's token recall and the unit's token precision, each content word
  piece matched to its most similar piece on the other side. The cosine leaves out what both
  share with the question (their component along it), so restating the topic is not agreement.
  A point is covered when one unit supports it at `COVERED_AT` or more, so a sentence gets the
  same verdict whatever surrounds it.
- **The score** is a logistic map (`score_model.py`, fitted by `bench/calibrate.py` on
  human-graded answers) of a few features, chosen per language: for English, the reference's
  token recall (each content piece of the reference matched to the answer's on-topic units;
  pieces the question contains earn nothing, so restating the question or padding scores
  nothing) and the mean key-point support; for other languages, plain cosine with the
  reference (one more model run), token recall over every answer piece and sentence recall
  (each reference unit's best answer unit).
- **The ceiling**, for authored key points (the bank's rubric) in English: the score is at most
  10 x (2 x coverage + 0.05), coverage being the share of points clearly made
  (`coverage`): full marks need half of them.
  Closeness to the reference is not correctness: without it a confident wrong answer on the
  topic scored like a good one, and an off-topic one about 5/10. Points derived from a
  reference's sentences (ad-hoc questions) set no ceiling: on SAF, students rarely restate a
  reference sentence closely enough, and such a ceiling cut agreement with humans by a third.
  Nor do other languages, where MiniLM's coverage is too rough to bound a score.
- Non-answers ("No response.", "I don't know") score 0 (`nonanswer.py`).
Deterministic, offline, and fast: the question's side is computed once and cached.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.bank.embeddings import OnnxEmbedder, P, T
from bot.bank.keypoints import derive_key_points, split_clauses
from bot.grading import alignment
from bot.grading.models import Grade, GradeRequest, summary_feedback
from bot.grading.nonanswer import is_non_answer
from bot.grading.score_model import ScoreModel
from bot.grading.units import answer_units

# A key point is covered when one answer unit supports it at least this much (`sentence_support`).
COVERED_AT = 0.5
# Support = SENTENCE_WEIGHT · sentence cosine + (1 − SENTENCE_WEIGHT) · token alignment in the
# unit (the mean of the claim's token recall and the unit's token precision).
SENTENCE_WEIGHT = 0.5
# `coverage` (the score ceiling's measure) credits a point in full when one unit supports it at
# CLEAR_AT, more than COVERED_AT asks: a wrong answer on the topic often brushes a point at
# about 0.5-0.6. Partial credit from CLEAR_AT - COVERAGE_RAMP keeps answers in order.
CLEAR_AT = 0.6
COVERAGE_RAMP = 0.05
# A unit counts towards the reference's recall when it supports some point at least this much.
ON_TOPIC_AT = 0.25
# Every feature the score model may use (`score_model.py` says which each language uses).
FEATURES = (
    "recall",
    "piece_recall",
    "piece_recall_idf",
    "unit_recall",
    "key_points",
    "plain_cosine",
    "whole_recall",
    "coverage",
)
# The features read off the answer taken whole (one more model run), not unit by unit.
WHOLE_ANSWER_FEATURES = frozenset({"plain_cosine", "whole_recall"})


def coverage(support: np.ndarray) -> float:
    """The share of points clearly made, with partial credit for a point just under CLEAR_AT,
    so the score ceiling it sets (`score_model.py`) keeps answers in order instead of tying."""
    credit = np.clip((support - (CLEAR_AT - COVERAGE_RAMP)) / COVERAGE_RAMP, 0.0, 1.0)
    return float(credit.mean()) if len(support) else 0.0


@dataclass(frozen=True)
class Evidence:
    """What the answer demonstrably covers; the guard caps LLM scores with it."""

    key_point_recall: tuple[float, ...]  # per key point of the request: its best unit support
    features: dict[str, float]
    score: float
    non_answer: bool = False


@dataclass(frozen=True)
class _Side:
    """The question's side, computed once per question: what answers are aligned against.

    All target vectors sit in one matrix, so grading an answer takes one similarity matrix;
    the spans say which rows belong to which key point and to the reference. The scoring
    points are the request's key points, or points derived from the reference when it has none.
    """

    question_ids: frozenset[int]
    question_vector: np.ndarray  # [dimension]
    targets: np.ndarray  # [rows, dimension]: content pieces of each claim, then the reference
    claim_spans: tuple[tuple[int, int], ...]
    claim_starts: np.ndarray  # first claim of each point: a point's claims are consecutive
    reference_span: tuple[int, int]
    reference_ids: np.ndarray  # the word-piece id of each row in `reference_span`
    claim_vectors: np.ndarray  # [claims, dimension]: each claim's sentence vector
    reference_embedding: np.ndarray  # [dimension]: the whole reference, as plain cosine reads it
    whole_reference: np.ndarray  # [pieces, dimension]: its content pieces, read whole
    whole_reference_ids: np.ndarray  # [pieces]
    reference_units: np.ndarray  # [reference units, dimension]: each unit's sentence vector
    authored: bool  # key points written as a rubric, not derived from the reference's sentences


@dataclass(frozen=True)
class _Answer:
    matrix: np.ndarray  # [pieces, dimension]: content pieces of all units, in order
    unit_starts: tuple[int, ...]  # first row of each unit in `matrix` (units may have none)
    unit_vectors: np.ndarray  # [units, dimension]


class OfflineGrader:
    name = "offline"

    def __init__(
        self, embedder: OnnxEmbedder, *, model: ScoreModel | None = None, cache_size: int = 512
    ) -> None:
        self._embedder = embedder
        self._model = model
        # Keyed by the question's content, so an edited question never reuses a stale side.
        self._side = lru_cache(maxsize=cache_size)(self._build_side)

    @property
    def model(self) -> ScoreModel:
        if self._model is None:
            self._model = ScoreModel.load()
        return self._model

    async def grade(self, request: GradeRequest) -> Grade:
        return await self._embedder.call(self.grade_sync, request)

    async def call(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run work that embeds (through `sentence_support`, say) on the model's thread."""
        return await self._embedder.call(work, *args, **kwargs)

    def grade_sync(self, request: GradeRequest) -> Grade:
        evidence = self.evidence(request)
        covered = [
            point
            for point, recall in zip(request.key_points, evidence.key_point_recall, strict=True)
            if recall >= COVERED_AT
        ]
        missing = [point for point in request.key_points if point not in covered]
        completeness = 10 * len(covered) / max(len(request.key_points), 1)
        return Grade(
            score=evidence.score,
            criteria={"correctness": evidence.score, "completeness": round(completeness, 1)},
            covered=covered,
            missing=missing,
            feedback=summary_feedback(covered, missing),
            grader="offline",
            language=request.language,
        )

    def evidence(self, request: GradeRequest, *, every_feature: bool = False) -> Evidence:
        """The answer's key-point support, features and score (`every_feature`: compute all
        candidate features, not only those the language's model uses; for calibration)."""
        side = self._side(request.question, request.reference, request.key_points)
        known = len(request.key_points)
        wanted = FEATURES if every_feature else self.model.coefficients(request.language).features
        answer = None if is_non_answer(request.answer) else self._answer(request.answer, side)
        if answer is None or not len(answer.matrix):
            features = dict.fromkeys(wanted, 0.0)
            return Evidence(tuple(0.0 for _ in range(known)), features, 0.0, non_answer=True)
        similarity = alignment.similarity(side.targets, answer.matrix)
        support = self._support(side, answer, similarity)
        best_support = support.max(axis=1)
        start, end = side.reference_span
        weights = self.model.weights_of(request.language, side.reference_ids)
        reference_best = similarity[start:end].max(axis=1) if end > start else np.zeros(0)
        features = {
            "recall": self._recall(side, answer, similarity, support.max(axis=0)),
            # Every reference piece matched to its most similar answer piece, anywhere.
            "piece_recall": alignment.mean(reference_best),
            "piece_recall_idf": alignment.weighted_mean(reference_best, weights),
            # Each reference unit's best cosine with an answer unit.
            "unit_recall": alignment.mean(
                (side.reference_units @ answer.unit_vectors.T).max(axis=1)
            ),
            "key_points": alignment.mean(best_support),
            "coverage": coverage(best_support),
        }
        if WHOLE_ANSWER_FEATURES & set(wanted):
            features |= self._whole_answer_features(side, request)
        bounded = side.authored and request.language == "en"
        score = round(self.model.score(features, request.language, bounded=bounded), 1)
        recall = tuple(float(value) for value in best_support[:known]) if known else ()
        return Evidence(recall, features, score)

    def sentence_support(self, request: GradeRequest, sentence: str) -> tuple[float, ...]:
        """Per key point of `request`, how strongly `sentence` alone supports it; compare with
        COVERED_AT. A sentence of several units counts as its best unit, as coverage does."""
        side = self._side(request.question, request.reference, request.key_points)
        answer = self._answer(sentence, side)
        if answer is None or not request.key_points:
            return tuple(0.0 for _ in request.key_points)
        similarity = alignment.similarity(side.targets, answer.matrix)
        support = self._support(side, answer, similarity)
        return tuple(float(value) for value in support.max(axis=1)[: len(request.key_points)])

    def _whole_answer_features(self, side: _Side, request: GradeRequest) -> dict[str, float]:
        """The answer read whole: an extra model run that only the non-English model uses. For
        German, words read in the whole answer's context match the reference's better than
        unit by unit (SAF train: r .61 against .56); for English it adds nothing."""
        whole = self._embedder.token_vectors([request.answer])[0]
        pieces = alignment.content_rows(whole, side.question_ids)
        weights = self.model.weights_of(request.language, side.whole_reference_ids)
        return {
            "plain_cosine": float(alignment.unit(whole.pooled) @ side.reference_embedding),
            "whole_recall": alignment.weighted_recall(side.whole_reference, weights, pieces),
        }

    def _answer(self, text: str, side: _Side) -> _Answer | None:
        units = answer_units(text)
        if not units:
            return None
        pieces = self._embedder.token_vectors(units)
        blocks = [alignment.content_rows(p, side.question_ids) for p in pieces]
        starts = np.cumsum([0, *(len(block) for block in blocks[:-1])]).tolist()
        return _Answer(
            matrix=np.vstack(blocks),
            unit_starts=tuple(starts),
            unit_vectors=np.vstack([alignment.unit(p.pooled) for p in pieces]),
        )

    @staticmethod
    def _recall(
        side: _Side, answer: _Answer, similarity: np.ndarray, relevance: np.ndarray
    ) -> float:
        """The reference's token recall, from the units that are on topic only.

        A unit is on topic when it supports some point at least ON_TOPIC_AT: padding an answer
        with unrelated text then adds nothing, while with plain recall every added word is one
        more chance to match a reference word.
        """
        start, end = side.reference_span
        ends = [*answer.unit_starts[1:], len(answer.matrix)]
        columns = [
            np.arange(first, last)
            for first, last, score in zip(answer.unit_starts, ends, relevance, strict=True)
            if score >= ON_TOPIC_AT and last > first
        ]
        if end <= start or not columns:
            return 0.0
        return alignment.mean(similarity[start:end, np.concatenate(columns)].max(axis=1))

    @staticmethod
    def _support(side: _Side, answer: _Answer, similarity: np.ndarray) -> np.ndarray:
        """[points, units]: how strongly each unit alone supports each scoring point.

        A point joining several claims ("X, and Y") is supported as much as its best-supported
        claim: an answer that states one of them clearly has made the point.
        """
        cosine = (
            _without(side.question_vector, side.claim_vectors)
            @ _without(side.question_vector, answer.unit_vectors).T
        )
        tokens = np.zeros_like(cosine)
        ends = [*answer.unit_starts[1:], len(answer.matrix)]
        for u, (start, end) in enumerate(zip(answer.unit_starts, ends, strict=True)):
            if end <= start:
                continue
            unit = similarity[:, start:end]
            best = unit.max(axis=1)
            for k, (low, high) in enumerate(side.claim_spans):
                if high <= low:
                    continue
                recall = alignment.mean(best[low:high])
                # Precision over at least half the claim's length: a one-word unit that
                # matches one word of a long claim has not made the claim.
                matched = unit[low:high].max(axis=0).sum(dtype=np.float64)
                precision = float(matched / max(end - start, (high - low) / 2))
                tokens[k, u] = (recall + precision) / 2
        support = SENTENCE_WEIGHT * cosine + (1 - SENTENCE_WEIGHT) * tokens
        return np.maximum.reduceat(support, side.claim_starts, axis=0)

    def _build_side(self, question: str, reference: str, key_points: tuple[str, ...]) -> _Side:
        points = list(key_points) or derive_key_points(reference) or [reference]
        claims_of = [split_clauses(point) for point in points]
        claims = [claim for point_claims in claims_of for claim in point_claims]
        claim_starts = np.cumsum([0, *(len(c) for c in claims_of[:-1])])
        reference_units = answer_units(reference) or [reference]
        # One call, so the embedder can share runs between texts of similar length.
        question_pieces, whole_reference, *pieces = self._embedder.token_vectors(
            [question, reference, *claims, *reference_units]
        )
        question_ids = alignment.content_ids(question_pieces)
        claim_pieces, reference_pieces = pieces[: len(claims)], pieces[len(claims) :]
        blocks: list[np.ndarray] = []
        for point in claim_pieces:
            vectors = alignment.content_rows(point, question_ids)
            if not len(vectors):  # a key point made only of question words still counts
                vectors = alignment.content_rows(point, frozenset())
            blocks.append(vectors)
        blocks.extend(alignment.content_rows(p, question_ids) for p in reference_pieces)
        ends = np.cumsum([len(block) for block in blocks]).tolist()
        spans = tuple(zip([0, *ends[:-1]], ends, strict=True))
        targets = np.vstack(blocks)
        targets.flags.writeable = False  # shared by every grade of this question
        return _Side(
            question_ids=question_ids,
            question_vector=alignment.unit(question_pieces.pooled),
            targets=targets,
            claim_spans=spans[: len(claims)],
            claim_starts=claim_starts,
            reference_span=(spans[len(claims)][0], ends[-1]),
            reference_ids=np.concatenate(
                [alignment.content_piece_ids(p, question_ids) for p in reference_pieces]
            ),
            claim_vectors=np.vstack([alignment.unit(p.pooled) for p in claim_pieces]),
            reference_embedding=alignment.unit(whole_reference.pooled),
            whole_reference=alignment.content_rows(whole_reference, question_ids),
            whole_reference_ids=alignment.content_piece_ids(whole_reference, question_ids),
            reference_units=np.vstack([alignment.unit(p.pooled) for p in reference_pieces]),
            authored=bool(key_points) and points != list(derive_key_points(reference)),
        )


def _without(direction: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Unit rows of `vectors` with their component along `direction` removed."""
    rest = vectors - np.outer(vectors @ direction, direction)
    return rest / np.clip(np.linalg.norm(rest, axis=1, keepdims=True), 1e-9, None)
