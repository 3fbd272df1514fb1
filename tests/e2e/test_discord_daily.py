"""Daily posts that survive: the real scheduler, adapter and discord.py against the fake Discord.

The scheduler runs on an injected clock and posts through the adapter's `post_daily`, exactly as
`interview-bot run` wires them; failures are injected into the fake's REST answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.scheduling.daily import DailyScheduler
from bot.storage.models import DailyPost
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import (
    SCORE,
    TIMEOUT,
    assert_nobody_pinged,
    custom_ids,
    question_in,
    text_of,
)
from tests.fakes.discord_server import FakeDiscord

# The Discord end-to-end fixtures: the fake, the app on a copy of the bank, the running adapter.
no_errors, fake, data_dir, make_app, app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.app,
    kit.bot,
)

NINE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MISSING_PERMISSIONS = {"message": "Missing Permissions", "code": 50013}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def scheduler_for(
    app: App, adapter: DiscordAdapter, clock: Clock, **options: Any
) -> DailyScheduler:
    scheduler = DailyScheduler(app.engine, clock, **options)
    scheduler.add_poster("discord", adapter.post_daily)
    return scheduler


async def configure(app: App, guild_id: str, channel: str, **daily: Any) -> None:
    config = {
        "enabled": True,
        "time": "09:00",
        "timezone": "UTC",
        "summary_time": "08:00",
        "weekdays": EVERY_DAY,
        "topics": [],
        "difficulty": None,
        **daily,
    }
    await app.repository.set_channel_config(f"discord:{guild_id}", channel, daily=config)


async def posts_of(app: App, guild_id: str, channel: str) -> list[DailyPost]:
    return await app.repository.recent_daily_posts(f"discord:{guild_id}", channel, 10)


def daily_questions(fake: FakeDiscord, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.bot_messages(channel) if "Daily question" in m["content"]]


async def test_a_single_503_does_not_lose_the_days_question(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    channel = fake.channel["id"]
    await configure(app, fake.guild.id, channel)
    fake.fail_next("POST", rf"/channels/{channel}/messages", 503)
    clock = Clock(NINE)
    scheduler = scheduler_for(app, bot, clock)

    first = await scheduler.tick()
    await clock.sleep(60)
    second = await scheduler.tick()
    await clock.sleep(60)
    third = await scheduler.tick()

    assert (first.posted, second.posted, third.posted) == (0, 1, 0)
    (posted,) = daily_questions(fake, channel)
    (row,) = await posts_of(app, fake.guild.id, channel)
    assert row.posted_at is not None and row.failures == 1
    assert fake.channels[row.thread or ""]["parent_id"] == channel  # its answer thread
    assert row.message_ref == posted["id"]
    assert_nobody_pinged(fake)


async def test_five_500s_in_a_row_are_retried_in_the_catch_up_window(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    channel = fake.channel["id"]
    await configure(app, fake.guild.id, channel)
    fake.fail_next("POST", rf"/channels/{channel}/messages", 500, times=5)  # all of discord.py's
    clock = Clock(NINE + timedelta(minutes=5))
    scheduler = scheduler_for(app, bot, clock)

    await scheduler.tick()
    assert not daily_questions(fake, channel)
    await clock.sleep(45)
    await scheduler.tick()

    assert len(daily_questions(fake, channel)) == 1
    assert len(fake.requests_matching("POST", rf"/channels/{channel}/messages")) == 6


async def test_without_thread_permission_the_post_has_an_answer_button(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    channel = fake.channel["id"]
    alice = fake.add_member("alice")["user"]
    await configure(app, fake.guild.id, channel)
    fake.fail_next(
        "POST", rf"/channels/{channel}/messages/\d+/threads", 403, MISSING_PERMISSIONS, times=9
    )
    report = await scheduler_for(app, bot, Clock(NINE)).tick()

    assert report.posted == 1
    (posted,) = daily_questions(fake, channel)
    (row,) = await posts_of(app, fake.guild.id, channel)
    assert row.posted_at is not None and row.thread is None
    assert custom_ids(posted) == [f"daily:{row.id}"]
    question = question_in(app, posted["content"])

    opened = await fake.click_button(posted["id"], custom_id=f"daily:{row.id}", user=alice)
    await fake.wait_for_request("POST", opened.callback_path)
    assert opened.modal is not None  # the answer form
    submit = await fake.submit_modal(opened, {"answer": " ".join(question.key_points)})
    await fake.wait_for_request("POST", submit.callback_path)
    graded = await fake.wait_for_request("POST", submit.webhook_path, timeout=TIMEOUT)
    assert SCORE.search(text_of(graded.json))
    results = await app.repository.daily_results(row.id)
    assert [result.user for result in results] == [alice["id"]]
    assert_nobody_pinged(fake)


async def test_a_failing_summary_does_not_stop_another_guilds_tick(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    first = fake.channel["id"]
    other = fake.add_guild("Other Guild")
    await fake.announce_guild(other)
    second = other.channel_named("general")["id"]
    await configure(app, fake.guild.id, first, summary_time="09:00")
    clock = Clock(NINE - timedelta(days=1))
    scheduler = scheduler_for(app, bot, clock)
    assert (await scheduler.tick()).posted == 1  # yesterday's question, in the first guild
    (yesterday,) = await posts_of(app, fake.guild.id, first)
    fake.channels.pop(yesterday.thread or "")  # its thread was deleted since
    await configure(app, other.id, second)

    clock.current = NINE
    report = await scheduler.tick()

    assert report.failed == 1  # the first guild's summary
    assert report.posted == 2  # both guilds still got today's question
    assert len(daily_questions(fake, second)) == 1
    assert len(daily_questions(fake, first)) == 2


async def test_a_channel_that_keeps_failing_is_paused_and_its_admin_told_once(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    channel = fake.channel["id"]
    mod = fake.add_member("mod", manage_guild=True)["user"]
    options = {"time": "09:00", "timezone": "UTC", "days": ",".join(EVERY_DAY)}
    command = await fake.dispatch_slash_command("daily set", user=mod, options=options)
    await fake.wait_for_request("POST", command.webhook_path)
    fake.fail_next("POST", rf"/channels/{channel}/messages", 403, MISSING_PERMISSIONS, times=99)
    clock = Clock(NINE)
    scheduler = scheduler_for(app, bot, clock, catch_up=timedelta(minutes=5), tick_seconds=60)

    for day in range(5):
        clock.current = NINE + timedelta(days=day)
        for _ in range(6):
            await scheduler.tick()
            await clock.sleep(60)

    rows = sorted(await posts_of(app, fake.guild.id, channel), key=lambda row: row.local_date)
    assert [row.local_date for row in rows] == ["2026-11-30", "2026-12-01", "2026-12-02"]
    assert all(row.posted_at is None and row.failures >= 2 for row in rows)  # retried each day
    config = await app.repository.channel_config(f"discord:{fake.guild.id}", channel)
    assert config is not None and not config.daily["enabled"]
    dm = fake.dm_channel(mod)
    (notice,) = fake.bot_messages(dm["id"])
    assert "failed on 3 days in a row" in notice["content"]
    assert "Missing Permissions" in notice["content"]

    resumed = await fake.dispatch_slash_command("daily on", user=mod)
    await fake.wait_for_request("POST", resumed.webhook_path)
    clock.current = NINE + timedelta(days=5)
    await scheduler.tick()  # the failures before the pause are forgiven: it tries again
    rows = await posts_of(app, fake.guild.id, channel)
    assert max(row.local_date for row in rows) == "2026-12-05"
    assert len(fake.bot_messages(dm["id"])) == 1  # told once
    assert_nobody_pinged(fake)
