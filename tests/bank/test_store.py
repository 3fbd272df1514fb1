from pathlib import Path

import pytest

from bot.app import App
from bot.bank.chroma_location import ChromaServer, LocalChroma
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.loader import load_bank
from bot.bank.models import Question
from bot.bank.store import BankStore
from bot.errors import StoreUnavailable
from tests.conftest import free_port


@pytest.fixture(scope="module")
def bank(model_dir: Path) -> list[Question]:
    from bot.config import Settings

    return load_bank(Settings(_env_file=None).bank_dir)


@pytest.fixture
def store(tmp_path: Path, embedder: OnnxEmbedder) -> BankStore:
    return BankStore(LocalChroma(tmp_path / "chroma"), embedder)


async def test_ingest_is_idempotent(store: BankStore, bank: list[Question], embedder):
    first = await store.ingest(bank)
    assert (first.added, first.embedded) == (50, 50)
    before = embedder.texts_embedded
    second = await store.ingest(bank)
    assert (second.embedded, second.unchanged) == (0, 50)
    assert embedder.texts_embedded == before  # not a single embedding call


async def test_ingest_updates_changed_and_deletes_removed(store: BankStore, bank):
    await store.ingest(bank)
    edited = bank[0].model_copy(update={"reference": bank[0].reference + " Edited."})
    report = await store.ingest([edited, *bank[1:-1]])
    assert (report.updated, report.removed, report.added, report.unchanged) == (1, 1, 0, 48)
    assert (await store.get(bank[0].id)).reference.endswith("Edited.")
    assert await store.get(bank[-1].id) is None


async def test_retrieval_by_id_and_by_meaning(store: BankStore, bank):
    await store.ingest(bank)
    assert await store.get("attention-dropout") == next(q for q in bank if q.number == 1)
    hits = await store.search("fine-tune LLaMA cheaply with low-rank adapter matrices", k=3)
    assert hits[0].question.number == 15
    assert hits[0].score > hits[-1].score
    hits = await store.search("dynamic programming with backpointers to decode a trellis", k=1)
    assert hits[0].question.number == 45
    related = await store.related(next(q for q in bank if q.number == 5), k=3)
    assert 13 in {hit.question.number for hit in related}  # the other MoE question
    assert 5 not in {hit.question.number for hit in related}


async def test_tenant_entries_are_visible_only_to_their_tenant(store: BankStore, bank):
    await store.ingest(bank)
    own = bank[0].model_copy(update={"id": "house-rules", "question": "What is our on-call rota?"})
    await store.ingest([own], tenant="acme")
    assert (await store.get("house-rules", tenant="acme")).question == own.question
    assert await store.get("house-rules", tenant="other") is None
    assert await store.get("house-rules") is None
    hits = await store.search("on-call rota", k=1, tenant="acme")
    assert hits[0].question.id == "house-rules"
    assert all(h.tenant == "global" for h in await store.search("on-call rota", tenant="other"))
    # Ingesting the global bank again leaves the tenant's slice alone.
    assert (await store.ingest(bank)).removed == 0
    assert await store.count("acme") == 1


class FailingEmbedder(OnnxEmbedder):
    """The real model, cut off after a number of texts, like a process killed mid-ingest."""

    def __init__(self, model_dir: Path, budget: int) -> None:
        super().__init__(model_dir, batch_size=8)
        self.budget = budget

    def embed(self, texts, *, pad_to=None):
        if self.budget < len(texts):
            raise KeyboardInterrupt
        self.budget -= len(texts)
        return super().embed(texts, pad_to=pad_to)


async def test_interrupted_ingest_leaves_the_collection_usable(tmp_path, model_dir, bank):
    path = tmp_path / "chroma"
    await BankStore(LocalChroma(path), OnnxEmbedder(model_dir)).ingest(bank)
    edited = [q.model_copy(update={"reference": q.reference + " v2"}) for q in bank]
    interrupted = BankStore(LocalChroma(path), FailingEmbedder(model_dir, budget=40))
    with pytest.raises(KeyboardInterrupt):
        await interrupted.ingest(edited)
    reopened = BankStore(LocalChroma(path), OnnxEmbedder(model_dir))
    assert await reopened.count() == 50
    versions = {(await reopened.get(q.id)).reference.endswith(" v2") for q in bank}
    assert versions == {True, False}  # some entries new, the rest old, none broken
    assert (await reopened.search("attention dropout regularization", k=1))[0].question.number == 1
    finish = await reopened.ingest(edited)
    assert finish.updated == 50 - 32  # only what the interrupted run had not written


async def test_chroma_server_over_http(chroma_server: int, embedder, bank):
    store = BankStore(ChromaServer("127.0.0.1", chroma_server), embedder)
    assert (await store.ingest(bank)).added == 50
    assert (await store.ingest(bank)).embedded == 0
    assert (await store.search("masked language model versus GPT", k=1))[0].question.number == 32


async def test_unreachable_chroma_server_names_the_settings(embedder):
    store = BankStore(ChromaServer("127.0.0.1", free_port()), embedder)
    with pytest.raises(StoreUnavailable, match=r"CHROMA_HOST=127.0.0.1 CHROMA_PORT=\d+"):
        await store.get("attention-dropout")


async def test_unusable_chroma_path_is_explained(tmp_path: Path, embedder):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = BankStore(LocalChroma(blocker / "chroma"), embedder)
    with pytest.raises(StoreUnavailable, match="CHROMA_PATH="):
        await store.count()


async def test_check_reports_whether_chroma_can_be_reached(
    chroma_server: int, embedder, tmp_path: Path
):
    """What `/readyz` asks before the client is open."""
    await BankStore(ChromaServer("127.0.0.1", chroma_server), embedder).check()
    await BankStore(LocalChroma(tmp_path / "new" / "chroma"), embedder).check()  # made on use
    with pytest.raises(StoreUnavailable, match=r"CHROMA_HOST=127.0.0.1 CHROMA_PORT=\d+"):
        await BankStore(ChromaServer("127.0.0.1", free_port()), embedder).check()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match=r"CHROMA_PATH=.*not a folder"):
        await BankStore(LocalChroma(blocker / "chroma"), embedder).check()


async def test_a_store_that_failed_to_open_fails_its_check(tmp_path: Path, embedder):
    path = tmp_path / "chroma"
    path.mkdir()
    (path / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    store = BankStore(LocalChroma(path), embedder)
    await store.check()  # the folder is there and writable: nothing has tried to open it yet
    await store.open()  # as a start does, in the background: a failure is kept, not raised
    with pytest.raises(StoreUnavailable, match="not a database"):
        await store.check()


async def test_app_builds_the_store_from_settings(app: App):
    reports = await app.bank.ingest_all()
    assert [(r.tenant, r.added) for r in reports] == [("global", 50)]
    assert (app.settings.data_dir / "chroma").is_dir()
