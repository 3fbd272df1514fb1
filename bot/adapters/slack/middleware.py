"""Bolt middleware: what every request needs before a listener translates it.

* `drop_repeats` (listener middleware on events): an event whose `event_id` was claimed already
  (Slack's retry, or a copy another instance handled; `slack/dedup.py`) is answered 200 and
  goes no further.
* `attach_profile` (global middleware): puts a `ProfileLookup` for the request's user in the
  context as `profile`. The lookup runs when first awaited, in the work after the ack, so a slow
  `users.info` never delays Slack's 3-second answer.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.admins import Admins
from bot.adapters.slack.dedup import EventClaims
from bot.adapters.slack.escape import inert
from bot.adapters.slack.profiles import UNKNOWN, Profile, ProfileCache

PROFILE = "profile"  # the context key of the request's `ProfileLookup`

Next = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[BoltResponse | None]]


def team_of(context: AsyncBoltContext) -> str:
    return str(context.team_id or context.enterprise_id or "unknown")


class ProfileLookup:
    """The user's locale, display name (styling marks made inert: the leaderboard shows it) and
    admin flag (workspace admin or owner, or listed for this workspace), looked up once."""

    def __init__(
        self,
        cache: ProfileCache,
        admins: Admins,
        client: AsyncWebClient,
        team: str,
        user: str | None,
    ) -> None:
        self._cache, self._admins = cache, admins
        self._client, self._team, self._user = client, team, user
        self._profile: Profile | None = None

    async def get(self) -> Profile:
        if self._profile is None:
            if not self._user:
                return UNKNOWN
            found = await self._cache.get(self._client, self._team, self._user)
            name = inert(found.name) if found.name else found.name
            admin = found.is_admin or self._admins(self._team, self._user)
            self._profile = Profile(found.locale, name, admin)
        return self._profile


def drop_repeats(claims: EventClaims) -> Middleware:
    async def drop_repeats(body: dict[str, Any], next: Next) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and event_id and not await claims.claim(event_id):
            return BoltResponse(status=200, body="")  # a retry of an event already handled
        await next()
        return None

    return drop_repeats


def attach_profile(cache: ProfileCache, admins: Admins) -> Middleware:
    async def attach_profile(context: AsyncBoltContext, next: Next) -> None:
        client = context.client
        if client is not None:
            lookup = ProfileLookup(cache, admins, client, team_of(context), context.user_id)
            context[PROFILE] = lookup
        await next()

    return attach_profile


def profile_of(context: AsyncBoltContext) -> ProfileLookup:
    lookup = context.get(PROFILE)
    assert isinstance(lookup, ProfileLookup), "attach_profile runs before every listener"
    return lookup
