"""Delivery is part of the outcome: a reply Discord refuses after its retries goes another way
(a thread's channel, a note in the channel for closed DMs) or is kept and handed over on the
user's next message and by `last`; a question that never arrived is not asked; a deferred
interaction always ends, even when every follow-up fails."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.engine.flows.daily import post_daily
from bot.storage.models import Attempt, AttemptStatus, UndeliveredReply
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import (
    SCORE,
    assert_nobody_pinged,
    practice,
    question_in,
    text_of,
)
from tests.fakes.discord_server import EPHEMERAL, LOADING, FakeDiscord

no_errors, fake, data_dir, make_app, app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.app,
    kit.bot,
)
JSON = dict[str, Any]
MISSING_PERMISSIONS = {"message": "Missing Permissions", "code": 50013}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
DMS_CLOSED = {"message": "Cannot send messages to this user", "code": 50007}


async def attempts(app: App) -> list[Attempt]:
    async with app.repository._session() as session:
        return list((await session.scalars(select(Attempt).order_by(Attempt.id))).all())


async def kept(app: App) -> list[UndeliveredReply]:
    async with app.repository._session() as session:
        return list((await session.scalars(select(UndeliveredReply))).all())


async def until(check: Callable[[], Any]) -> Any:
    """What `check` (sync or async) returns once it is truthy; 20 s at most."""
    for _ in range(400):
        found = check()
        found = await found if asyncio.iscoroutine(found) else found
        if found:
            return found
        await asyncio.sleep(0.05)
    raise TimeoutError("nothing came")


async def slash_last(fake: FakeDiscord, user: JSON, count: int) -> str:
    """/last, as the user sees it: its first `count` follow-ups, all for the user alone."""
    command = await fake.dispatch_slash_command("last", user=user)
    texts = []
    for _ in range(count):
        rec = await fake.wait_for_request("POST", command.webhook_path)
        assert rec.json["flags"] & EPHEMERAL
        texts.append(text_of(rec.json))
    return "\n".join(texts)


async def test_a_grade_the_thread_refuses_goes_to_its_channel(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    fake.fail_next("POST", rf"/channels/{thread['id']}/messages", 403, MISSING_PERMISSIONS, times=9)

    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    graded = await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages")

    assert SCORE.search(text_of(graded.json))
    assert await kept(app) == []
    assert_nobody_pinged(fake)


async def test_a_grade_refused_everywhere_is_kept_and_handed_over_by_last(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    fake.fail_next("POST", rf"/channels/{thread['id']}/messages", 500, times=5)
    fake.fail_next("POST", rf"/channels/{fake.channel['id']}/messages", 403, MISSING_PERMISSIONS)

    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    await fake.wait_for_request("POST", rf"/channels/{fake.channel['id']}/messages", timeout=30)
    note = await until(lambda: fake.bot_messages(thread["id"])[-1:])

    (row,) = await until(lambda: kept(app))
    assert row.reason.startswith("403 50013") and row.reply["score"] is not None
    assert "`last`" in note[0]["content"] and "alice" in note[0]["content"]
    shown = await slash_last(fake, alice, 3)
    assert "Replies I couldn't deliver to you before" in shown
    assert len(SCORE.findall(shown)) >= 2  # the kept grade, then the last grade
    assert (await kept(app))[0].delivered_at is not None
    assert_nobody_pinged(fake)


async def test_an_answer_is_graded_before_the_next_command_while_typing_is_retried(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    """discord.py retries a 5xx typing indicator for seconds (1 + 3 s here): the answer is not
    held behind it, so a `/practice` sent meanwhile can't close its question first."""
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    fake.fail_next("POST", rf"/channels/{thread['id']}/typing", 500, times=2)

    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    await fake.wait_for_request("POST", rf"/channels/{thread['id']}/typing")  # the bot has it
    await practice(fake, alice)  # the user moves on while the indicator is retried

    grade = await until(
        lambda: [m for m in fake.bot_messages(thread["id"]) if SCORE.search(text_of(m))]
    )
    assert "closed" not in text_of(grade[0]).casefold()
    assert [a.status for a in await attempts(app)] == [AttemptStatus.GRADED]


async def test_a_regrade_for_a_deleted_thread_goes_to_the_channel(
    make_app: Callable[..., App], fake: FakeDiscord
) -> None:
    async with kit.provisionally_graded(make_app, fake) as (llm, path, _provisional):
        fake.fail_next("POST", path, 404, UNKNOWN_CHANNEL, times=9)
        llm.mode = "honest"
        pushed = await fake.wait_for_request(
            "POST", rf"/channels/{fake.channel['id']}/messages", timeout=30
        )

    assert "re-graded by the AI grader" in text_of(pushed.json)
    assert_nobody_pinged(fake)


async def test_a_daily_grade_for_closed_dms_leaves_a_note_in_the_thread(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    mod = fake.add_member("mod", manage_guild=True)["user"]
    configure = await fake.dispatch_slash_command("daily set", user=mod, options={"delivery": "dm"})
    await fake.wait_for_request("POST", configure.webhook_path)
    tenant = f"discord:{fake.guild.id}"
    prompt = await post_daily(app.engine.context, tenant, fake.channel["id"], "2026-03-03")
    assert prompt is not None
    message_id, thread_id = await bot.post_daily(tenant, fake.channel["id"], None, prompt.replies)
    await app.repository.daily_posted(prompt.post_id, message_id, thread_id)
    dm = fake.dm_channel(alice)
    fake.fail_next("POST", rf"/channels/{dm['id']}/messages", 403, DMS_CLOSED, times=9)

    await fake.dispatch_message(thread_id, alice, "Attention weighs tokens by relevance.")
    posted = await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")

    note = text_of(posted.json)
    assert "couldn't deliver" in note and "alice" in note and not SCORE.search(note)
    (row,) = await until(lambda: kept(app))
    assert row.reason.startswith("403 50007")
    shown = await slash_last(fake, alice, 3)  # privately, for her alone
    assert "Replies I couldn't deliver" in shown and len(SCORE.findall(shown)) >= 2
    assert_nobody_pinged(fake)


async def test_an_interview_question_that_never_arrived_is_not_asked(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    dm = fake.dm_channel(alice)
    posts = rf"/channels/{dm['id']}/messages"
    await fake.dispatch_message(dm["id"], alice, "interview start 2")
    await fake.wait_for_request("POST", posts)  # the intro
    first = await fake.wait_for_request("POST", posts)
    question = question_in(app, first.json["content"])
    fake.fail_next("POST", posts, 403, DMS_CLOSED, times=2)  # the grade and what comes next

    await fake.dispatch_message(dm["id"], alice, " ".join(question.key_points))
    await fake.wait_for_request("POST", posts)
    await fake.wait_for_request("POST", posts)
    note = await fake.wait_for_request("POST", posts)  # DMs open again just in time for it
    assert "`last`" in text_of(note.json)
    rows = await until(lambda: kept(app))
    assert SCORE.search(rows[0].reply["text"]) and rows[-1].reply["served_id"]
    # DMs open again: `hint` gives no hint for a question she never saw, and brings what she
    # missed first (the grade and the next question), which is open from then on.
    await fake.dispatch_message(dm["id"], alice, "hint")
    replies = [text_of((await fake.wait_for_request("POST", posts)).json) for _ in range(4)]
    assert "Hint:" not in "\n".join(replies)
    assert replies[0].startswith("Replies I couldn't deliver")
    assert SCORE.search(replies[1])
    assert "Question 2 of 2" in replies[2] or "Follow-up" in replies[2]
    await fake.dispatch_message(dm["id"], alice, "hint")
    hinted = text_of((await fake.wait_for_request("POST", posts)).json)
    assert hinted.startswith("Hint:")
    assert_nobody_pinged(fake)


async def test_a_follow_up_that_fails_five_times_still_ends_thinking(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    fake.fail_next("POST", rf"/webhooks/{fake.application_id}/[^/]+", 500, times=5)
    command = await fake.dispatch_slash_command("practice", user=alice)
    await fake.wait_for_request("POST", command.callback_path)
    edited = await fake.wait_for_request(
        "PATCH", rf"{command.webhook_path}/messages/@original", timeout=30
    )

    placeholder = fake.messages[command.original_message_id or ""]
    assert not placeholder["flags"] & LOADING  # no more "thinking…"
    assert "`last`" in text_of(edited.json)
    (row,) = await until(lambda: kept(app))
    assert row.reason.startswith("500") and row.reply["served_id"]
    assert_nobody_pinged(fake)


async def test_an_answer_sent_while_the_session_was_invalidated_is_read_back(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    identified = len([f for f in fake.gateway_received if f["op"] == 2])

    await fake.invalidate_sessions()
    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))  # unseen
    graded = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages", timeout=20)

    assert len([f for f in fake.gateway_received if f["op"] == 2]) == identified + 1  # no resume
    assert SCORE.search(text_of(graded.json))
    await asyncio.sleep(0.5)
    assert len(fake.requests_matching("POST", rf"/channels/{thread['id']}/messages")) == 1
    assert_nobody_pinged(fake)
