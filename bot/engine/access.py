"""Tenant boundaries, in one place: which stored records a user may act on.

Buttons and forms name records by id (a question served, an attempt), and any client can send any
id. So every action resolves its id here: a record is returned only if it belongs to the acting
user in the acting tenant. A record of someone else, of another workspace or server, or one that
doesn't exist all look the same to the caller: None.
"""

from typing import Protocol, TypeVar

from bot.storage.models import Attempt, DailyPost, Served
from bot.storage.repository import Repository


class Owned(Protocol):
    tenant_id: str
    user_id: int


R = TypeVar("R", bound=Owned)


def owned(record: R | None, tenant: str, user_id: int) -> R | None:
    """`record` if it belongs to user `user_id` (a row id, so already one tenant's) in `tenant`."""
    if record is None or record.tenant_id != tenant or record.user_id != user_id:
        return None
    return record


def record_id(text: str) -> int | None:
    """An id from a button: digits only, within a database integer."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


class Access:
    def __init__(self, repository: Repository) -> None:
        self._repo = repository

    async def served(self, tenant: str, user_id: int, served_id: str) -> Served | None:
        number = record_id(served_id)
        record = await self._repo.served(number) if number is not None else None
        return owned(record, tenant, user_id)

    async def attempt(self, tenant: str, user_id: int, attempt_id: str) -> Attempt | None:
        number = record_id(attempt_id)
        record = await self._repo.attempt(number) if number is not None else None
        return owned(record, tenant, user_id)

    async def daily_post(self, tenant: str, post_id: str) -> DailyPost | None:
        """A daily post of `tenant` (anyone there may answer it)."""
        number = record_id(post_id)
        record = await self._repo.daily(number) if number is not None else None
        return record if record is not None and record.tenant_id == tenant else None
