"""What a message needs before any flow runs, read in one transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.storage.models import (
    ChannelConfig,
    DailyPost,
    Served,
    ServedMode,
    UndeliveredReply,
    User,
)
from bot.storage.repositories.attempts import open_in_channel, open_served_query
from bot.storage.repositories.base import Store
from bot.storage.repositories.reviews import due_query


def awaiting_thread_query(tenant: str, user_id: int, channel: str):
    """The user's question posted at the top level of a channel whose thread the adapter has not
    attached yet: a reply in a thread there, racing the attach, answers it."""
    return (
        select(Served)
        .where(
            *open_in_channel(tenant, user_id, channel),
            Served.thread.is_(None),
            Served.mode != ServedMode.INTERVIEW,
        )
        .order_by(Served.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class TurnState:
    user: User
    config: ChannelConfig | None  # the channel's settings (default language, daily question)
    served: Served | None  # the question open for the user here
    daily_post: DailyPost | None  # the daily post whose thread this is, if no question is open
    owed: bool = False  # replies that never reached the user wait for them


@dataclass(frozen=True)
class PracticeHistory:
    due: list[str]  # question ids due for review, most overdue first
    seen: set[str]  # question ids served to the user (follow-ups aside)


class TurnRepository(Store):
    async def turn_state(
        self, tenant: str, external_id: str, name: str | None, channel: str, thread: str | None
    ) -> TurnState | None:
        """None when the user's row must be created or renamed first (see `user`)."""
        async with self._session() as session:
            user = await session.scalar(
                select(User).where(User.tenant_id == tenant, User.external_id == external_id)
            )
            if user is None or (name and user.name != name):
                return None
            config = await session.scalar(
                select(ChannelConfig).where(
                    ChannelConfig.tenant_id == tenant, ChannelConfig.channel == channel
                )
            )
            served = await session.scalar(open_served_query(tenant, user.id, channel, thread))
            post = None
            if served is None and thread:
                post = await session.scalar(
                    select(DailyPost).where(
                        DailyPost.tenant_id == tenant, DailyPost.thread == thread
                    )
                )
                if post is None:
                    served = await session.scalar(awaiting_thread_query(tenant, user.id, channel))
            owed = await session.scalar(
                select(UndeliveredReply.id)
                .where(UndeliveredReply.user_id == user.id, UndeliveredReply.delivered_at.is_(None))
                .limit(1)
            )
        return TurnState(user, config, served, post, owed is not None)

    async def practice_history(self, tenant: str, user_id: int, now: datetime) -> PracticeHistory:
        """What `next` chooses from, in one read."""
        async with self._session() as session:
            due_ids = list(await session.scalars(due_query(tenant, user_id, now)))
            seen = await session.scalars(
                select(Served.question_id).where(
                    Served.tenant_id == tenant,
                    Served.user_id == user_id,
                    Served.parent_id.is_(None),
                )
            )
            return PracticeHistory(due_ids, set(seen))
