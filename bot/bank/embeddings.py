"""Offline sentence embeddings: all-MiniLM-L6-v2 in ONNX Runtime, padded per batch.

Padding each batch only to its longest text gives the same vectors as a fixed 256-token
padding (attention masks hide the padding) and is several times faster on chat-sized texts.
ONNX Runtime's workers sleep between runs instead of spinning: the bot runs many short
inferences on small shared machines, where spinning workers take the cores that the next run,
the tokenizer and numpy need (on 2 cores it doubled the offline grader's p50).

Memory: all model work runs on the embedder's one thread (each thread that runs it would keep a
glibc heap of its own), batches are capped in padded tokens, and big buffers get their own
mappings (`bot.memory`).
"""

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import numpy as np

from bot.bank.model_cache import prepared_model
from bot.config import CHROMA_DEFAULT_MODEL_DIR
from bot.errors import ConfigError
from bot.memory import map_big_buffers, return_freed_memory

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Encoding, Tokenizer

MODEL_ID = "all-MiniLM-L6-v2"
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class TokenVectors:
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    vectors: np.ndarray  # [len(tokens), dimension], unit rows
    # The text's mean-pooled hidden state over all its pieces ([CLS]/[SEP] included), not
    # normalised: normalised, it is what `embed` returns for the text.
    pooled: np.ndarray  # [dimension]


MAX_TOKENS = 256
# A batch takes a text only if that adds at most this much padding...
PADDING_SLACK = 32
# ...and keeps the batch within this many padded tokens: activations grow with it.
MAX_BATCH_TOKENS = 2048
REQUIRED_FILES = ("model.onnx", "tokenizer.json")


def resolve_model_dir(configured: Path | None) -> Path:
    """The model folder: the configured one, or Chroma's cache (downloaded once if online)."""
    if configured is not None:
        missing = [name for name in REQUIRED_FILES if not (configured / name).is_file()]
        if missing:
            raise ConfigError(
                f"EMBEDDING_MODEL_DIR={configured} does not hold the ONNX model "
                f"(missing: {', '.join(missing)}). Point it at an all-MiniLM-L6-v2 onnx folder."
            )
        return configured
    if all((CHROMA_DEFAULT_MODEL_DIR / name).is_file() for name in REQUIRED_FILES):
        return CHROMA_DEFAULT_MODEL_DIR
    try:
        from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

        ONNXMiniLM_L6_V2()._download_model_if_not_exists()
    except Exception as exc:
        raise ConfigError(
            "the embedding model is not installed and could not be downloaded "
            f"({type(exc).__name__}). Set EMBEDDING_MODEL_DIR to an all-MiniLM-L6-v2 onnx folder."
        ) from exc
    return CHROMA_DEFAULT_MODEL_DIR


class OnnxEmbedder:
    """Embeds texts into unit vectors; loads the model on first use, then reuses it."""

    model_id = MODEL_ID
    dimension = 384

    def __init__(
        self, model_dir: Path | None, *, batch_size: int = 32, cache_dir: Path | None = None
    ) -> None:
        """`model_dir` None means Chroma's cache folder; it is resolved on first use.
        `cache_dir`: where a prepared copy of the model is kept (see `model_cache`); None runs
        the model as it is."""
        self._model_dir = model_dir
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: onnxruntime.InferenceSession | None = None
        self._run_options: onnxruntime.RunOptions | None = None
        self._tokenizer: Tokenizer | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
        self.texts_embedded = 0

    async def call(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run model-bound `work` on the embedder's thread (one thread, one glibc heap)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(work, *args, **kwargs))

    async def aclose(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

    def _load(self) -> tuple["onnxruntime.InferenceSession", "Tokenizer"]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                import onnxruntime
                from tokenizers import Tokenizer

                model_dir = resolve_model_dir(self._model_dir)
                tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
                tokenizer.no_padding()  # the shipped tokenizer.json pads every text to 128
                tokenizer.enable_truncation(MAX_TOKENS)
                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                model = model_dir / "model.onnx"
                if self._cache_dir is not None:
                    model = prepared_model(model, self._cache_dir)
                self._session = onnxruntime.InferenceSession(
                    str(model),
                    sess_options=options,
                    providers=["CPUExecutionProvider"],
                )
                # Each run hands back the arena memory it grew by: without this, one batch of long
                # texts (indexing the bank) kept its ~500 MB of activations for the process's life.
                run_options = onnxruntime.RunOptions()
                run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
                self._run_options = run_options
                self._tokenizer = tokenizer
                return_freed_memory()
                map_big_buffers()
            return self._session, self._tokenizer

    def embed(self, texts: list[str], *, pad_to: int | None = None) -> np.ndarray:
        """Unit-length sentence vectors, one row per text.

        `pad_to` forces a fixed padded length (only the benchmark uses it, as the baseline).
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        lengths = [pad_to or len(encoding.ids) for encoding in encodings]
        for batch in self._length_batches(lengths):
            hidden, mask = self._infer(session, [encodings[i] for i in batch], pad_to)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            vectors[batch] = _normalise(pooled)
        self.texts_embedded += len(texts)
        return vectors

    def token_vectors(self, texts: list[str]) -> list["TokenVectors"]:
        """Each text's word pieces (without [CLS]/[SEP]) with unit vectors, for alignment.

        Texts are run in batches of similar token length, so that short texts share a run and
        a long one does not pad them all; a text's vectors depend only on the list given.
        """
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        result: dict[int, TokenVectors] = {}
        for batch in self._length_batches([len(encoding.ids) for encoding in encodings]):
            hidden, _ = self._infer(session, [encodings[i] for i in batch], None)
            for index, row in zip(batch, hidden, strict=True):
                encoding = encodings[index]
                end = max(len(encoding.ids) - 1, 1)
                result[index] = TokenVectors(
                    tokens=tuple(encoding.tokens[1:end]),
                    ids=tuple(encoding.ids[1:end]),
                    vectors=_normalise(row[1:end]),
                    pooled=row[: len(encoding.ids)].mean(axis=0),
                )
        self.texts_embedded += len(texts)
        return [result[index] for index in range(len(texts))]

    def _length_batches(self, lengths: list[int]) -> list[list[int]]:
        """Indexes in batches of similar length: each padded by at most PADDING_SLACK tokens,
        and at most MAX_BATCH_TOKENS in all."""
        batches: list[list[int]] = []
        for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
            batch = batches[-1] if batches else []
            # In ascending order the newcomer is the longest: the others would pad up to it.
            padding = sum(lengths[index] - lengths[i] for i in batch)
            fits = (len(batch) + 1) * lengths[index] <= MAX_BATCH_TOKENS
            if batch and len(batch) < self._batch_size and padding <= PADDING_SLACK and fits:
                batch.append(index)
            else:
                batches.append([index])
        return batches

    def piece_ids(self, texts: list[str]) -> list[tuple[int, ...]]:
        """Each text's word-piece ids (without [CLS]/[SEP]), after truncation; no model run."""
        _, tokenizer = self._load()
        return [tuple(encoding.ids[1:-1]) for encoding in tokenizer.encode_batch(texts)]

    def token_counts(self, texts: list[str]) -> list[int]:
        """Word pieces per text, [CLS] and [SEP] included, after truncation."""
        _, tokenizer = self._load()
        return [len(encoding.ids) for encoding in tokenizer.encode_batch(texts)]

    def _infer(
        self,
        session: "onnxruntime.InferenceSession",
        encodings: list["Encoding"],
        pad_to: int | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states [batch, length, dimension] and the mask, padded to `pad_to` or longest."""
        length = pad_to or max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            n = min(len(encoding.ids), length)
            ids[row, :n] = encoding.ids[:n]
            mask[row, :n] = 1
        outputs = session.run(
            None,
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            self._run_options,
        )
        return outputs[0], mask

    async def aembed(self, texts: list[str]) -> np.ndarray:
        return await self.call(self.embed, texts)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.clip(norms, 1e-12, None)
