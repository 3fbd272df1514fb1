"""The daily question: the engine side the scheduler calls, and answers in the post's thread.

`post_daily` claims the (channel, local date) row first; only the caller that wins the claim gets
replies to post. Answers in the post's thread are graded one by one, each user once; grades go
where the channel's `grade_delivery` says (in the thread, ephemeral, or by DM) to avoid spoilers.
"""

from dataclasses import dataclass, replace
from datetime import date

from bot.engine.context import Context, Turn
from bot.engine.events import Reply
from bot.engine.flows import answers
from bot.storage.models import DailyPost, ServedMode


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
) -> DailyPrompt | None:
    """The replies to post, or None when this channel's question for that date is claimed."""
    questions = ctx.questions(tenant, filters)
    if not questions:
        return None
    question = questions[_day_index(local_date) % len(questions)]
    post = await ctx.repo.claim_daily(tenant, channel, local_date, question.id)
    if post is None:
        return None
    tr = ctx.translator(language)
    local = await ctx.local_question(question, language)
    text = f"{local.question}\n\n" + tr("Reply in this thread with your answer.")
    title = tr("Daily question · {topic}", topic=question.topic)
    return DailyPrompt(post.id, [Reply(text, title=title)])


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


def _day_index(local_date: str) -> int:
    year, month, day = (int(part) for part in local_date.split("-"))
    return date(year, month, day).toordinal()
