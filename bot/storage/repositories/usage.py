"""LLM tokens spent per tenant and day, and the machine translations the LLM made."""

from sqlalchemy import select, update

from bot.storage.models import (
    LLMUsage,
    MachineTranslation,
)
from bot.storage.repositories.base import Store
from bot.storage.results import (
    TokenUsage,
)


class UsageRepository(Store):
    async def add_tokens(self, tenant: str, day: str, tokens: int) -> None:
        async with self._session.begin() as session:
            await session.execute(
                self._insert(LLMUsage)
                .values(tenant_id=tenant, day=day, tokens=0)
                .on_conflict_do_nothing()
            )
            await session.execute(
                update(LLMUsage)
                .where(LLMUsage.tenant_id == tenant, LLMUsage.day == day)
                .values(tokens=LLMUsage.tokens + tokens)
            )

    async def tokens_used(self, tenant: str, day: str) -> int:
        async with self._session() as session:
            value = await session.scalar(
                select(LLMUsage.tokens).where(LLMUsage.tenant_id == tenant, LLMUsage.day == day)
            )
            return int(value or 0)

    async def usage(self) -> list[TokenUsage]:
        async with self._session() as session:
            rows = await session.execute(
                select(LLMUsage.tenant_id, LLMUsage.day, LLMUsage.tokens).order_by(
                    LLMUsage.day, LLMUsage.tenant_id
                )
            )
            return [TokenUsage(t, d, int(n)) for t, d, n in rows]

    async def machine_translation(self, content_hash: str, language: str) -> dict | None:
        async with self._session() as session:
            return await session.scalar(
                select(MachineTranslation.entry).where(
                    MachineTranslation.content_hash == content_hash,
                    MachineTranslation.language == language,
                )
            )

    async def save_machine_translation(
        self, question_id: str, content_hash: str, language: str, entry: dict
    ) -> None:
        async with self._session.begin() as session:
            await session.execute(
                self._insert(MachineTranslation)
                .values(
                    question_id=question_id,
                    content_hash=content_hash,
                    language=language,
                    entry=entry,
                )
                .on_conflict_do_nothing()
            )
