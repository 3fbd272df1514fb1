"""Opt-in nudges: streak at risk, reviews due, the weekly digest; each sent once."""

from datetime import UTC, datetime, timedelta

from bot.engine.events import Incoming
from bot.scheduling.daily import DailyScheduler
from tests.scheduling.test_daily import (
    TENANT,
    FakeClock,
    RecordingPoster,
    configure,
    engine_for,
    run_ticks,
)


async def answer_daily(app, engine, thread: str, user: str = "ada") -> None:
    post = await app.repository.daily_by_thread(TENANT, thread)
    question = engine.context.question(TENANT, post.question_id)
    await engine.handle(
        Incoming(" ".join(question.key_points), user, "C1", TENANT, thread=thread, is_dm=False)
    )


async def test_streak_reminder_digest_and_weekly_post(ingested_app):
    app = ingested_app
    await app.start()
    await configure(app, weekly=True)
    clock = FakeClock(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))  # Saturday
    engine = engine_for(app)
    engine.context.clock = clock
    dms = []

    async def notify(delivery, replies):
        dms.append((clock.now(), delivery.user, replies[0]))

    engine.add_notifier(notify)
    scheduler = DailyScheduler(engine, clock)
    poster = RecordingPoster(clock)
    scheduler.add_poster("discord", poster)
    await engine.handle(Incoming("remind on", "ada", "C1", TENANT, is_dm=False))
    await engine.handle(Incoming("digest on", "ada", "C1", TENANT, is_dm=False))
    await engine.handle(Incoming("next", "ada", "D1", TENANT))
    await engine.handle(Incoming("reveal", "ada", "D1", TENANT))  # rated Again: due tomorrow
    for day in range(2):  # Saturday and Sunday: answered, a streak of 2
        await run_ticks(scheduler, clock, clock.now() + timedelta(hours=2))
        await answer_daily(app, engine, f"t{len(poster.posts)}")
        await run_ticks(scheduler, clock, datetime(2026, 11, 29 + day, 8, 0, tzinfo=UTC), 1800)
    await run_ticks(scheduler, clock, datetime(2026, 11, 30, 21, 0, tzinfo=UTC), 600)  # Monday
    reminders = [dm for dm in dms if "streak" in dm[2].text]
    digests = [dm for dm in dms if "reviews due" in dm[2].text]
    assert len(reminders) == 1 and reminders[0][0].hour == 18
    assert reminders[0][2].visibility == "dm"
    assert len(digests) >= 1 and all(d[2].visibility == "dm" for d in digests)
    weekly = [text for _when, thread, text in poster.posts if "past week" in text]
    assert len(weekly) == 1 and "Hardest question" in weekly[0]
    await app.aclose()
