"""Replies that never reached the user: kept with the reason, handed over again, and `last`.

An adapter whose platform refused a reply after its retries (and after any other route: the
thread's channel, the channel instead of a DM) reports it with `keep`. What is kept is handed over
on the user's next message (`owed`), so a grade is never lost; `last` shows the last grade too. A
question that never arrived is not asked: it is closed as undelivered, so `hint` or an answer
can't refer to it, and it is open again once handed over.
"""

import logging

from bot.engine import render
from bot.engine.commands import Command
from bot.engine.context import Context, Turn
from bot.engine.events import Reply
from bot.engine.notify import Delivery
from bot.engine.scoring import max_score
from bot.grading.models import Grade
from bot.i18n.catalog import N_
from bot.i18n.detect import LanguageState
from bot.storage.models import User

log = logging.getLogger(__name__)

NOTE = N_("{name}: I couldn't deliver a reply to you. Type `last` (or use `/last`) to get it.")
OWED = N_("Replies I couldn't deliver to you before:")


def _record(reply: Reply) -> dict:
    return {
        "text": reply.text,
        "title": reply.title,
        "score": reply.score,
        "served_id": reply.served_id,
        "quoted": list(reply.quoted),
    }


def _reply(record: dict) -> Reply:
    """For the user alone: it may have been meant for their DMs."""
    return Reply(
        str(record.get("text") or ""),
        visibility="ephemeral",
        title=record.get("title"),
        score=record.get("score"),
        served_id=record.get("served_id"),
        quoted=tuple(record.get("quoted") or ()),
    )


async def keep(ctx: Context, delivery: Delivery, replies: list[Reply], reason: str) -> list[Reply]:
    """Keep `replies` for the user of `delivery`; returns a note for another route (the channel:
    no mention, only the user's display name)."""
    kept = [reply for reply in replies if reply.text or reply.title]
    if not kept:
        return []
    user = await ctx.repo.user(delivery.tenant, delivery.user)
    log.warning("%d replies to user %s undelivered: %s", len(kept), user.id, reason)
    await ctx.repo.keep_undelivered(
        tenant_id=delivery.tenant,
        user_id=user.id,
        channel=delivery.channel,
        thread=delivery.thread,
        replies=[_record(reply) for reply in kept],
        reason=reason,
    )
    for reply in kept:
        if reply.served_id is not None:
            await ctx.repo.mark_served_undelivered(reply.served_id)
    tr = ctx.translator(_language(ctx, user))
    return [Reply(tr(NOTE, name=user.name or delivery.user))]


async def owed(turn: Turn) -> list[Reply]:
    """What the user is still owed, handed over now (questions among them are open again)."""
    repo = turn.ctx.repo
    rows = await repo.undelivered(turn.user.id)
    if not rows:
        return []
    await repo.handed_over(row.id for row in rows)
    replies = [Reply(turn.tr(OWED), visibility="ephemeral")]
    for row in rows:
        reply = _reply(row.reply)
        if reply.served_id is not None:
            await repo.reopen_served(reply.served_id)
        replies.append(reply)
    return replies


async def last(turn: Turn, command: Command) -> list[Reply]:
    """`last`: the user's last grade here (what was never delivered comes first, by `owed`)."""
    ctx = turn.ctx
    attempt = await ctx.repo.last_attempt(turn.tenant, turn.user.id)
    if attempt is None or attempt.grade is None or attempt.score is None:
        return [Reply(turn.tr("No graded answers yet. Type `next` to start."))]
    grade = Grade.model_validate(attempt.grade)
    served = await ctx.repo.served(attempt.served_id)
    cap = max_score(served.hints if served else 0)
    reply = render.grade_reply(turn.tr, grade, attempt.score, attempt.id, attempt.served_id, cap)
    return [reply]


def _language(ctx: Context, user: User) -> str:
    state = LanguageState.from_dict(user.language_state)
    return state.explicit or state.detected or ctx.default_language
