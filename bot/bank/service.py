"""The bank as the rest of the bot sees it: the shipped bank plus tenants' imports."""

import time
from dataclasses import dataclass
from pathlib import Path

from bot.bank.importer import ImportResult, import_bank
from bot.bank.loader import check_unique, load_bank
from bot.bank.models import GLOBAL_TENANT, Question
from bot.bank.store import BankStore, IngestReport
from bot.bank.tenant_files import TenantBankFiles, check_tenant
from bot.bank.translations import BankTranslations
from bot.errors import UserError

RECHECK_SECONDS = 2.0


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    saved: int
    ingest: IngestReport | None


class BankService:
    def __init__(self, shipped_dir: Path, tenant_files: TenantBankFiles, store: BankStore) -> None:
        self._shipped_dir = shipped_dir
        self._tenant_files = tenant_files
        self.store = store
        self.translations = BankTranslations(shipped_dir.parent / "translations")
        self._cache: dict[str, tuple[tuple, list[Question]]] = {}
        self._checked: dict[str, float] = {}

    def questions(self, tenant: str = GLOBAL_TENANT) -> list[Question]:
        """Every question visible to `tenant`: its own entries override global ones by id.

        Parsed files are reused until one of them changes on disk (mtimes are checked at most
        every `RECHECK_SECONDS`; this process's own imports and removals clear the cache)."""
        cached = self._cache.get(tenant)
        now = time.monotonic()
        if cached is not None and now - self._checked.get(tenant, 0.0) < RECHECK_SECONDS:
            return list(cached[1])
        self._checked[tenant] = now
        stamp = self._stamp(tenant)
        if cached is not None and cached[0] == stamp:
            return list(cached[1])
        questions = self._load(tenant)
        self._cache[tenant] = (stamp, questions)
        return list(questions)

    def _forget_parsed(self) -> None:
        self._cache.clear()
        self._checked.clear()

    def _stamp(self, tenant: str) -> tuple:
        paths = [self._tenant_files.path(GLOBAL_TENANT)]
        if tenant != GLOBAL_TENANT:
            paths.append(self._tenant_files.path(check_tenant(tenant)))
        files = [*sorted(self._shipped_dir.glob("*.y*ml")), *paths]
        return tuple((str(p), p.stat().st_mtime_ns if p.exists() else None) for p in files)

    def _load(self, tenant: str) -> list[Question]:
        shipped = load_bank(self._shipped_dir)
        extra = self._tenant_files.load(GLOBAL_TENANT)
        check_unique(
            [(q, str(self._shipped_dir), 0) for q in shipped]
            + [(q, str(self._tenant_files.path(GLOBAL_TENANT)), 0) for q in extra]
        )
        visible = {question.id: question for question in [*shipped, *extra]}
        if tenant != GLOBAL_TENANT:
            visible.update({q.id: q for q in self._tenant_files.load(check_tenant(tenant))})
        return sorted(visible.values(), key=lambda q: (q.number, q.id))

    def own_questions(self, tenant: str) -> list[Question]:
        """What the store holds in the tenant's slice."""
        if tenant == GLOBAL_TENANT:
            return self.questions(GLOBAL_TENANT)
        return self._tenant_files.load(tenant)

    def find(self, question_id: str, tenant: str = GLOBAL_TENANT) -> Question:
        for question in self.questions(tenant):
            if question.id == question_id:
                return question
        raise UserError(f"no question with id '{question_id}' (see `interview-bot bank list`)")

    async def import_file(
        self, data: bytes, *, source: str, tenant: str = GLOBAL_TENANT, dry_run: bool = False
    ) -> ImportOutcome:
        """Parse a bank file; unless `dry_run`, save what parsed and index it for `tenant`."""
        check_tenant(tenant)
        result = import_bank(data, source=source)
        if dry_run or not result.questions:
            return ImportOutcome(result, 0, None)
        if tenant == GLOBAL_TENANT:
            shipped_ids = {q.id for q in load_bank(self._shipped_dir)}
            clashes = sorted(shipped_ids & {q.id for q in result.questions})
            if clashes:
                raise UserError(
                    f"ids already in the shipped bank: {', '.join(clashes)}; "
                    "rename them or import for a tenant (--tenant)"
                )
        self._tenant_files.merge(tenant, result.questions)
        self._forget_parsed()
        report = await self.store.ingest(self.own_questions(tenant), tenant)
        return ImportOutcome(result, len(result.questions), report)

    async def remove(self, question_id: str, tenant: str) -> bool:
        removed = self._tenant_files.remove(tenant, question_id)
        self._forget_parsed()
        if removed:
            await self.store.ingest(self.own_questions(tenant), tenant)
        return removed

    async def ingest_all(self) -> list[IngestReport]:
        """Bring the store in line with the files, re-embedding only changed entries."""
        tenants = [GLOBAL_TENANT, *(t for t in self._tenant_files.tenants() if t != GLOBAL_TENANT)]
        return [await self.store.ingest(self.own_questions(t), t) for t in tenants]
