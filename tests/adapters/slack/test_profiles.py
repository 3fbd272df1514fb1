"""Slack profiles: looked up once per user, however many requests arrive at once."""

import asyncio

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.credentials import RATE_LIMIT_RETRIES
from bot.adapters.slack.profiles import ProfileCache
from tests.fakes.slack_api import FakeSlack

TOKEN = "xoxb-profiles"


async def test_requests_arriving_during_a_rate_limited_lookup_share_it_in_order() -> None:
    async with FakeSlack(bot_token=TOKEN, app_token=None) as slack:
        slack.add_user("U0ADA", locale="de-DE")
        slack.rate_limit("users.info", retry_after=1)  # the first call waits a second
        retry = AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)  # as the bot's
        client = AsyncWebClient(token=TOKEN, base_url=slack.api_url, retry_handlers=[retry])
        cache = ProfileCache()
        done: list[str] = []

        async def request(name: str, after: float) -> None:
            await asyncio.sleep(after)
            profile = await cache.get(client, "T0A", "U0ADA")
            done.append(f"{name}:{profile.locale}")

        await asyncio.gather(request("answer", 0), request("next", 0.2), request("stats", 0.4))
        assert done == ["answer:de-DE", "next:de-DE", "stats:de-DE"]
        assert len([c for c in slack.calls("users.info") if c.ok]) == 1
