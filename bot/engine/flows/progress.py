"""`stats` and `leaderboard`: a user's progress (with a chart) and the rankings."""

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.engine.commands import Command
from bot.engine.events import Reply
from bot.scheduling.streaks import STREAK_THRESHOLD, streak
from bot.storage.models import naive_utc

if TYPE_CHECKING:
    from bot.engine.engine import ConversationEngine, Turn


async def stats(engine: "ConversationEngine", turn: "Turn", command: Command) -> list[Reply]:
    tenant = turn.incoming.tenant
    attempts = [
        a
        for a in await engine.repository.attempts(tenant, turn.user.id)
        if a.status == "graded" and a.score is not None
    ]
    if not attempts:
        return [Reply(turn.tr("No graded answers yet. Type `next` to start."))]
    scores = [a.score for a in attempts if a.score is not None]
    by_topic: defaultdict[str, list[float]] = defaultdict(list)
    for attempt in attempts:
        question = engine.find_question(tenant, attempt.question_id)
        if question is not None and attempt.score is not None:
            by_topic[question.topic].append(attempt.score)
    averages = {
        topic: round(sum(values) / len(values), 1)
        for topic, values in sorted(by_topic.items(), key=lambda kv: -sum(kv[1]) / len(kv[1]))
    }
    seen = await engine.repository.seen_question_ids(tenant, turn.user.id)
    total = len(engine.bank_questions(tenant))
    now = engine.clock.now()
    days = {
        datetime.fromisoformat(day).date()
        for day in await engine.repository.daily_answer_dates(
            tenant, turn.user.id, STREAK_THRESHOLD
        )
    }
    due = await engine.repository.due_reviews(tenant, turn.user.id, naive_utc(now))
    lines = [
        turn.tr("Answers graded: {count}", count=len(scores)),
        turn.tr("Average score: {average}/10", average=f"{sum(scores) / len(scores):.1f}"),
        turn.tr("Best score: {best}/10", best=f"{max(scores):g}"),
        turn.tr("Questions seen: {seen} of {total}", seen=len(seen), total=total),
        turn.tr("Daily streak: {days} days", days=streak(days, now.date())),
        turn.tr("Reviews due: {count}", count=len(due)),
    ]
    lines += [f"  {topic}: {average:.1f}" for topic, average in averages.items()]
    from bot.stats.chart import progress_png
    from bot.stats.history import question_points

    parents = await engine.repository.follow_up_parents([a.served_id for a in attempts])
    history = question_points(
        [(a.served_id, a.created_at, a.score) for a in attempts if a.score is not None], parents
    )
    image = await asyncio.to_thread(progress_png, history, averages)
    return [
        Reply(
            "\n".join(lines),
            title=turn.tr("Your stats"),
            image=image,
            image_name="progress.png",
        )
    ]


async def leaderboard(engine: "ConversationEngine", turn: "Turn", command: Command) -> list[Reply]:
    """`leaderboard [daily|weekly|all] [here]`: points are the sum of scores."""
    words = {word.lower() for word in command.args}
    period = next((w for w in ("daily", "weekly") if w in words), "all")
    since = None
    if period != "all":
        config = await engine.repository.channel_config(turn.incoming.tenant, turn.incoming.channel)
        zone = ZoneInfo((config.daily or {}).get("timezone", "UTC") if config else "UTC")
        local = engine.clock.now().astimezone(zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if period == "weekly":
            start -= timedelta(days=start.weekday())
        since = naive_utc(start)
    channel = turn.incoming.channel if "here" in words else None
    standings = await engine.repository.leaderboard(
        turn.incoming.tenant, since=since, channel=channel
    )
    if not standings:
        return [Reply(turn.tr("No graded answers here yet."))]
    lines = [
        turn.tr(
            "{rank}. {name}: {points} points ({answers} answers)",
            rank=rank,
            name=standing.name or standing.user,
            points=f"{standing.points:g}",
            answers=standing.answers,
        )
        for rank, standing in enumerate(standings, 1)
    ]
    titles = {
        "daily": turn.tr("Leaderboard: today"),
        "weekly": turn.tr("Leaderboard: this week"),
        "all": turn.tr("Leaderboard: all time"),
    }
    return [Reply("\n".join(lines), title=titles[period])]
