"""The offline grader: token alignment against the reference and its key points.

For each key point, a BERTScore-style recall: every content word piece of the key point is matched
to its most similar word piece of the answer (contextual MiniLM vectors), and the matches are
averaged. Word pieces that the question itself contains earn nothing, so an answer cannot score
by restating the question. A sentence-level cosine and the answer's precision against the
reference (how much of it is on topic) completes the features (plain sentence cosine measured
worse and adds nothing once these are in); a linear map calibrated on
`bench/data/calibration.jsonl` (see `bench/calibrate.py`) turns them into 0-10.
Deterministic, offline, and fast: the question's side is computed once and cached.
"""

import asyncio
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.bank.embeddings import OnnxEmbedder, TokenVectors
from bot.bank.text import split_sentences
from bot.grading.models import Grade, GradeRequest

# Calibrated by bench/calibrate.py on bench/data/calibration.jsonl (never on a test set).
WEIGHTS = {"coverage": 10.72, "precision": 11.76}
INTERCEPT = -8.44
COVERED_AT = 0.6
CHUNK_CHARS = 700

_STOPWORDS = frozenset(
    """a an the and or but if of in on at to for from
    by with without into onto over under as is are was were be been
    being am do does did done have has had having it its this that
    these those there here then than so such not no nor can could should
    would may might must will shall i you he she we they me him
    her us them my your his our their what which who whom when where
    why how all any both each few more most other some own same very
    just also about above after again against because before below between during further once
    only out up down off while through until too s t e g i.e
    etc""".split()
)


@dataclass(frozen=True)
class Evidence:
    """What the answer demonstrably covers; the guard caps LLM scores with it."""

    key_point_recall: tuple[float, ...]
    reference_recall: float
    precision: float

    def features(self) -> dict[str, float]:
        mean_kp = float(np.mean(self.key_point_recall)) if self.key_point_recall else 0.0
        return {
            # How much of the rubric the answer covers: key points and the full reference.
            "coverage": (mean_kp + self.reference_recall) / 2,
            # How much of the answer is about the reference at all (low for off-topic answers).
            "precision": self.precision,
        }

    def score(self) -> float:
        features = self.features()
        raw = INTERCEPT + sum(WEIGHTS[name] * value for name, value in features.items())
        return round(float(np.clip(raw, 0.0, 10.0)), 1)


@dataclass(frozen=True)
class _Side:
    """The reference side of one question, computed once."""

    question_ids: frozenset[int]
    key_points: tuple[tuple[np.ndarray, np.ndarray], ...]  # (vectors, weights) per key point
    reference: tuple[np.ndarray, np.ndarray]


class OfflineGrader:
    name = "offline"

    def __init__(self, embedder: OnnxEmbedder, *, cache_size: int = 512) -> None:
        self._embedder = embedder
        self._side = lru_cache(maxsize=cache_size)(self._build_side)

    async def grade(self, request: GradeRequest) -> Grade:
        return await asyncio.to_thread(self.grade_sync, request)

    def grade_sync(self, request: GradeRequest) -> Grade:
        evidence = self.evidence(request)
        covered = [
            point
            for point, recall in zip(request.key_points, evidence.key_point_recall, strict=True)
            if recall >= COVERED_AT
        ]
        missing = [point for point in request.key_points if point not in covered]
        score = evidence.score()
        completeness = 10 * len(covered) / max(len(request.key_points), 1)
        return Grade(
            score=score,
            criteria={"correctness": score, "completeness": round(completeness, 1)},
            covered=covered,
            missing=missing,
            feedback=_feedback(covered, missing),
            grader="offline",
            language=request.language,
        )

    def evidence(self, request: GradeRequest) -> Evidence:
        side = self._side(request.question, request.reference, request.key_points)
        answer_chunks = _chunks(request.answer)
        if not answer_chunks:
            return Evidence(tuple(0.0 for _ in request.key_points), 0.0, 0.0)
        pieces = self._embedder.token_vectors(answer_chunks)
        vectors, weights = _content(pieces, side.question_ids)
        if not weights.any():
            return Evidence(tuple(0.0 for _ in request.key_points), 0.0, 0.0)
        answer = vectors[weights > 0]
        recalls = tuple(
            _recall(kp_vectors, kp_weights, answer) for kp_vectors, kp_weights in side.key_points
        )
        reference_vectors, reference_weights = side.reference
        reference_recall = _recall(reference_vectors, reference_weights, answer)
        precision = _recall(answer, np.ones(len(answer)), reference_vectors[reference_weights > 0])
        return Evidence(recalls, reference_recall, precision)

    def _build_side(self, question: str, reference: str, key_points: tuple[str, ...]) -> _Side:
        (question_pieces,) = self._embedder.token_vectors([question])
        question_ids = frozenset(
            piece_id
            for piece_id, token in zip(question_pieces.ids, question_pieces.tokens, strict=True)
            if _is_content(token)
        )
        key_point_pieces = self._embedder.token_vectors(list(key_points))
        key_point_sides = []
        for pieces in key_point_pieces:
            vectors, weights = _content([pieces], question_ids)
            if not weights.any():  # a key point made only of question words still counts
                vectors, weights = _content([pieces], frozenset())
            key_point_sides.append((vectors, weights))
        reference_vectors, reference_weights = _content(
            self._embedder.token_vectors(_chunks(reference)), question_ids
        )
        return _Side(
            question_ids=question_ids,
            key_points=tuple(key_point_sides),
            reference=(reference_vectors, reference_weights),
        )


def _chunks(text: str) -> list[str]:
    """Sentence-aligned pieces short enough for the model's 256-token window."""
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(re.sub(r"\s+", " ", text)):
        if current and len(current) + len(sentence) > CHUNK_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        chunks.append(current)
    return chunks


def _is_content(token: str) -> bool:
    word = token.removeprefix("##")
    return word.isalnum() and word not in _STOPWORDS


def _content(pieces: list[TokenVectors], excluded: frozenset[int]) -> tuple[np.ndarray, np.ndarray]:
    """All vectors of the pieces, with weight 1 for content word pieces not in `excluded`."""
    vectors = np.vstack([piece.vectors for piece in pieces])
    weights = np.array(
        [
            1.0 if _is_content(token) and piece_id not in excluded else 0.0
            for piece in pieces
            for piece_id, token in zip(piece.ids, piece.tokens, strict=True)
        ]
    )
    return vectors, weights


def _recall(targets: np.ndarray, weights: np.ndarray, candidates: np.ndarray) -> float:
    """Weighted mean over targets of their best cosine match among candidates."""
    if not weights.any() or len(candidates) == 0:
        return 0.0
    best = (targets @ candidates.T).max(axis=1)
    return float((best * weights).sum() / weights.sum())


def _feedback(covered: list[str], missing: list[str]) -> str:
    total = len(covered) + len(missing)
    if not missing:
        return f"You covered all {total} key points."
    lead = f"You covered {len(covered)} of {total} key points."
    return f"{lead} To strengthen the answer, address: " + "; ".join(missing)
