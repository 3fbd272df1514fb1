"""Imported banks: one row per tenant's entry, and a revision counter every change raises."""

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import BankEntry, BankRevision, utcnow
from bot.storage.repositories.base import Store


class BankRepository(Store):
    async def bank_revision(self) -> int:
        """What instances poll: one indexed row, so checking often costs next to nothing."""
        async with self._session() as session:
            return int(await session.scalar(select(BankRevision.revision)) or 0)

    async def bank_entries(self) -> tuple[int, list[tuple[str, dict[str, Any]]]]:
        """The revision and every imported entry as (tenant, entry), read in one transaction."""
        async with self._session() as session:
            revision = int(await session.scalar(select(BankRevision.revision)) or 0)
            rows = await session.execute(
                select(BankEntry.tenant_id, BankEntry.entry).order_by(BankEntry.id)
            )
            return revision, [(tenant, dict(entry)) for tenant, entry in rows]

    async def save_bank_entries(self, tenant: str, entries: list[dict[str, Any]]) -> None:
        """Add or replace (by id) entries in the tenant's bank."""
        async with self._session.begin() as session:
            for entry in entries:
                insert = self._insert(BankEntry).values(
                    tenant_id=tenant, question_id=entry["id"], entry=entry, updated_at=utcnow()
                )
                await session.execute(
                    insert.on_conflict_do_update(
                        index_elements=["tenant_id", "question_id"],
                        set_={
                            "entry": insert.excluded.entry,
                            "updated_at": insert.excluded.updated_at,
                        },
                    )
                )
            await _bump(session)

    async def delete_bank_entry(self, tenant: str, question_id: str) -> bool:
        async with self._session.begin() as session:
            result = await session.execute(
                delete(BankEntry).where(
                    BankEntry.tenant_id == tenant, BankEntry.question_id == question_id
                )
            )
            if not result.rowcount:
                return False
            await _bump(session)
            return True


async def _bump(session: AsyncSession) -> None:
    await session.execute(update(BankRevision).values(revision=BankRevision.revision + 1))
