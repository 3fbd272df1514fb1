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
import itertools
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from bot.bank.embeddings import OnnxEmbedder, TokenVectors
from bot.bank.text import split_sentences
from bot.grading.models import Grade, GradeRequest, summary_feedback

# Calibrated by bench/calibrate.py on bench/data/calibration.jsonl (never on a test set).
WEIGHTS = {"coverage": 10.72, "precision": 11.76}
INTERCEPT = -8.44
COVERED_AT = 0.6
CHUNK_CHARS = 700
# OpenBLAS computes a matrix product of at most this many multiply-adds on the calling thread.
_SINGLE_THREAD_MACS = 65536 * 4
_BLOCK_COLUMNS = 128

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
    """The question's side, computed once per question: what answers are aligned against.

    All target vectors sit in one matrix, so grading an answer takes one similarity matrix
    instead of one per key point; the spans say which rows belong to what.
    """

    question_ids: frozenset[int]
    targets: np.ndarray  # [rows, dimension]: content pieces of each key point, then the reference
    key_point_spans: tuple[tuple[int, int], ...]
    reference_span: tuple[int, int]


class OfflineGrader:
    name = "offline"

    def __init__(self, embedder: OnnxEmbedder, *, cache_size: int = 512) -> None:
        self._embedder = embedder
        # Keyed by the question's content, so an edited question never reuses a stale side.
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
            feedback=summary_feedback(covered, missing),
            grader="offline",
            language=request.language,
        )

    def evidence(self, request: GradeRequest) -> Evidence:
        side = self._side(request.question, request.reference, request.key_points)
        nothing = Evidence(tuple(0.0 for _ in request.key_points), 0.0, 0.0)
        answer_chunks = _chunks(request.answer)
        if not answer_chunks:
            return nothing
        answer = _content(self._embedder.token_vectors(answer_chunks), side.question_ids)
        if not len(answer):
            return nothing
        # similarity[i, j]: target piece i against answer piece j; best match per target row.
        similarity = _similarity(side.targets, answer)
        best = similarity.max(axis=1)
        recalls = tuple(_mean(best[start:end]) for start, end in side.key_point_spans)
        start, end = side.reference_span
        reference_recall = _mean(best[start:end])
        # Precision: each answer piece's best match among the reference's content pieces.
        precision = _mean(similarity[start:end].max(axis=0)) if end > start else 0.0
        return Evidence(recalls, reference_recall, precision)

    def sentence_support(self, request: GradeRequest, sentence: str) -> tuple[float, ...]:
        """How strongly one sentence alone supports each key point (compare with COVERED_AT)."""
        return self.evidence(replace(request, answer=sentence)).key_point_recall

    def _build_side(self, question: str, reference: str, key_points: tuple[str, ...]) -> _Side:
        # One call, so the embedder can share runs between texts of similar length.
        question_pieces, *pieces = self._embedder.token_vectors(
            [question, *key_points, *_chunks(reference)]
        )
        question_ids = frozenset(
            piece_id
            for piece_id, token in zip(question_pieces.ids, question_pieces.tokens, strict=True)
            if _is_content(token)
        )
        blocks: list[np.ndarray] = []
        for key_point in pieces[: len(key_points)]:
            vectors = _content([key_point], question_ids)
            if not len(vectors):  # a key point made only of question words still counts
                vectors = _content([key_point], frozenset())
            blocks.append(vectors)
        blocks.append(_content(pieces[len(key_points) :], question_ids))
        ends = np.cumsum([len(block) for block in blocks]).tolist()
        spans = tuple(zip([0, *ends[:-1]], ends, strict=True))
        targets = np.vstack(blocks)
        targets.flags.writeable = False  # shared by every grade of this question
        return _Side(
            question_ids=question_ids,
            targets=targets,
            key_point_spans=spans[:-1],
            reference_span=spans[-1],
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


def _content(pieces: list[TokenVectors], excluded: frozenset[int]) -> np.ndarray:
    """Vectors of the content word pieces not in `excluded`, in order (none: 0 rows)."""
    if not pieces:
        return np.zeros((0, OnnxEmbedder.dimension), dtype=np.float32)
    keep = [
        _is_content(token) and piece_id not in excluded
        for piece in pieces
        for piece_id, token in zip(piece.ids, piece.tokens, strict=True)
    ]
    return np.vstack([piece.vectors for piece in pieces])[np.array(keep, dtype=bool)]


def _similarity(targets: np.ndarray, answer: np.ndarray) -> np.ndarray:
    """`targets @ answer.T`, in blocks small enough for BLAS to keep each on the calling thread.

    One threaded product would leave OpenBLAS workers spinning between grades, taking a core
    that ONNX Runtime needs for the next answer (measured: p50 doubled on 2 cores). Row blocks
    are balanced, as a one-row block would become a matrix-vector product, threaded sooner.
    """
    result = np.empty((len(targets), len(answer)), dtype=np.float32)
    for start in range(0, len(answer), _BLOCK_COLUMNS):
        block = answer[start : start + _BLOCK_COLUMNS].T
        count = max(1, -(-len(targets) * block.size // _SINGLE_THREAD_MACS))
        bounds = [len(targets) * i // count for i in range(count + 1)]
        for low, high in itertools.pairwise(bounds):
            result[low:high, start : start + _BLOCK_COLUMNS] = targets[low:high] @ block
    return result


def _mean(best: np.ndarray) -> float:
    """Mean of the best matches (0.0 for none), summed in float64 like the calibration was."""
    return float(best.sum(dtype=np.float64) / len(best)) if len(best) else 0.0
