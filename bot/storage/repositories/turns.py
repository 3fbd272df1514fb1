"""What a message needs before any flow runs, read in one transaction.

These run for every message, so their statements are built once, with bound parameters, and
reused (`functools.cache`): building a SQLAlchemy expression costs more than running it.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, exists, null, or_, select

from bot.storage.models import (
    ChannelConfig,
    DailyPost,
    Interview,
    InterviewStatus,
    ReviewCard,
    Served,
    ServedMode,
    ServedStatus,
    UndeliveredReply,
    User,
)
from bot.storage.repositories.base import Store


@cache
def _state_query(in_thread: bool):
    """The user, the channel's settings, the question open for the user here (in the thread,
    else in the channel itself), whether replies are owed to them and whether an interview of
    theirs runs in the channel, in one SELECT."""
    place = (
        Served.thread == bindparam("thread")
        if in_thread
        else or_(Served.thread.is_(None), Served.mode == ServedMode.INTERVIEW)
    )
    config = and_(
        ChannelConfig.tenant_id == User.tenant_id, ChannelConfig.channel == bindparam("channel")
    )
    open_here = and_(
        Served.tenant_id == User.tenant_id,
        Served.user_id == User.id,
        Served.channel == bindparam("channel"),
        Served.status == ServedStatus.OPEN,
        place,
    )
    owed = exists().where(
        UndeliveredReply.user_id == User.id, UndeliveredReply.delivered_at.is_(None)
    )
    interviewing = exists().where(
        Interview.user_id == User.id,
        Interview.channel == bindparam("channel"),
        Interview.status == InterviewStatus.ACTIVE,
    )
    return (
        select(User, ChannelConfig, Served, owed.label("owed"), interviewing.label("interviewing"))
        .outerjoin(ChannelConfig, config)
        .outerjoin(Served, open_here)
        .where(User.tenant_id == bindparam("tenant"), User.external_id == bindparam("user"))
        .order_by(Served.id.desc())
        .limit(1)
    )


@cache
def _daily_post_query():
    return select(DailyPost).where(
        DailyPost.tenant_id == bindparam("tenant"), DailyPost.thread == bindparam("thread")
    )


@cache
def _awaiting_thread_query():
    """The user's question posted at the top level of a channel whose thread the adapter has not
    attached yet: a reply in a thread there, racing the attach, answers it."""
    return (
        select(Served)
        .where(
            Served.tenant_id == bindparam("tenant"),
            Served.user_id == bindparam("user_id"),
            Served.channel == bindparam("channel"),
            Served.status == ServedStatus.OPEN,
            Served.thread.is_(None),
            Served.mode != ServedMode.INTERVIEW,
        )
        .order_by(Served.id.desc())
        .limit(1)
    )


@cache
def _history_query():
    """Question ids due for review (most overdue first; `due` set), then those served (`due`
    NULL): what `next` chooses from, in one SELECT."""
    due = select(ReviewCard.question_id, ReviewCard.due).where(
        ReviewCard.tenant_id == bindparam("tenant"),
        ReviewCard.user_id == bindparam("user_id"),
        ReviewCard.due <= bindparam("now"),
    )
    # Each question once: a user who practised for months has thousands of served rows.
    seen = (
        select(Served.question_id, null())
        .where(
            Served.tenant_id == bindparam("tenant"),
            Served.user_id == bindparam("user_id"),
            Served.parent_id.is_(None),
        )
        .group_by(Served.question_id)  # not DISTINCT: PostgreSQL would type the NULL as text
    )
    return due.union_all(seen)


@dataclass(frozen=True)
class TurnState:
    user: User
    config: ChannelConfig | None  # the channel's settings (default language, daily question)
    served: Served | None  # the question open for the user here
    daily_post: DailyPost | None  # the daily post whose thread this is, if no question is open
    owed: bool = False  # replies that never reached the user wait for them
    interviewing: bool = True  # False: no interview of the user's runs in this channel


@dataclass(frozen=True)
class PracticeHistory:
    due: list[str]  # question ids due for review, most overdue first
    seen: set[str]  # question ids served to the user (follow-ups aside)


class TurnRepository(Store):
    async def turn_state(
        self, tenant: str, external_id: str, name: str | None, channel: str, thread: str | None
    ) -> TurnState | None:
        """None when the user's row must be created or renamed first (see `user`)."""
        where = {"tenant": tenant, "user": external_id, "channel": channel, "thread": thread}
        async with self._session() as session:
            row = (await session.execute(_state_query(bool(thread)), where)).first()
            if row is None:
                return None
            user, config, served, owed, interviewing = row
            if name and user.name != name:
                return None
            post = None
            if served is None and thread:
                post = await session.scalar(_daily_post_query(), where)
                if post is None:
                    params = {"tenant": tenant, "user_id": user.id, "channel": channel}
                    served = await session.scalar(_awaiting_thread_query(), params)
        return TurnState(user, config, served, post, bool(owed), bool(interviewing))

    async def practice_history(self, tenant: str, user_id: int, now: datetime) -> PracticeHistory:
        """What `next` chooses from, in one read."""
        params = {"tenant": tenant, "user_id": user_id, "now": now}
        async with self._session() as session:
            rows = (await session.execute(_history_query(), params)).all()
        due = sorted((row for row in rows if row[1] is not None), key=lambda row: row[1])
        return PracticeHistory([row[0] for row in due], {row[0] for row in rows if row[1] is None})
