import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.bank.embeddings import MAX_TOKENS, OnnxEmbedder
from bot.errors import ConfigError

TEXTS = [
    "LoRA injects trainable low-rank matrices into attention layers",
    "Low-rank adaptation adds small trainable matrices to frozen weights",
    "short",
    "Zipf's law: a word's frequency is inversely proportional to its rank " * 8,
]


def test_vectors_match_the_reference_model(embedder: OnnxEmbedder):
    vectors = embedder.embed(TEXTS[:2])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The value the PyTorch model gives for this pair (see shared/models/README.md).
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.595, abs=0.001)


def test_dynamic_padding_gives_the_same_vectors_as_fixed_padding(embedder: OnnxEmbedder):
    dynamic = embedder.embed(TEXTS)
    fixed = embedder.embed(TEXTS, pad_to=MAX_TOKENS)
    assert np.allclose(dynamic, fixed, atol=1e-5)


def test_batch_order_does_not_change_vectors(embedder: OnnxEmbedder):
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([text]) for text in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


def test_token_vectors_skip_special_tokens(embedder: OnnxEmbedder):
    (tokens,) = embedder.token_vectors(["LoRA injects"])
    assert tokens.tokens == ("lo", "##ra", "in", "##ject", "##s")  # no [CLS]/[SEP]
    assert tokens.vectors.shape == (5, 384)


def test_token_vectors_keep_order_and_match_texts_run_alone(embedder: OnnxEmbedder):
    """Texts of mixed lengths share runs by length; each still gets its own pieces, in order."""
    texts = [TEXTS[3], TEXTS[2], TEXTS[0], TEXTS[3][:40], TEXTS[1]]
    together = embedder.token_vectors(texts)
    assert len(together) == len(texts)
    for text, pieces in zip(texts, together, strict=True):
        (alone,) = embedder.token_vectors([text])
        assert pieces.tokens == alone.tokens and pieces.ids == alone.ids
        assert np.allclose(pieces.vectors, alone.vectors, atol=1e-5)


def test_token_vectors_are_deterministic(embedder: OnnxEmbedder):
    first = embedder.token_vectors(TEXTS)
    again = embedder.token_vectors(TEXTS)
    assert all(np.array_equal(a.vectors, b.vectors) for a, b in zip(first, again, strict=True))
    assert embedder.token_vectors([]) == []


def test_missing_model_directory_names_the_setting(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"EMBEDDING_MODEL_DIR=.*missing: model.onnx"):
        OnnxEmbedder(tmp_path / "nowhere").embed(["hello"])


MEMORY_AFTER_BIG_BATCH = """
import sys
from pathlib import Path

from bot.bank.embeddings import OnnxEmbedder


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024


embedder = OnnxEmbedder(Path(sys.argv[1]))
embedder.embed(["warm up"])
loaded = rss_mb()
embedder.embed(["word " * 250] * 32)  # one batch of the longest texts, as indexing a bank runs
print(rss_mb() - loaded)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_a_batch_of_long_texts_does_not_leave_its_memory_behind(model_dir: Path):
    """ONNX Runtime's arena kept the peak of the largest run: ~500 MB after indexing a bank."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_AFTER_BIG_BATCH, str(model_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(out.stdout) < 150
