"""Embedding throughput (dynamic vs fixed 256-token padding) and bank ingest times.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/embed.py
"""

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import track

from bot.bank.chroma_location import LocalChroma
from bot.bank.embeddings import MAX_TOKENS, OnnxEmbedder
from bot.bank.loader import load_bank
from bot.bank.store import BankStore
from bot.config import Settings

ROUNDS = 5


def short_texts(bank_dir: Path) -> list[str]:
    """Chat-sized texts (≤ 60 tokens): the bank's questions, key points and follow-ups."""
    texts: list[str] = []
    for question in load_bank(bank_dir):
        texts += [question.question, *question.key_points, *question.follow_ups]
    return texts


def texts_per_second(embedder: OnnxEmbedder, texts: list[str], pad_to: int | None) -> float:
    rates = []
    for _ in track(range(ROUNDS), description=f"pad to {pad_to or 'longest'}", transient=True):
        start = time.perf_counter()
        embedder.embed(texts, pad_to=pad_to)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


async def ingest_times(embedder: OnnxEmbedder, bank_dir: Path) -> tuple[float, float, int]:
    bank = load_bank(bank_dir)
    with tempfile.TemporaryDirectory() as folder:
        store = BankStore(LocalChroma(Path(folder)), embedder)
        start = time.perf_counter()
        await store.ingest(bank)
        cold = time.perf_counter() - start
        calls_before = embedder.texts_embedded
        start = time.perf_counter()
        await store.ingest(bank)
        warm = time.perf_counter() - start
        return cold, warm, embedder.texts_embedded - calls_before


def main() -> None:
    settings = Settings()
    model_dir = settings.embedding_model_dir or Path(os.environ.get("EMBEDDING_MODEL_DIR", ""))
    embedder = OnnxEmbedder(model_dir)
    texts = short_texts(settings.bank_dir)
    embedder.embed(texts[:8])  # load the model outside the timings
    lengths = embedder.token_counts(texts)
    texts = [text for text, length in zip(texts, lengths, strict=True) if length <= 60]
    lengths = [length for length in lengths if length <= 60]
    dynamic = texts_per_second(embedder, texts, None)
    fixed = texts_per_second(embedder, texts, MAX_TOKENS)
    cold, warm, embedded = asyncio.run(ingest_times(embedder, settings.bank_dir))
    console = Console()
    console.print(
        f"short texts: {len(texts)} (tokens: median {statistics.median(lengths):.0f}, "
        f"max {max(lengths)})"
    )
    console.print(f"embed dynamic padding: {dynamic:,.0f} texts/s")
    console.print(f"embed fixed 256 padding: {fixed:,.0f} texts/s")
    console.print(f"speed-up dynamic/fixed: {dynamic / fixed:.1f}x")
    console.print(f"ingest cold (50 questions): {cold:.2f} s")
    console.print(f"ingest warm (unchanged bank): {warm:.3f} s, {embedded} texts embedded")


if __name__ == "__main__":
    main()
