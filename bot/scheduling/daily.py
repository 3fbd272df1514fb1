"""Posting each channel's daily question exactly once, and the summary the day after.

Exactly once: before posting, an instance claims the row (tenant, channel, local date) with an
insert that does nothing on conflict; only the instance whose insert lands posts. So several bot
processes on one PostgreSQL database post once per channel per day. The claim comes first, so a
crash between claim and post loses that day's post rather than doubling it (at most once); such
claims have no `posted_at`; they are logged and counted as missed, and the next day posts as
usual (members can always ask for a question with `next`).
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.engine.engine import ConversationEngine, platform_of
from bot.engine.events import Reply
from bot.engine.flows.daily import post_daily
from bot.scheduling.calendar import due_date, local_run
from bot.scheduling.digests import send_nudges

log = logging.getLogger(__name__)

# Posts to (tenant, channel, thread or None); returns (message id, thread id) on the platform.
Poster = Callable[[str, str, str | None, list[Reply]], Awaitable[tuple[str, str | None]]]


@dataclass
class TickReport:
    posted: int = 0
    skipped: int = 0  # claimed elsewhere, or no poster for the platform
    summaries: int = 0
    nudges: int = 0  # streak reminders, review digests, weekly posts


class DailyScheduler:
    def __init__(
        self,
        engine: ConversationEngine,
        clock: Clock,
        *,
        catch_up: timedelta = timedelta(hours=2),
        tick_seconds: float = 30.0,
    ) -> None:
        self._engine = engine
        self._repo = engine.repository
        self._clock = clock
        self._catch_up = catch_up
        self._tick = tick_seconds
        self._posters: dict[str, Poster] = {}
        self.posted = 0
        self.missed = 0

    def add_poster(self, platform: str, poster: Poster) -> None:
        self._posters[platform] = poster

    async def run_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a bad channel config must not stop the scheduler
                log.exception("daily scheduler tick failed")
            await self._clock.sleep(self._tick)

    async def tick(self) -> TickReport:
        report = TickReport()
        now = self._clock.now()
        for config in await self._repo.daily_channels():
            poster = self._posters.get(platform_of(config.tenant_id))
            if poster is None:
                continue
            daily = config.daily
            day = due_date(daily, now, self._catch_up)
            if day is not None:
                if await self._post(config, day.isoformat(), poster):
                    report.posted += 1
                else:
                    report.skipped += 1
            report.summaries += await self._summaries(config, now, poster)
            report.nudges += await send_nudges(self._engine, config, now, poster)
        return report

    async def _post(self, config, local_date: str, poster: Poster) -> bool:
        filters = tuple(config.daily.get("topics") or ())
        if config.daily.get("difficulty"):
            filters += (str(config.daily["difficulty"]),)
        prompt = await post_daily(
            self._engine.context,
            config.tenant_id,
            config.channel,
            local_date,
            language=config.language or "en",
            filters=filters,
        )
        if prompt is None:
            return False
        try:
            message, thread = await poster(config.tenant_id, config.channel, None, prompt.replies)
        except Exception:
            self.missed += 1
            log.exception(
                "daily post for %s/%s failed after its claim", config.tenant_id, config.channel
            )
            return False
        await self._repo.daily_posted(prompt.post_id, message, thread or message)
        self.posted += 1
        return True

    async def _summaries(self, config, now, poster: Poster) -> int:
        """The day after, at `summary_time`: answers, top scores, and the reference revealed."""
        zone = ZoneInfo(config.daily["timezone"])
        yesterday = (now.astimezone(zone) - timedelta(days=1)).date()
        at = local_run(now.astimezone(zone).date(), config.daily.get("summary_time", "09:00"), zone)
        if not at <= now <= at + self._catch_up:
            return 0
        post = await self._repo.daily_for(config.tenant_id, config.channel, yesterday.isoformat())
        if post is None or post.posted_at is None or not await self._repo.claim_summary(post.id):
            return 0
        replies = await self._engine.daily_summary(post)
        await poster(config.tenant_id, config.channel, post.thread, replies)
        return 1
