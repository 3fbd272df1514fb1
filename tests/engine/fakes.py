"""In-memory stand-ins for the engine's slow parts, so engine tests need no model."""

import asyncio
import hashlib
import re

import numpy as np

from bot.grading.llm import Appeal
from bot.grading.models import Grade, GradeRequest


class FakeGrader:
    """Grades by key-point words: a point is covered when its first word is in the answer."""

    uses_llm = False

    def __init__(self) -> None:
        self.requests: list[GradeRequest] = []
        self.forgotten: list[str] = []

    async def grade(self, request: GradeRequest, *, appeal: Appeal | None = None) -> Grade:
        self.requests.append(request)
        answer = request.answer.lower()
        covered = [p for p in request.key_points if p.split()[0].lower() in answer]
        missing = [p for p in request.key_points if p not in covered]
        score = round(10 * len(covered) / max(1, len(request.key_points)), 1)
        return Grade(score=score, covered=covered, missing=missing, grader="offline")

    async def regrade(self, request: GradeRequest) -> Grade:
        return await self.grade(request)

    async def forget(self, owner: str) -> int:
        self.forgotten.append(owner)
        return 0


class FakeEmbedder:
    """Bag-of-words vectors (each word hashed to a dimension), unit length: texts that share words
    are close, texts that share none are orthogonal. Enough for the bank's search in Chroma."""

    model_id = "fake-bag-of-words"
    dimension = 512

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                vectors[row, int.from_bytes(digest, "big") % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.clip(norms, 1e-12, None)

    async def aembed(self, texts: list[str]) -> np.ndarray:
        return await asyncio.to_thread(self.embed, texts)
