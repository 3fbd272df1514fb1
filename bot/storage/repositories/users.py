"""Users, their settings and preferences, and per-channel settings."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from bot.storage.models import (
    ChannelConfig,
    Tenant,
    User,
)
from bot.storage.repositories.base import Store


class UserRepository(Store):
    async def user(self, tenant: str, external_id: str, name: str | None = None) -> User:
        """The user's row, created on first sight. A read when nothing changed: this runs for
        every message, and a write transaction each time would queue every turn behind it."""
        async with self._session() as session:
            row = await session.scalar(
                select(User).where(User.tenant_id == tenant, User.external_id == external_id)
            )
        if row is not None and (not name or row.name == name):
            return row
        async with self._session.begin() as session:
            await session.execute(self._insert(Tenant).values(id=tenant).on_conflict_do_nothing())
            await session.execute(
                self._insert(User)
                .values(
                    tenant_id=tenant,
                    external_id=external_id,
                    name=name,
                    language_state={},
                    preferences={},
                )
                .on_conflict_do_nothing()
            )
            row = await session.scalar(
                select(User).where(User.tenant_id == tenant, User.external_id == external_id)
            )
            assert row is not None
            if name and row.name != name:
                row.name = name
            return row

    async def user_by_id(self, user_id: int) -> User | None:
        async with self._session() as session:
            return await session.get(User, user_id)

    async def external_id(self, user_id: int) -> str:
        async with self._session() as session:
            row = await session.get(User, user_id)
            assert row is not None
            return row.external_id

    async def save_language_state(self, user_id: int, state: dict[str, Any]) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(language_state=state)
            )

    async def set_preference(self, user_id: int, name: str, value: Any) -> None:
        async with self._session.begin() as session:
            row = await session.get(User, user_id)
            assert row is not None
            row.preferences = {**(row.preferences or {}), name: value}

    async def users_with_preference(self, tenant: str, name: str) -> Sequence[User]:
        async with self._session() as session:
            rows = (await session.scalars(select(User).where(User.tenant_id == tenant))).all()
        return [row for row in rows if (row.preferences or {}).get(name)]

    async def channel_config(self, tenant: str, channel: str) -> ChannelConfig | None:
        async with self._session() as session:
            return await session.scalar(
                select(ChannelConfig).where(
                    ChannelConfig.tenant_id == tenant, ChannelConfig.channel == channel
                )
            )

    async def set_channel_config(self, tenant: str, channel: str, **values: Any) -> ChannelConfig:
        async with self._session.begin() as session:
            await session.execute(self._insert(Tenant).values(id=tenant).on_conflict_do_nothing())
            await session.execute(
                self._insert(ChannelConfig)
                .values(tenant_id=tenant, channel=channel, daily={}, grade_delivery="thread")
                .on_conflict_do_nothing()
            )
            row = await session.scalar(
                select(ChannelConfig).where(
                    ChannelConfig.tenant_id == tenant, ChannelConfig.channel == channel
                )
            )
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)
            return row
