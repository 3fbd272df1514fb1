"""Word-piece alignment helpers for the offline grader: content pieces and their similarities."""

import itertools

import numpy as np

from bot.bank.embeddings import OnnxEmbedder, TokenVectors

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


def is_content(token: str) -> bool:
    word = token.removeprefix("##")
    return word.isalnum() and word not in _STOPWORDS


def content_ids(pieces: TokenVectors) -> frozenset[int]:
    return frozenset(
        piece_id
        for piece_id, token in zip(pieces.ids, pieces.tokens, strict=True)
        if is_content(token)
    )


def content_mask(pieces: TokenVectors, excluded: frozenset[int]) -> np.ndarray:
    """Which of the pieces are content word pieces not in `excluded`."""
    return np.array(
        [
            is_content(token) and piece_id not in excluded
            for piece_id, token in zip(pieces.ids, pieces.tokens, strict=True)
        ],
        dtype=bool,
    )


def content_rows(pieces: TokenVectors, excluded: frozenset[int]) -> np.ndarray:
    """Vectors of the content word pieces not in `excluded`, in order (none: 0 rows)."""
    keep = content_mask(pieces, excluded)
    if not keep.any():
        return np.zeros((0, OnnxEmbedder.dimension), dtype=np.float32)
    return pieces.vectors[keep]


def content_piece_ids(pieces: TokenVectors, excluded: frozenset[int]) -> np.ndarray:
    """The ids of `content_rows(pieces, excluded)`, row for row."""
    return np.array(pieces.ids, dtype=np.int64)[content_mask(pieces, excluded)]


def weighted_recall(targets: np.ndarray, weights: np.ndarray, pieces: np.ndarray) -> float:
    """Each target row matched to its most similar row of `pieces`, averaged with `weights`."""
    if not len(targets) or not len(pieces):
        return 0.0
    return weighted_mean(similarity(targets, pieces).max(axis=1), weights)


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """The mean of `values` with `weights`, in float64 (0.0 when nothing weighs)."""
    total = float(weights.sum())
    return float(values.astype(np.float64) @ weights / total) if total > 0 else 0.0


def similarity(targets: np.ndarray, answer: np.ndarray) -> np.ndarray:
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


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def mean(values: np.ndarray) -> float:
    """Mean (0.0 for none), summed in float64 so the order of rows never changes it."""
    return float(values.sum(dtype=np.float64) / len(values)) if len(values) else 0.0
