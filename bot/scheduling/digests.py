"""Opt-in nudges, each sent at most once (claimed in the database like daily posts):

- a DM when a daily streak is at risk (`remind on`), in the evening of the channel's time zone;
- a DM with the number of reviews due (`digest on`), at the channel's daily time;
- a weekly post in channels that enable it (`daily set weekly=on`), on Mondays: the top
  improvers and the hardest question of the past week.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Reply
from bot.engine.streaks import STREAK_THRESHOLD, at_risk
from bot.scheduling.calendar import local_run
from bot.storage.results import ScoredAnswer

REMIND_AT = "18:00"
WINDOW = timedelta(hours=2)


async def send_nudges(engine: ConversationEngine, config, now: datetime, post) -> int:
    """Everything due for one channel at `now`; returns how many messages went out."""
    zone = ZoneInfo(config.daily["timezone"])
    today = now.astimezone(zone).date()
    repo = engine.repository
    tr = engine.translator(config.language or "en")
    sent = 0
    if _due(local_run(today, REMIND_AT, zone), now):
        for user in await repo.users_with_preference(config.tenant_id, "remind"):
            dates = await repo.daily_answer_dates(config.tenant_id, user.id, STREAK_THRESHOLD)
            days = {datetime.fromisoformat(day).date() for day in dates}
            key = f"{config.tenant_id}:{user.external_id}:{today}"
            if at_risk(days, today) and await repo.claim_reminder("streak", key):
                text = tr("Your daily streak ends tonight unless you answer today's question.")
                await _dm(engine, config, user.external_id, text)
                sent += 1
    if _due(local_run(today, config.daily["time"], zone), now):
        for user in await repo.users_with_preference(config.tenant_id, "digest"):
            count = await engine.due_count(config.tenant_id, user.external_id)
            key = f"{config.tenant_id}:{user.external_id}:{today}"
            if count and await repo.claim_reminder("digest", key):
                text = tr("You have {count} reviews due. Type `review` to start.", count=count)
                await _dm(engine, config, user.external_id, text)
                sent += 1
        if config.daily.get("weekly") and today.weekday() == 0:
            week = today.isocalendar()
            key = f"{config.tenant_id}:{config.channel}:{week.year}-W{week.week}"
            if await repo.claim_reminder("weekly", key):
                start = local_run(today, "00:00", zone)
                replies = await weekly_digest(engine, config, start, tr)
                await post(config.tenant_id, config.channel, None, replies)
                sent += 1
    return sent


def _due(at: datetime, now: datetime) -> bool:
    return at <= now <= at + WINDOW


async def _dm(engine: ConversationEngine, config, user: str, text: str) -> None:
    delivery = Delivery(config.tenant_id, config.channel, None, user)
    await engine.notify(delivery, [Reply(text, visibility="dm")])


async def weekly_digest(engine: ConversationEngine, config, week_end: datetime, tr) -> list[Reply]:
    repo = engine.repository
    naive_end = week_end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    this_week = await repo.scores_between(
        config.tenant_id, naive_end - timedelta(days=7), naive_end, config.channel
    )
    last_week = await repo.scores_between(
        config.tenant_id,
        naive_end - timedelta(days=14),
        naive_end - timedelta(days=7),
        config.channel,
    )
    now_avg, before_avg, names = _averages(this_week), _averages(last_week), {}
    for row in this_week:
        names[row.user] = row.name or row.user
    improvers = sorted(
        ((now_avg[u] - before_avg[u], u) for u in now_avg if u in before_avg), reverse=True
    )
    lines = [tr("{count} answers this past week.", count=len(this_week))]
    if improvers:
        lines.append(tr("Top improvers:"))
        lines += [f"  {names[u]}: +{gain:.1f}" for gain, u in improvers[:3] if gain > 0]
    by_question: defaultdict[str, list[float]] = defaultdict(list)
    for row in this_week:
        by_question[row.question_id].append(row.score)
    if by_question:
        hardest = min(by_question, key=lambda q: mean(by_question[q]))
        question = engine.context.question(config.tenant_id, hardest)
        lines.append(
            tr(
                "Hardest question: #{number} {question} (average {average}/10)",
                number=question.number,
                question=question.question,
                average=f"{mean(by_question[hardest]):.1f}",
            )
        )
    return [Reply("\n".join(lines), title=tr("The week in review"))]


def _averages(rows: list[ScoredAnswer]) -> dict[str, float]:
    scores: defaultdict[str, list[float]] = defaultdict(list)
    for row in rows:
        scores[row.user].append(row.score)
    return {user: mean(values) for user, values in scores.items()}
