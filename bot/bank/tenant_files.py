"""Banks imported by an operator, a server or a workspace: one YAML file per tenant.

Stored under `DATA_DIR/banks/<tenant>.yaml`, in the same schema as knowledge/.
"""

import re
from pathlib import Path

from bot.bank.loader import dump_bank, load_bank
from bot.bank.models import Question
from bot.errors import UserError

# Adapters name tenants `<platform>:<id>` (e.g. `discord:1234`, `slack:T01`).
TENANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_-]{0,79}$")


def check_tenant(tenant: str) -> str:
    if not TENANT_PATTERN.match(tenant):
        raise UserError(
            f"invalid tenant '{tenant}': use letters, digits, ':', '-' or '_' "
            "(at most 80 characters)"
        )
    return tenant


class TenantBankFiles:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def path(self, tenant: str) -> Path:
        return self._folder / f"{check_tenant(tenant)}.yaml"

    def tenants(self) -> list[str]:
        if not self._folder.is_dir():
            return []
        return sorted(path.stem for path in self._folder.glob("*.yaml"))

    def load(self, tenant: str) -> list[Question]:
        path = self.path(tenant)
        return load_bank(path) if path.exists() else []

    def merge(self, tenant: str, questions: list[Question]) -> list[Question]:
        """Add or replace (by id) the given questions in the tenant's bank; returns the bank."""
        incoming = {question.id: question for question in questions}
        kept = [question for question in self.load(tenant) if question.id not in incoming]
        bank = kept + list(incoming.values())
        self._write(tenant, bank)
        return bank

    def remove(self, tenant: str, question_id: str) -> bool:
        bank = self.load(tenant)
        kept = [question for question in bank if question.id != question_id]
        if len(kept) == len(bank):
            return False
        self._write(tenant, kept)
        return True

    def _write(self, tenant: str, bank: list[Question]) -> None:
        path = self.path(tenant)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".yaml.tmp")
        temporary.write_text(dump_bank(bank), encoding="utf-8")
        temporary.replace(path)  # atomic: a crash never leaves a half-written bank
