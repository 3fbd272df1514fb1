"""Tenant names, and the rows where tenants' imported banks are kept (in the database)."""

import re
from typing import Any, Protocol

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


class BankRows(Protocol):
    """Imported entries shared by every instance (`bot.storage.repositories.banks`). Each change
    raises a revision, which instances poll to notice another's imports and removals."""

    async def bank_revision(self) -> int: ...
    async def bank_entries(self) -> tuple[int, list[tuple[str, dict[str, Any]]]]: ...
    async def save_bank_entries(self, tenant: str, entries: list[dict[str, Any]]) -> None: ...
    async def delete_bank_entry(self, tenant: str, question_id: str) -> bool: ...
