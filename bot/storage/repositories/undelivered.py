"""Replies the platform refused after its retries, kept until the user gets them."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update

from bot.storage.models import Served, ServedStatus, UndeliveredReply, User, utcnow
from bot.storage.repositories.base import Store


class UndeliveredRepository(Store):
    async def keep_undelivered(
        self,
        *,
        tenant_id: str,
        user_id: int,
        channel: str,
        thread: str | None,
        replies: Iterable[dict[str, Any]],
        reason: str,
    ) -> None:
        async with self._session.begin() as session:
            session.add_all(
                UndeliveredReply(
                    tenant_id=tenant_id,
                    user_id=user_id,
                    channel=channel,
                    thread=thread,
                    reply=reply,
                    reason=reason[:200],
                )
                for reply in replies
            )

    async def undelivered(self, user_id: int) -> Sequence[UndeliveredReply]:
        """What the user is still owed, oldest first."""
        async with self._session() as session:
            rows = await session.scalars(
                select(UndeliveredReply)
                .where(UndeliveredReply.user_id == user_id, UndeliveredReply.delivered_at.is_(None))
                .order_by(UndeliveredReply.id)
            )
            return rows.all()

    async def handed_over(self, ids: Iterable[int]) -> None:
        """Given to the adapter again (which keeps them anew if they fail again)."""
        ids = list(ids)
        if not ids:
            return
        async with self._session.begin() as session:
            await session.execute(
                update(UndeliveredReply)
                .where(UndeliveredReply.id.in_(ids))
                .values(delivered_at=utcnow())
            )

    async def mark_served_undelivered(self, served_id: int) -> None:
        """An open question whose message never arrived: not asked until it is delivered."""
        await self._set_status(served_id, ServedStatus.OPEN, ServedStatus.UNDELIVERED)

    async def reopen_served(self, served_id: int) -> None:
        """A question handed over again: it is open once more."""
        await self._set_status(served_id, ServedStatus.UNDELIVERED, ServedStatus.OPEN)

    async def _set_status(self, served_id: int, old: ServedStatus, new: ServedStatus) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(Served)
                .where(Served.id == served_id, Served.status == old)
                .values(status=new)
            )

    async def waiting_places(self, tenant_prefix: str) -> list[tuple[str, str, str | None, str]]:
        """(tenant, channel, thread, user's external id) of every open question of tenants
        starting with `tenant_prefix`: where an answer may have been sent unseen."""
        async with self._session() as session:
            rows = await session.execute(
                select(Served.tenant_id, Served.channel, Served.thread, User.external_id)
                .join(User, User.id == Served.user_id)
                .where(
                    Served.status == ServedStatus.OPEN,
                    Served.tenant_id.startswith(tenant_prefix, autoescape=True),
                )
                .distinct()
            )
            return [(t, c, th, u) for t, c, th, u in rows.all()]
