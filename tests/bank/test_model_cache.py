"""The prepared model copy: same vectors as the original, made once, and never in the way."""

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.model_cache import PREPARED_NAME, prepared_model

TEXTS = [
    "Attention dropout zeroes attention weights after the softmax during training.",
    "Die Aufmerksamkeit wird während des Trainings zufällig auf null gesetzt.",
    "short",
]


def test_the_prepared_copy_embeds_like_the_original_and_is_smaller(model_dir: Path, tmp_path: Path):
    original = OnnxEmbedder(model_dir).embed(TEXTS)
    prepared = OnnxEmbedder(model_dir, cache_dir=tmp_path).embed(TEXTS)
    assert np.allclose(original, prepared, atol=5e-3)
    assert (original * prepared).sum(axis=1).min() > 0.9999
    (copy,) = tmp_path.glob(f"*/{PREPARED_NAME}")
    # The word-embedding table (47 MB) is stored in a quarter of that.
    assert copy.stat().st_size < (model_dir / "model.onnx").stat().st_size - 30_000_000


def test_the_copy_is_made_once_and_reused(model_dir: Path, tmp_path: Path):
    first = prepared_model(model_dir / "model.onnx", tmp_path)
    made = first.stat().st_mtime_ns
    again = prepared_model(model_dir / "model.onnx", tmp_path)
    assert again == first and again.stat().st_mtime_ns == made
    assert [p.name for p in tmp_path.iterdir()] == [first.parent.name]  # no scratch left


def test_a_cache_path_that_is_a_file_falls_back_to_the_original_model(
    model_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING):
        embedder = OnnxEmbedder(model_dir, cache_dir=blocker)
        assert embedder.embed(["still works"]).shape == (1, 384)
    assert "no prepared copy" in caplog.text
