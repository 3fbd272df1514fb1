"""Caches of LLM verdicts: exact, and optionally semantic. In process, or shared through Redis.

What is cached is the model's verdict, not the final grade: a hit is checked again against the
answer in hand (evidence quotes, leaks) and scored with today's weights, so a semantic hit can't
credit key points the new answer doesn't make.
"""

import hashlib
import json
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.grading.llm import LLMVerdict
from bot.grading.models import GradeRequest

SEMANTIC_ENTRIES_PER_SCOPE = 200


class CacheBackend(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str) -> None: ...
    async def push(self, scope: str, value: str) -> None: ...
    async def items(self, scope: str) -> list[str]: ...
    async def close(self) -> None: ...


class MemoryBackend:
    """A bounded LRU in this process."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._max = max_entries
        self._values: OrderedDict[str, str] = OrderedDict()
        self._lists: OrderedDict[str, list[str]] = OrderedDict()

    async def get(self, key: str) -> str | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    async def set(self, key: str, value: str) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._max:
            self._values.popitem(last=False)

    async def push(self, scope: str, value: str) -> None:
        entries = self._lists.setdefault(scope, [])
        entries.append(value)
        del entries[:-SEMANTIC_ENTRIES_PER_SCOPE]
        self._lists.move_to_end(scope)
        while len(self._lists) > self._max:
            self._lists.popitem(last=False)

    async def items(self, scope: str) -> list[str]:
        return list(self._lists.get(scope, ()))

    async def close(self) -> None:
        return None


class RedisBackend:
    """Shared by every bot instance; entries expire after `ttl` seconds."""

    def __init__(self, url: str, *, ttl: int, prefix: str = "interview-bot:grade:") -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, decode_responses=True)
        self._ttl = ttl
        self._prefix = prefix

    async def get(self, key: str) -> str | None:
        return await self._redis.get(self._prefix + key)

    async def set(self, key: str, value: str) -> None:
        await self._redis.set(self._prefix + key, value, ex=self._ttl)

    async def push(self, scope: str, value: str) -> None:
        name = f"{self._prefix}scope:{scope}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(name, value)
            pipe.ltrim(name, -SEMANTIC_ENTRIES_PER_SCOPE, -1)
            pipe.expire(name, self._ttl)
            await pipe.execute()

    async def items(self, scope: str) -> list[str]:
        return await self._redis.lrange(f"{self._prefix}scope:{scope}", 0, -1)

    async def close(self) -> None:
        await self._redis.aclose()


def normalise_answer(answer: str) -> str:
    """Case, width and spacing don't change a grade, so they don't change the key."""
    text = unicodedata.normalize("NFKC", answer).casefold()
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class CacheHit:
    verdict: LLMVerdict
    kind: str  # "exact" or "semantic"


Embed = Callable[[list[str]], Awaitable[np.ndarray]]  # unit-length rows


class VerdictCache:
    def __init__(
        self,
        backend: CacheBackend,
        *,
        embed: Embed | None = None,
        semantic_threshold: float | None = None,
    ) -> None:
        self._backend = backend
        self._embed = embed
        self._threshold = semantic_threshold if embed is not None else None
        self.hits = {"exact": 0, "semantic": 0}
        self.misses = 0

    async def get(self, request: GradeRequest, version: str, model: str) -> CacheHit | None:
        cached = await self._backend.get(self._key(request, version, model))
        if cached is not None:
            self.hits["exact"] += 1
            return CacheHit(LLMVerdict.model_validate_json(cached), "exact")
        if self._threshold is not None and self._embed is not None:
            vector = (await self._embed([normalise_answer(request.answer)]))[0]
            best: tuple[float, str] | None = None
            for raw in await self._backend.items(self._scope(request, version, model)):
                entry = json.loads(raw)
                similarity = float(np.dot(vector, np.asarray(entry["vector"], dtype=np.float32)))
                if similarity >= self._threshold and (best is None or similarity > best[0]):
                    best = (similarity, entry["verdict"])
            if best is not None:
                self.hits["semantic"] += 1
                return CacheHit(LLMVerdict.model_validate_json(best[1]), "semantic")
        self.misses += 1
        return None

    async def put(
        self, request: GradeRequest, version: str, model: str, verdict: LLMVerdict
    ) -> None:
        payload = verdict.model_dump_json()
        await self._backend.set(self._key(request, version, model), payload)
        if self._threshold is not None and self._embed is not None:
            vector = (await self._embed([normalise_answer(request.answer)]))[0]
            entry = {"vector": [round(float(x), 5) for x in vector], "verdict": payload}
            await self._backend.push(self._scope(request, version, model), json.dumps(entry))

    async def close(self) -> None:
        await self._backend.close()

    @staticmethod
    def _question(request: GradeRequest) -> str:
        """The question's id, and its content, so editing a reference invalidates its entries."""
        material = [request.question, request.reference, request.key_points]
        digest = hashlib.sha256(json.dumps(material).encode()).hexdigest()[:16]
        return f"{request.tenant}/{request.question_id or '-'}/{digest}"

    def _scope(self, request: GradeRequest, version: str, model: str) -> str:
        parts = [version, model, self._question(request), request.language]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def _key(self, request: GradeRequest, version: str, model: str) -> str:
        parts = [
            version,
            model,
            self._question(request),
            normalise_answer(request.answer),
            request.language,
        ]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
