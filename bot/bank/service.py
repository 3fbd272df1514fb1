"""The bank as the rest of the bot sees it: the shipped bank plus tenants' imports.

The shipped bank is files in the package. Imported banks are rows in the database (`BankRows`),
held in memory here and reloaded when another instance changes them (`refresh`, polled by
`watch`). Vectors are in Chroma (`BankStore`): `sync` embeds what is missing or changed.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.bank.importer import ImportResult, import_bank
from bot.bank.loader import load_bank
from bot.bank.models import GLOBAL_TENANT, Question
from bot.bank.store import BankStore, IngestReport, Progress, SearchHit
from bot.bank.tenants import BankRows, check_tenant
from bot.bank.translations import BankTranslations
from bot.errors import StoreUnavailable, UserError
from bot.memory import return_freed_memory

log = logging.getLogger(__name__)

RELATED_ENTRIES = 3


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    saved: int
    ingest: IngestReport | None


class BankService:
    def __init__(
        self,
        shipped_dir: Path,
        rows: BankRows,
        store: BankStore,
        *,
        prepare: Callable[[], Awaitable[None]] | None = None,
        legacy_dir: Path | None = None,
    ) -> None:
        """`prepare` brings the database schema up before the rows are first read;
        `legacy_dir` holds YAML banks of earlier versions, adopted into the rows once."""
        self._shipped_dir = shipped_dir
        self._rows = rows
        self.store = store
        self._prepare = prepare
        self._legacy_dir = legacy_dir
        self.translations = BankTranslations(shipped_dir.parent / "translations")
        self._shipped: list[Question] | None = None
        self._imported: dict[str, dict[str, Question]] = {}
        self._revision: int | None = None  # None: the rows were not read yet
        self._views: dict[str, list[Question]] = {}
        # What grading was given per (tenant, question, with related entries), until a change.
        self._material: dict[tuple[str, str, bool], tuple[Question, tuple[str, ...]]] = {}
        self._load_lock = asyncio.Lock()
        self._synced = asyncio.Event()
        self._syncing = False

    # ---- what tenants see

    def questions(self, tenant: str = GLOBAL_TENANT) -> list[Question]:
        """Every question visible to `tenant`: its own entries override global ones by id.
        Imported entries count once `load` ran (`App.start` runs it)."""
        view = self._views.get(tenant)
        if view is None:
            visible = {q.id: q for q in self.shipped()}
            visible.update(self._imported.get(GLOBAL_TENANT, {}))
            if tenant != GLOBAL_TENANT:
                visible.update(self._imported.get(check_tenant(tenant), {}))
            view = self._views[tenant] = sorted(visible.values(), key=lambda q: (q.number, q.id))
        return list(view)

    def shipped(self) -> list[Question]:
        if self._shipped is None:
            self._shipped = load_bank(self._shipped_dir)
        return self._shipped

    def own_questions(self, tenant: str) -> list[Question]:
        """What the store holds in the tenant's slice."""
        if tenant == GLOBAL_TENANT:
            return self.questions(GLOBAL_TENANT)
        return list(self._imported.get(tenant, {}).values())

    def find(self, question_id: str, tenant: str = GLOBAL_TENANT) -> Question:
        for question in self.questions(tenant):
            if question.id == question_id:
                return question
        raise UserError(f"no question with id '{question_id}' (see `interview-bot bank list`)")

    # ---- the shared rows

    async def load(self) -> set[str]:
        """Read the imported banks (adopting legacy files first); returns the tenants whose
        entries changed since the last read."""
        async with self._load_lock:
            if self._revision is None:
                if self._prepare is not None:
                    await self._prepare()
                await self._adopt_legacy_files()
            revision, rows = await self._rows.bank_entries()
            imported: dict[str, dict[str, Question]] = {}
            for tenant, entry in rows:
                imported.setdefault(tenant, {})[entry["id"]] = Question.model_validate(entry)
            changed = {
                tenant
                for tenant in imported.keys() | self._imported.keys()
                if imported.get(tenant) != self._imported.get(tenant)
            }
            self._imported, self._revision, self._views = imported, revision, {}
            self._material.clear()
            return changed

    async def ensure_loaded(self) -> None:
        if self._revision is None:
            await self.load()

    async def refresh(self) -> set[str]:
        """Reload if another instance changed a bank (one cheap query when none did)."""
        if self._revision is not None and await self._rows.bank_revision() == self._revision:
            return set()
        return await self.load()

    async def watch(self, every: float) -> None:
        """Poll for other instances' changes; index a changed tenant's slice if this instance's
        store lacks it (a no-op on a shared Chroma server, where the importer indexed it)."""
        while True:
            await asyncio.sleep(every)
            try:
                for tenant in sorted(await self.refresh()):
                    await self.store.ingest(self.own_questions(tenant), tenant)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database or Chroma is away: try again at the next tick
                log.warning("bank recheck failed", exc_info=True)

    async def _adopt_legacy_files(self) -> None:
        """Earlier versions kept imports as `DATA_DIR/banks/<tenant>.yaml`: move them into the
        rows once, then rename each file so it is never read again."""
        if self._legacy_dir is None or not self._legacy_dir.is_dir():
            return
        for path in sorted(self._legacy_dir.glob("*.yaml")):
            try:
                tenant = check_tenant(path.stem)
                questions = await asyncio.to_thread(load_bank, path)
            except UserError as exc:  # a broken file stays, and is reported at every start
                log.error("bank file %s not moved to the database: %s", path, exc)
                continue
            await self._rows.save_bank_entries(tenant, [q.to_public_json() for q in questions])
            path.rename(path.with_name(path.name + ".imported"))
            log.info(
                "bank of %s (%d entries) moved from %s to the database",
                tenant,
                len(questions),
                path,
            )

    # ---- imports

    async def import_file(
        self, data: bytes, *, source: str, tenant: str = GLOBAL_TENANT, dry_run: bool = False
    ) -> ImportOutcome:
        """Parse a bank file; unless `dry_run`, save what parsed and index it for `tenant`."""
        check_tenant(tenant)
        result = import_bank(data, source=source)
        if dry_run or not result.questions:
            return ImportOutcome(result, 0, None)
        if tenant == GLOBAL_TENANT:
            shipped_ids = {q.id for q in self.shipped()}
            clashes = sorted(shipped_ids & {q.id for q in result.questions})
            if clashes:
                raise UserError(
                    f"ids already in the shipped bank: {', '.join(clashes)}; "
                    "rename them or import for a tenant (--tenant)"
                )
        await self.ensure_loaded()
        await self._rows.save_bank_entries(tenant, [q.to_public_json() for q in result.questions])
        await self.load()
        report = await self.store.ingest(self.own_questions(tenant), tenant)
        return ImportOutcome(result, len(result.questions), report)

    async def remove(self, question_id: str, tenant: str) -> bool:
        await self.ensure_loaded()
        removed = await self._rows.delete_bank_entry(check_tenant(tenant), question_id)
        if removed:
            await self.load()
            await self.store.ingest(self.own_questions(tenant), tenant)
        return removed

    # ---- the store

    async def ingest_all(self, progress: Progress | None = None) -> list[IngestReport]:
        """Bring the store in line with the bank, embedding only new or changed entries."""
        await self.ensure_loaded()
        tenants = [GLOBAL_TENANT, *sorted(t for t in self._imported if t != GLOBAL_TENANT)]
        return [await self.store.ingest(self.own_questions(t), t, progress) for t in tenants]

    def expect_sync(self) -> None:
        """A `sync` is about to run: searches from now on wait for it."""
        if not self._syncing or self._synced.is_set():
            self._synced = asyncio.Event()
        self._syncing = True

    async def sync(self, progress: Progress | None = None) -> None:
        """`ingest_all` at start; searches wait for it (`synced`). A failure is logged, not
        raised: the bot runs, and `ask` says what it can't find."""
        self.expect_sync()
        try:
            reports = await self.ingest_all(progress)
            embedded = sum(report.embedded for report in reports)
            if embedded:
                log.info("bank: %d entries embedded into the store", embedded)
                return_freed_memory()  # what the runs left in the heaps
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("bank: indexing the store failed", exc_info=True)
        finally:
            self._synced.set()

    async def synced(self) -> None:
        """Wait for a running `sync` (returns at once when none was started)."""
        if self._syncing:
            await self._synced.wait()

    async def search(self, text: str, *, k: int, tenant: str = GLOBAL_TENANT) -> list[SearchHit]:
        await self.synced()
        return await self.store.search(text, k=k, tenant=tenant)

    async def grading_material(
        self, question: Question, tenant: str, *, related: bool
    ) -> tuple[Question, tuple[str, ...]]:
        """The entry as the store holds it (tenant-scoped) and, if asked, related entries as
        context for the LLM grader. Without the store, or while the bank is being indexed
        at start, the entry in hand (the same text) and no context."""
        key = (tenant, question.id, related)
        if key in self._material:
            return self._material[key]
        if self._syncing and not self._synced.is_set():
            return question, ()  # a first run's indexing (seconds): nothing to wait for it
        try:
            stored = await self.store.get(question.id, tenant) or question
            hits = (
                await self.store.related(stored, k=RELATED_ENTRIES, tenant=tenant)
                if related
                else []
            )
        except StoreUnavailable:
            log.warning("bank store unavailable; grading %s without it", question.id)
            return question, ()
        material = stored, tuple(_context_entry(hit.question) for hit in hits)
        if stored == question:  # the store is up to date: keep it until the bank changes
            self._material[key] = material
        return material


def _context_entry(question: Question) -> str:
    points = "; ".join(question.key_points)
    return f"{question.question} Key points: {points}"
