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
from bot.redis_link import RedisLink, RedisUnavailable

SEMANTIC_ENTRIES_PER_SCOPE = 200


class CacheBackend(Protocol):
    """`owner` names whose answer an entry holds, so `forget(owner)` can remove it."""

    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str, owner: str | None = None) -> None: ...
    async def push(self, scope: str, value: str, owner: str | None = None) -> None: ...
    async def items(self, scope: str) -> list[str]: ...
    async def forget(self, owner: str) -> int: ...
    async def close(self) -> None: ...


class MemoryBackend:
    """A bounded LRU in this process."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._max = max_entries
        self._values: OrderedDict[str, str] = OrderedDict()
        self._lists: OrderedDict[str, list[str]] = OrderedDict()
        self._owners: OrderedDict[str, set[tuple[str, str, str | None]]] = OrderedDict()

    async def get(self, key: str) -> str | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    async def set(self, key: str, value: str, owner: str | None = None) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._max:
            self._values.popitem(last=False)
        self._own(owner, ("key", key, None))

    async def push(self, scope: str, value: str, owner: str | None = None) -> None:
        entries = self._lists.setdefault(scope, [])
        entries.append(value)
        del entries[:-SEMANTIC_ENTRIES_PER_SCOPE]
        self._lists.move_to_end(scope)
        while len(self._lists) > self._max:
            self._lists.popitem(last=False)
        self._own(owner, ("list", scope, value))

    async def items(self, scope: str) -> list[str]:
        return list(self._lists.get(scope, ()))

    async def forget(self, owner: str) -> int:
        removed = 0
        for kind, name, value in self._owners.pop(owner, set()):
            if kind == "key":
                removed += self._values.pop(name, None) is not None
            elif value in self._lists.get(name, ()):
                self._lists[name] = [v for v in self._lists[name] if v != value]
                removed += 1
        return removed

    async def close(self) -> None:
        return None

    def _own(self, owner: str | None, entry: tuple[str, str, str | None]) -> None:
        if owner is None:
            return
        self._owners.setdefault(owner, set()).add(entry)
        self._owners.move_to_end(owner)
        while len(self._owners) > self._max:
            self._owners.popitem(last=False)


class RedisBackend:
    """Shared by every bot instance; entries expire after `ttl` seconds.

    While Redis is unreachable, entries are read and written in this process instead. A
    `forget` that can't reach Redis is done again once Redis answers."""

    def __init__(
        self,
        link: RedisLink,
        *,
        ttl: int,
        prefix: str = "interview-bot:grade:",
        fallback: MemoryBackend | None = None,
    ) -> None:
        self._link = link
        self._ttl = ttl
        self._prefix = prefix
        self._fallback = fallback or MemoryBackend()
        self._unpurged: set[str] = set()

    async def get(self, key: str) -> str | None:
        try:
            return await self._call(lambda redis: redis.get(self._prefix + key))
        except RedisUnavailable:
            return await self._fallback.get(key)

    async def set(self, key: str, value: str, owner: str | None = None) -> None:
        async def write(redis) -> None:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.set(self._prefix + key, value, ex=self._ttl)
                if owner is not None:
                    self._index(pipe, owner, json.dumps(["key", key]))
                await pipe.execute()

        try:
            await self._call(write)
        except RedisUnavailable:
            await self._fallback.set(key, value, owner)

    async def push(self, scope: str, value: str, owner: str | None = None) -> None:
        name = f"{self._prefix}scope:{scope}"

        async def write(redis) -> None:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.rpush(name, value)
                pipe.ltrim(name, -SEMANTIC_ENTRIES_PER_SCOPE, -1)
                pipe.expire(name, self._ttl)
                if owner is not None:
                    self._index(pipe, owner, json.dumps(["list", scope, value]))
                await pipe.execute()

        try:
            await self._call(write)
        except RedisUnavailable:
            await self._fallback.push(scope, value, owner)

    async def items(self, scope: str) -> list[str]:
        try:
            return await self._call(
                lambda redis: redis.lrange(f"{self._prefix}scope:{scope}", 0, -1)
            )
        except RedisUnavailable:
            return await self._fallback.items(scope)

    async def forget(self, owner: str) -> int:
        removed = await self._fallback.forget(owner)
        try:
            removed += await self._link.call(lambda redis: self._purge(redis, owner))
        except RedisUnavailable:
            self._unpurged.add(owner)
        return removed

    async def close(self) -> None:
        """The link is the App's to close."""

    async def _call(self, operation):
        result = await self._link.call(operation)
        while self._unpurged:  # a forget that found Redis down, done now that it answers
            owner = self._unpurged.pop()
            try:
                await self._link.call(lambda redis, owner=owner: self._purge(redis, owner))
            except RedisUnavailable:
                self._unpurged.add(owner)
                break
        return result

    def _index(self, pipe, owner: str, entry: str) -> None:
        name = f"{self._prefix}owner:{owner}"
        pipe.sadd(name, entry)
        pipe.expire(name, self._ttl)

    async def _purge(self, redis, owner: str) -> int:
        name = f"{self._prefix}owner:{owner}"
        entries = [json.loads(raw) for raw in await redis.smembers(name)]
        async with redis.pipeline(transaction=True) as pipe:
            for entry in entries:
                if entry[0] == "key":
                    pipe.delete(self._prefix + entry[1])
                else:
                    pipe.lrem(f"{self._prefix}scope:{entry[1]}", 0, entry[2])
            pipe.delete(name)
            results = await pipe.execute()
        return sum(1 for result in results[:-1] if result)


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
        key = self._key(request, version, model)
        cached = await self._backend.get(key)
        if cached is not None:
            self.hits["exact"] += 1
            if request.owner is not None:  # the entry now holds this user's answer text too
                await self._backend.set(key, cached, request.owner)
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
        await self._backend.set(self._key(request, version, model), payload, request.owner)
        if self._threshold is not None and self._embed is not None:
            vector = (await self._embed([normalise_answer(request.answer)]))[0]
            entry = {"vector": [round(float(x), 5) for x in vector], "verdict": payload}
            scope = self._scope(request, version, model)
            await self._backend.push(scope, json.dumps(entry), request.owner)

    async def forget(self, owner: str) -> int:
        """Remove every entry holding an answer of `owner` (a user who asked to be forgotten)."""
        return await self._backend.forget(owner)

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
