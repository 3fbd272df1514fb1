"""FSRS due dates, streak arithmetic, the progress chart, and leaderboard windows."""

from datetime import UTC, date, datetime, timedelta

from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming
from bot.engine.review import ReviewPlanner
from bot.engine.streaks import at_risk, streak
from bot.stats.chart import progress_png
from tests.scheduling.test_daily import FakeClock

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_due_dates_move_with_the_grade():
    planner = ReviewPlanner()
    dues = {score: planner.review(None, score, NOW)[1] for score in (1.0, 5.0, 7.0, 9.5)}
    assert dues[1.0] <= dues[5.0] <= dues[7.0] < dues[9.5]
    card, first = planner.review(None, 7.0, NOW)
    _, after_good = planner.review(card, 7.0, first)
    _, after_fail = planner.review(card, 1.0, first)
    assert after_good - first > after_fail - first  # a good answer pushes the review further


def test_streak_arithmetic():
    today = date(2026, 11, 30)
    days = {today - timedelta(days=n) for n in (1, 2, 3)}
    assert streak(days, today) == 3 and at_risk(days, today)
    assert streak(days | {today}, today) == 4 and not at_risk(days | {today}, today)
    assert streak({today - timedelta(days=2)}, today) == 0


def test_chart_is_a_png():
    image = progress_png([(NOW, 4.0), (NOW + timedelta(days=1), 7.5)], {"rag": 6.0, "nlp": 3.0})
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 5000


async def test_practice_serves_due_reviews_first_and_stats_attach_a_chart(ingested_app):
    await ingested_app.start()
    clock = FakeClock(NOW)
    engine = ConversationEngine(
        ingested_app.bank,
        ingested_app.repository,
        ingested_app.grading,
        ingested_app.catalog,
        seed=3,
        clock=clock,
    )
    say = lambda text: Incoming(text=text, user="ada")  # noqa: E731
    (first,) = await engine.handle(say("next"))
    await engine.handle(say("reveal"))  # revealed: rated Again, due again soon
    (review,) = await engine.handle(say("review"))
    assert "No reviews due" in review.text
    clock.current += timedelta(days=2)
    (again,) = await engine.handle(say("next"))
    assert again.title.startswith("Review") and again.text.split("\n")[0] in first.text
    await engine.handle(say("It is about something else entirely, I am not sure."))
    (stats,) = await engine.handle(say("stats"))
    assert (
        stats.image and stats.image.startswith(b"\x89PNG") and "Daily streak: 0 days" in stats.text
    )
    (board,) = await engine.handle(say("leaderboard weekly"))
    assert board.title == "Leaderboard: this week"
    await ingested_app.aclose()


async def test_daily_leaderboard_follows_the_channels_time_zone(ingested_app):
    from zoneinfo import ZoneInfo

    await ingested_app.start()
    await ingested_app.repository.set_channel_config(
        "global", "C1", daily={"timezone": "America/New_York"}
    )
    # 23:30 in New York on 30 Nov is 04:30 UTC on 1 Dec: still "today" for the channel.
    clock = FakeClock(datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("America/New_York")))
    engine = ConversationEngine(
        ingested_app.bank,
        ingested_app.repository,
        ingested_app.grading,
        ingested_app.catalog,
        seed=5,
        clock=clock,
    )
    place = {"channel": "C1", "is_dm": False}
    (question,) = await engine.handle(Incoming("next", "ada", **place))
    asked = next(q for q in ingested_app.bank.questions() if q.question in question.text)
    await engine.handle(Incoming(" ".join(asked.key_points), "ada", **place))
    (today,) = await engine.handle(Incoming("leaderboard daily", "ada", **place))
    assert "1. ada:" in today.text
    clock.current += timedelta(hours=1)  # 00:30 local on 1 Dec: a new day in New York
    (tomorrow,) = await engine.handle(Incoming("leaderboard daily", "ada", **place))
    assert "No graded answers here yet." in tomorrow.text
    await ingested_app.aclose()
