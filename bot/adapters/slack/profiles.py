"""Who a Slack user is, from `users.info` (with `include_locale`), cached.

The locale picks the reply language until the user chooses one; the admin and owner flags gate
admin commands; the display name shows on the leaderboard. One lookup per user per hour.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.observability.logs import user_ref

log = logging.getLogger(__name__)

TTL_SECONDS = 3600.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Profile:
    locale: str | None = None
    name: str | None = None
    is_admin: bool = False  # a workspace admin or owner


UNKNOWN = Profile()


class ProfileCache:
    def __init__(
        self,
        *,
        ttl: float = TTL_SECONDS,
        size: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, Profile]] = OrderedDict()
        self._lookups: dict[tuple[str, str], asyncio.Task[Profile]] = {}

    async def get(self, client: AsyncWebClient, team: str, user: str) -> Profile:
        """The user's profile; requests that arrive while it is being looked up share that
        lookup. That spares Slack's rate limit, and the user's messages come out of it in the
        order they came in: an answer whose lookup was retried after a 429 is not overtaken by
        the command the user sent next."""
        key = (team, user)
        cached = self._entries.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        lookup = self._lookups.get(key)
        if lookup is None:
            lookup = asyncio.create_task(self._look_up(client, team, user))
            self._lookups[key] = lookup
            lookup.add_done_callback(lambda done: self._settled(key, done))
        return await asyncio.shield(lookup)  # one waiter cancelled doesn't cancel the others

    def _settled(self, key: tuple[str, str], lookup: "asyncio.Task[Profile]") -> None:
        self._lookups.pop(key, None)
        if not lookup.cancelled():
            lookup.exception()  # seen here too: every waiter may have gone before it failed

    async def _look_up(self, client: AsyncWebClient, team: str, user: str) -> Profile:
        try:
            response = await client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            log.warning(
                "users.info failed for user %s of team %s: %s",
                user_ref(user),
                team,
                exc.response.get("error"),
            )
            return UNKNOWN  # not cached: the next message tries again
        profile = _profile(response.get("user") or {})
        key = (team, user)
        self._entries[key] = (self._clock() + self._ttl, profile)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return profile


def _profile(user: dict[str, Any]) -> Profile:
    details = user.get("profile") or {}
    name = details.get("display_name") or details.get("real_name") or user.get("real_name")
    return Profile(
        locale=user.get("locale"),
        name=name or user.get("name"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
    )
