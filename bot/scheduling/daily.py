"""Posting each channel's daily question exactly once, and the summary the day after.

Exactly once: before posting, an instance claims the row (tenant, channel, local date) with an
insert that does nothing on conflict; only the instance whose insert lands posts. So several bot
processes on one PostgreSQL database post once per channel per day. Only a delivered post counts
as done: a post that fails (a 503, 500s past discord.py's retries, a missing permission) is
released, and a later tick inside the catch-up window claims it again after a back-off
(`retry_delay`). The claim comes first, so a crash between claim and post loses that day's post
rather than doubling it (at most once): such claims are neither posted nor released.

Channels are independent: one channel's failure (a post, a summary whose thread was deleted) is
logged and the tick goes on with the others. A channel whose last `pause_after_days` posts all
failed is paused before its next post, and the admin who set it up is told once.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.engine.engine import ConversationEngine, platform_of
from bot.engine.events import Reply
from bot.engine.flows.daily import pause, post_daily
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
    failed: int = 0  # channels whose work failed this tick
    paused: int = 0


class DailyScheduler:
    def __init__(
        self,
        engine: ConversationEngine,
        clock: Clock,
        *,
        catch_up: timedelta = timedelta(hours=2),
        tick_seconds: float = 30.0,
        pause_after_days: int = 3,
    ) -> None:
        self._engine = engine
        self._repo = engine.repository
        self._clock = clock
        self._catch_up = catch_up
        self._tick = tick_seconds
        self._pause_after = pause_after_days
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
            try:
                await self._channel(config, now, poster, report)
            except Exception:  # one channel's failure must not stop the others
                report.failed += 1
                log.exception("daily work for %s/%s failed", config.tenant_id, config.channel)
        return report

    async def _channel(self, config, now, poster: Poster, report: TickReport) -> None:
        day = due_date(config.daily, now, self._catch_up)
        if day is not None:
            if await self._paused(config, day.isoformat()):
                report.paused += 1
                return
            if await self._post(config, day.isoformat(), poster, now):
                report.posted += 1
            else:
                report.skipped += 1
        report.summaries += await self._summaries(config, now, poster)
        report.nudges += await send_nudges(self._engine, config, now, poster)

    async def _paused(self, config, local_date: str) -> bool:
        """Pause before a new day's post when the last `pause_after_days` days all failed."""
        recent = await self._repo.recent_daily_posts(
            config.tenant_id, config.channel, self._pause_after + 1
        )
        since = str(config.daily.get("paused_on") or "")  # failures before a pause are forgiven
        earlier = [post for post in recent if since < post.local_date < local_date]
        earlier = earlier[: self._pause_after]
        failed = [post for post in earlier if post.posted_at is None and post.failures > 0]
        if len(earlier) < self._pause_after or len(failed) < len(earlier):
            return False
        if any(post.local_date == local_date for post in recent):
            return False  # today's post is claimed already: it goes on as claimed
        log.warning(
            "daily question in %s/%s paused: %d failed days in a row",
            config.tenant_id,
            config.channel,
            len(failed),
        )
        await pause(self._engine.context, config, failed, local_date)
        return True

    async def _post(self, config, local_date: str, poster: Poster, now) -> bool:
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
            now=now,
        )
        if prompt is None:
            return False
        try:
            message, thread = await poster(config.tenant_id, config.channel, None, prompt.replies)
        except Exception as exc:
            self.missed += 1
            failures = await self._repo.daily_failed(prompt.post_id, now, _reason(exc))
            log.warning(
                "daily post for %s/%s failed (try %d, retried later in the catch-up window): %s",
                config.tenant_id,
                config.channel,
                failures,
                _reason(exc),
            )
            return False
        await self._repo.daily_posted(prompt.post_id, message, thread)
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


def _reason(exc: BaseException) -> str:
    """What failed, in one line (an HTTP status and Discord's message, for instance)."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
