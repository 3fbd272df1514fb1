"""What is still open when the bot starts: a line in the terminal chat, a DM on chat platforms.

"You have an open question (Question 12)" or "You have an interview at question 2 of 5", with
the question again, so its buttons work; nothing when nothing is open. On Discord and Slack
only running interviews are announced, by DM (where they run), once per interview question, so
restarts and deploys don't repeat the message.
"""

from datetime import timedelta

from bot.engine import render
from bot.engine.context import Context
from bot.engine.events import Reply
from bot.engine.notify import Delivery
from bot.i18n.catalog import N_, Translator
from bot.i18n.detect import LanguageState
from bot.storage.models import Interview, Served, ServedStatus, User, naive_utc

OPEN_QUESTION = N_("You have an open question (Question {number}). Answer it, or `skip`.")
OPEN_INTERVIEW = N_(
    "You have an interview at question {n} of {total}. Answer it, `skip` it, or type "
    "`interview stop`."
)
# Interviews older than this are not announced at start: they were left, not interrupted.
RECENT = timedelta(days=2)


async def summary(ctx: Context, tenant: str, external_id: str, channel: str) -> list[Reply]:
    """What `external_id` has open in `channel` (the terminal chat at start); [] if nothing."""
    repo = ctx.repo
    user = await repo.user(tenant, external_id)
    tr = ctx.translator(_language(ctx, user))
    interview = await repo.active_interview(user.id, channel)
    if interview is not None:
        return await _interview_notice(ctx, tr, interview)
    served = await repo.open_served(tenant, user.id, channel, None)
    if served is None:
        return []
    question = ctx.find_question(tenant, served.question_id)
    if question is None:
        return []
    local = ctx.localized(question, tr.language)
    line = Reply(tr(OPEN_QUESTION, number=question.number))
    return [line, render.question_reply(tr, local, served.id)]


async def announce(ctx: Context) -> int:
    """DM each chat-platform user whose interview was running when the bot stopped (the
    terminal chat says it itself, see `summary`); returns how many were told."""
    repo, sent = ctx.repo, 0
    since = naive_utc(ctx.clock.now() - RECENT)
    for interview in await repo.active_interviews(since):
        if ":" not in interview.tenant_id:  # adapters name tenants "<platform>:<id>"
            continue
        key = f"{interview.id}:{interview.position}"
        user = await repo.user_by_id(interview.user_id)
        if user is None or not await repo.claim_reminder("open-interview", key):
            continue
        replies = await _interview_notice(ctx, ctx.translator(_language(ctx, user)), interview)
        if replies:
            delivery = Delivery(interview.tenant_id, interview.channel, None, user.external_id)
            await ctx.outbox.send(delivery, replies)
            sent += 1
    return sent


async def _interview_notice(ctx: Context, tr: Translator, interview: Interview) -> list[Reply]:
    total = len(interview.question_ids)
    line = Reply(tr(OPEN_INTERVIEW, n=min(interview.position + 1, total), total=total))
    rows = await ctx.repo.interview_served(interview.id)
    current = next((row for row in reversed(rows) if row.status == ServedStatus.OPEN), None)
    card = _card(ctx, tr, interview, current) if current is not None else None
    return [line, card] if card is not None else [line]


def _card(ctx: Context, tr: Translator, interview: Interview, served: Served) -> Reply | None:
    if served.follow_up is not None:
        follow_up = served.follow_up
        return Reply(follow_up, title=tr("Follow-up"), served_id=served.id, quoted=(follow_up,))
    question = ctx.find_question(interview.tenant_id, served.question_id)
    if question is None:
        return None
    total = len(interview.question_ids)
    heading = tr("Question {n} of {total}", n=min(interview.position + 1, total), total=total)
    return render.question_reply(
        tr, ctx.localized(question, tr.language), served.id, heading=heading
    )


def _language(ctx: Context, user: User) -> str:
    state = LanguageState.from_dict(user.language_state)
    language = state.explicit or state.detected or ctx.default_language
    return language if language in ctx.catalog.languages else ctx.default_language
