"""A daily LLM token budget per tenant. Past it, grading switches to offline and says so."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class TokenLedger(Protocol):
    """Where the tokens spent per tenant and day are kept (the usage repository)."""

    async def tokens_used(self, tenant: str, day: str) -> int: ...
    async def add_tokens(self, tenant: str, day: str, tokens: int) -> None: ...


class TokenBudget:
    def __init__(
        self,
        repository: TokenLedger,
        daily_tokens: int | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._repo = repository
        self._limit = daily_tokens
        self._clock = clock

    def _day(self) -> str:
        return self._clock().date().isoformat()

    async def allows(self, tenant: str) -> bool:
        if self._limit is None:
            return True
        return await self._repo.tokens_used(tenant, self._day()) < self._limit

    async def record(self, tenant: str, tokens: int) -> None:
        if tokens:
            await self._repo.add_tokens(tenant, self._day(), tokens)
