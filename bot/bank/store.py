"""The bank in Chroma: idempotent ingest by content hash, lookup by id, and search by meaning.

Chroma's client is synchronous, so every call runs in a worker thread. Entries of all tenants
share one collection; a `tenant` metadata field scopes them ("global" is everyone's bank).
"""

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.bank.chroma_location import ChromaLocation
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.models import GLOBAL_TENANT, Question

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

COLLECTION = "question_bank"
# Told how far an ingest got: (tenant, entries embedded so far, entries to embed).
Progress = Callable[[str, int, int], None]
UPSERT_BATCH = 32


@dataclass(frozen=True)
class IngestReport:
    tenant: str
    added: int
    updated: int
    removed: int
    unchanged: int

    @property
    def embedded(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class SearchHit:
    question: Question
    tenant: str
    score: float  # cosine similarity, 1.0 = same meaning


class BankStore:
    def __init__(self, location: ChromaLocation, embedder: OnnxEmbedder) -> None:
        self._location = location
        self._embedder = embedder
        self._collection: Collection | None = None
        self._failure: Exception | None = None  # of the last attempt to open, if it failed
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Connect now, so that the first search doesn't wait for Chroma (its import alone
        takes half a second). A failure is left for `check` and the first use to report."""
        try:
            await self._get_collection()
        except Exception:
            log.debug("bank store: opening failed; the first use will try again", exc_info=True)

    async def check(self) -> None:
        """For `/readyz`: raises if the store is unusable. Once the client is open, a real
        read; until then, whether Chroma can be reached, without opening a client for it."""
        if self._collection is not None:
            await asyncio.to_thread(self._collection.count)
        elif self._failure is not None:
            raise self._failure
        else:
            await self._location.check()

    async def _get_collection(self) -> "Collection":
        async with self._lock:
            if self._collection is None:
                try:
                    self._collection = await asyncio.to_thread(self._open)
                except Exception as exc:
                    self._failure = exc
                    raise
                self._failure = None
            return self._collection

    def _open(self) -> "Collection":
        client = self._location.connect()
        return client.get_or_create_collection(
            COLLECTION,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": self._embedder.model_id},
        )

    async def ingest(
        self,
        questions: list[Question],
        tenant: str = GLOBAL_TENANT,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Make the tenant's slice of the collection equal `questions`, embedding only changes.

        Each batch writes vectors and hashes together, so an interrupted run leaves every entry
        either old or new (never half-written) and the next run finishes the job.
        """
        collection = await self._get_collection()
        existing = await asyncio.to_thread(
            collection.get, where={"tenant": tenant}, include=["metadatas"]
        )
        stored = {
            doc_id: (meta or {}).get("content_hash")
            for doc_id, meta in zip(existing["ids"], existing["metadatas"] or [], strict=False)
        }
        wanted = {_doc_id(tenant, q.id): q for q in questions}
        changed = [
            (doc_id, question)
            for doc_id, question in wanted.items()
            if stored.get(doc_id) != question.content_hash(self._embedder.model_id)
        ]
        for start in range(0, len(changed), UPSERT_BATCH):
            batch = changed[start : start + UPSERT_BATCH]
            await self._upsert(collection, tenant, batch)
            if progress is not None:
                progress(tenant, start + len(batch), len(changed))
        removed = [doc_id for doc_id in stored if doc_id not in wanted]
        if removed:
            await asyncio.to_thread(collection.delete, ids=removed)
        added = sum(1 for doc_id, _ in changed if doc_id not in stored)
        return IngestReport(
            tenant=tenant,
            added=added,
            updated=len(changed) - added,
            removed=len(removed),
            unchanged=len(wanted) - len(changed),
        )

    async def _upsert(
        self, collection: "Collection", tenant: str, batch: list[tuple[str, Question]]
    ) -> None:
        vectors = await self._embedder.aembed([q.embedding_text() for _, q in batch])
        await asyncio.to_thread(
            collection.upsert,
            ids=[doc_id for doc_id, _ in batch],
            embeddings=vectors,
            documents=[q.reference for _, q in batch],
            metadatas=[_metadata(tenant, q, self._embedder.model_id) for _, q in batch],
        )

    async def get(self, question_id: str, tenant: str = GLOBAL_TENANT) -> Question | None:
        """A question by id: the tenant's own entry first, then the global one."""
        collection = await self._get_collection()
        ids = list(
            dict.fromkeys([_doc_id(tenant, question_id), _doc_id(GLOBAL_TENANT, question_id)])
        )
        found = await asyncio.to_thread(collection.get, ids=ids, include=["metadatas"])
        by_id = dict(zip(found["ids"], found["metadatas"] or [], strict=False))
        for doc_id in ids:
            if doc_id in by_id:
                return _question(by_id[doc_id])
        return None

    async def search(
        self, text: str, *, k: int = 5, tenant: str = GLOBAL_TENANT, exclude: str | None = None
    ) -> list[SearchHit]:
        """The `k` entries nearest in meaning to `text`, best first, visible to `tenant`."""
        collection = await self._get_collection()
        vector = await self._embedder.aembed([text])
        scope: dict[str, Any] = {"tenant": {"$in": sorted({GLOBAL_TENANT, tenant})}}
        result = await asyncio.to_thread(
            collection.query,
            query_embeddings=vector,
            n_results=k + (1 if exclude else 0),
            where=scope,
            include=["metadatas", "distances"],
        )
        hits = [
            SearchHit(_question(meta), meta["tenant"], round(1.0 - distance, 4))
            for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=True)
        ]
        return [hit for hit in hits if hit.question.id != exclude][:k]

    async def related(
        self, question: Question, *, k: int = 3, tenant: str = GLOBAL_TENANT
    ) -> list[SearchHit]:
        """Other entries close to this one, for grading context and "see also"."""
        return await self.search(question.embedding_text(), k=k, tenant=tenant, exclude=question.id)

    async def count(self, tenant: str | None = None) -> int:
        collection = await self._get_collection()
        if tenant is None:
            return await asyncio.to_thread(collection.count)
        found = await asyncio.to_thread(collection.get, where={"tenant": tenant}, include=[])
        return len(found["ids"])


def _doc_id(tenant: str, question_id: str) -> str:
    return f"{tenant}/{question_id}"


def _metadata(tenant: str, question: Question, model_id: str) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "question_id": question.id,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "content_hash": question.content_hash(model_id),
        "payload": json.dumps(question.to_public_json(), ensure_ascii=False),
    }


def _question(metadata: dict[str, Any]) -> Question:
    return Question.model_validate_json(metadata["payload"])
