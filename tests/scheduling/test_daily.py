"""The daily scheduler under an injected clock: DST, weekdays, catch-up, races, crashes."""

import asyncio
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.flows.daily import post_daily
from bot.scheduling.daily import DailyScheduler
from tests.conftest import reset_postgres

TENANT = "discord:guild-1"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class RecordingPoster:
    def __init__(self, clock: FakeClock, fail: bool = False) -> None:
        self.clock = clock
        self.fail = fail
        self.posts: list[tuple[datetime, str | None, str]] = []

    async def __call__(self, tenant, channel, thread, replies):
        if self.fail:
            raise ConnectionError("platform down")
        self.posts.append((self.clock.now(), thread, replies[0].text))
        return f"m{len(self.posts)}", f"t{len(self.posts)}"


def engine_for(app: App) -> ConversationEngine:
    return ConversationEngine(app.bank, app.repository, app.grading, app.catalog, seed=1)


async def configure(app: App, channel: str = "C1", **daily) -> None:
    config = {
        "enabled": True,
        "time": "09:00",
        "timezone": "UTC",
        "summary_time": "08:00",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "topics": [],
        "difficulty": None,
        **daily,
    }
    await app.repository.set_channel_config(TENANT, channel, daily=config)


@pytest.fixture
async def started(app: App):
    await app.start()
    yield app
    await app.aclose()


async def run_ticks(scheduler: DailyScheduler, clock: FakeClock, until: datetime, step: int = 300):
    while clock.now() < until:
        await scheduler.tick()
        await clock.sleep(step)


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("America/New_York", "2026-03-08"),  # spring forward
        ("America/New_York", "2026-11-01"),  # fall back
        ("Europe/Berlin", "2026-03-29"),
        ("Europe/Berlin", "2026-10-25"),
    ],
)
async def test_posts_once_a_day_at_local_time_across_dst(started, zone, change):
    await configure(started, timezone=zone, time="09:00")
    day = datetime.fromisoformat(change).replace(tzinfo=ZoneInfo(zone))
    clock = FakeClock((day - timedelta(days=1)).astimezone(UTC))
    scheduler = DailyScheduler(engine_for(started), clock)
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await run_ticks(scheduler, clock, (day + timedelta(days=2)).astimezone(UTC))
    questions = [post for post in poster.posts if post[1] is None]
    local = [when.astimezone(ZoneInfo(zone)) for when, _, _ in questions]
    assert [t.date().isoformat() for t in local] == [
        (day + timedelta(days=offset)).date().isoformat() for offset in (-1, 0, 1)
    ]
    assert all((t.hour, t.minute) == (9, 0) for t in local)


async def test_a_time_inside_the_spring_gap_still_posts_once(started):
    await configure(started, timezone="America/New_York", time="02:30")
    clock = FakeClock(datetime(2026, 3, 8, 5, 0, tzinfo=UTC))  # 00:00 local
    scheduler = DailyScheduler(engine_for(started), clock)
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await run_ticks(scheduler, clock, datetime(2026, 3, 8, 20, 0, tzinfo=UTC))
    assert len([p for p in poster.posts if p[1] is None]) == 1


async def test_weekday_filter(started):
    await configure(started, weekdays=["mon", "wed"])
    clock = FakeClock(datetime(2026, 11, 30, 0, 0, tzinfo=UTC))  # a Monday
    scheduler = DailyScheduler(engine_for(started), clock)
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await run_ticks(scheduler, clock, datetime(2026, 12, 7, 0, 0, tzinfo=UTC), step=1800)
    days = [when.strftime("%a") for when, thread, _ in poster.posts if thread is None]
    assert days == ["Mon", "Wed"]


@pytest.mark.parametrize(("start_hour", "posted"), [(10, 1), (12, 0)])
async def test_catch_up_inside_the_window_and_skip_outside(started, start_hour, posted):
    await configure(started)
    clock = FakeClock(datetime(2026, 11, 30, start_hour, 30, tzinfo=UTC))
    scheduler = DailyScheduler(engine_for(started), clock, catch_up=timedelta(hours=2))
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await scheduler.tick()
    assert len(poster.posts) == posted


async def test_a_crash_between_claim_and_post_never_double_posts(started):
    await configure(started)
    clock = FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    # The process claimed the day and died before posting: nothing released the claim.
    claimed = await post_daily(engine_for(started).context, TENANT, "C1", "2026-11-30")
    assert claimed is not None
    working = RecordingPoster(clock)
    restarted = DailyScheduler(engine_for(started), clock)  # the process came back
    restarted.add_poster("discord", working)
    await run_ticks(restarted, clock, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert working.posts == []  # at most once: the claimed day is not posted again
    await run_ticks(restarted, clock, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert len([p for p in working.posts if p[1] is None]) == 1  # the next day is normal


async def test_a_failed_post_is_retried_in_the_window_and_posted_once(started):
    await configure(started)
    clock = FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    scheduler = DailyScheduler(engine_for(started), clock)
    poster = RecordingPoster(clock, fail=True)
    scheduler.add_poster("discord", poster)
    await scheduler.tick()
    assert scheduler.missed == 1
    poster.fail = False
    await run_ticks(scheduler, clock, datetime(2026, 11, 30, 11, 0, tzinfo=UTC), step=30)
    questions = [p for p in poster.posts if p[1] is None]
    assert len(questions) == 1  # retried after its back-off, then done for the day
    assert questions[0][0] - datetime(2026, 11, 30, 9, 0, tzinfo=UTC) <= timedelta(minutes=1)


async def test_the_day_after_summary_goes_into_the_thread(started):
    await configure(started)
    engine = engine_for(started)
    clock = FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    scheduler = DailyScheduler(engine, clock)
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await scheduler.tick()
    await run_ticks(scheduler, clock, datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    summaries = [p for p in poster.posts if p[1] == "t1"]
    assert len(summaries) == 1 and "0 answered yesterday's question" in summaries[0][2]
    assert "Reference answer:" in summaries[0][2]


async def race(apps: list[App]) -> int:
    clock = FakeClock(datetime(2026, 11, 30, 9, 1, tzinfo=UTC))
    posters = []
    schedulers = []
    for app in apps:
        scheduler = DailyScheduler(engine_for(app), clock)
        poster = RecordingPoster(clock)
        scheduler.add_poster("discord", poster)
        schedulers.append(scheduler)
        posters.append(poster)
    await asyncio.gather(*(s.tick() for s in schedulers))
    return sum(len(p.posts) for p in posters)


async def test_three_instances_racing_post_once_on_sqlite(tmp_path, model_dir):
    settings = Settings(_env_file=None, data_dir=tmp_path, embedding_model_dir=model_dir)
    apps = [App(settings) for _ in range(3)]  # three object graphs, one database file
    for app in apps:
        await app.start()
    await configure(apps[0])
    try:
        assert await race(apps) == 1
    finally:
        for app in apps:
            await app.aclose()


async def test_three_instances_racing_post_once_on_postgresql(tmp_path, model_dir):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    settings = Settings(
        _env_file=None, data_dir=tmp_path, embedding_model_dir=model_dir, database_url=url
    )
    apps = [App(settings) for _ in range(3)]
    await reset_postgres(apps[0].database)
    for app in apps:
        await app.start()
    await configure(apps[0])
    try:
        assert await race(apps) == 1
    finally:
        for app in apps:
            await app.aclose()
