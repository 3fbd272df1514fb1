"""The daily question: the engine side the scheduler calls, and answers in the post's thread.

`post_daily` claims the (channel, local date) row first; only the caller that wins the claim gets
replies to post. A post whose sending failed is released by the scheduler and claimed again here
after a back-off, with the same question. Answers in the post's thread, or through its Answer
button (for a channel where no thread could be opened), are graded one by one, each user once;
grades go where the channel's `grade_delivery` says (in the thread, ephemeral, or by DM) to avoid
spoilers.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.engine.context import Context, Turn
from bot.engine.events import Button, Reply
from bot.engine.flows import answers
from bot.engine.notify import Delivery
from bot.storage.models import ChannelConfig, DailyPost, ServedMode

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=10)


def retry_delay(failures: int) -> timedelta:
    """How long a failed post waits before the next try: doubling from 30 s, at most 10 min."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class DailyPrompt:
    post_id: int
    replies: list[Reply]


async def post_daily(
    ctx: Context,
    tenant: str,
    channel: str,
    local_date: str,
    *,
    language: str = "en",
    filters: tuple[str, ...] = (),
    now: datetime | None = None,
) -> DailyPrompt | None:
    """The replies to post, or None when this channel's question for that date is claimed (or
    failed and waits for its retry, or is delivered)."""
    questions = ctx.questions(tenant, filters)
    if not questions:
        return None
    question = questions[_day_index(local_date) % len(questions)]
    post = await ctx.repo.claim_daily(tenant, channel, local_date, question.id)
    if post is None:
        post = await _reclaim(ctx, tenant, channel, local_date, now or ctx.clock.now())
        question = ctx.find_question(tenant, post.question_id) if post else None
        if post is None or question is None:
            return None
    tr = ctx.translator(language)
    local = await ctx.local_question(question, language)
    text = f"{local.question}\n\n" + tr(
        "Reply in this question's thread, or press Answer, to answer it."
    )
    title = tr("Daily question · {topic}", topic=question.topic)
    button = Button(f"daily:{post.id}", tr("Answer"), "primary")
    return DailyPrompt(post.id, [Reply(text, title=title, buttons=(button,))])


async def _reclaim(
    ctx: Context, tenant: str, channel: str, local_date: str, now: datetime
) -> DailyPost | None:
    """The day's post again, if its last try failed long enough ago."""
    post = await ctx.repo.daily_for(tenant, channel, local_date)
    if post is None or post.posted_at is not None or post.failed_at is None:
        return None
    return await ctx.repo.reclaim_daily(post.id, now - retry_delay(post.failures))


async def answer_by_button(turn: Turn, post_id: str) -> list[Reply]:
    """An answer typed into the form of a daily post's Answer button."""
    post = await turn.ctx.access.daily_post(turn.tenant, post_id)
    if post is None or post.summary_posted_at is not None:
        return [
            Reply(
                turn.tr("That question is no longer open. Type `next` for one."),
                visibility="ephemeral",
            )
        ]
    if not turn.incoming.text.strip():
        return [Reply(turn.tr("Reply in this thread with your answer."), visibility="ephemeral")]
    return await answer_daily(turn, post)


async def answer_daily(turn: Turn, post: DailyPost) -> list[Reply]:
    repo = turn.ctx.repo
    if post.question_id in await repo.daily_answered(post.id, turn.user.id):
        return [Reply(turn.tr("You already answered today's question."), visibility="ephemeral")]
    served = await repo.serve(
        tenant_id=post.tenant_id,
        user_id=turn.user.id,
        question_id=post.question_id,
        channel=turn.incoming.channel,
        thread=turn.incoming.thread,
        mode=ServedMode.DAILY,
        daily_post_id=post.id,
    )
    replies = await answers.answer(turn, served, turn.incoming.text)
    config = await repo.channel_config(post.tenant_id, post.channel)
    delivery = config.grade_delivery if config else "thread"
    visibility = {"ephemeral": "ephemeral", "dm": "dm"}.get(delivery, "public")
    return [replace(reply, visibility=visibility) for reply in replies]


async def summary(ctx: Context, post: DailyPost) -> list[Reply]:
    """The day-after post in a daily question's thread."""
    config = await ctx.repo.channel_config(post.tenant_id, post.channel)
    tr = ctx.translator((config.language if config else None) or "en")
    results = await ctx.repo.daily_results(post.id)
    question = ctx.question(post.tenant_id, post.question_id)
    lines = [tr("{count} answered yesterday's question.", count=len(results))]
    for rank, result in enumerate(results[:3], 1):
        lines.append(f"{rank}. {result.name or result.user}: {result.score:g}/10")
    lines += ["", tr("Reference answer:"), ctx.localized(question, tr.language).reference]
    return [Reply("\n".join(lines), title=tr("Yesterday's question"))]


async def pause(
    ctx: Context, config: ChannelConfig, failed: list[DailyPost], local_date: str
) -> None:
    """Switch off a channel's daily question whose last posts all failed, and tell the admin who
    set it up, once (by DM; the channel is what fails). Turned on again, it counts failures from
    `local_date` on."""
    daily = {**config.daily, "enabled": False, "paused": True, "paused_on": local_date}
    await ctx.repo.set_channel_config(config.tenant_id, config.channel, daily=daily)
    admin = config.daily.get("admin")
    key = f"{config.tenant_id}:{config.channel}:{failed[-1].local_date}"
    if not admin or not await ctx.repo.claim_reminder("daily-paused", key):
        return
    tr = ctx.translator(config.language or "en")
    text = tr(
        "The daily question in <#{channel}> failed on {days} days in a row ({reason}), so it is "
        "paused. Check the bot's permissions in that channel, then turn it back on with "
        "`daily on`.",
        channel=config.channel,
        days=len(failed),
        reason=failed[0].last_error or "?",
    )
    delivery = Delivery(config.tenant_id, config.channel, None, str(admin))
    await ctx.outbox.send(delivery, [Reply(text, visibility="dm")])


def _day_index(local_date: str) -> int:
    year, month, day = (int(part) for part in local_date.split("-"))
    return date(year, month, day).toordinal()
