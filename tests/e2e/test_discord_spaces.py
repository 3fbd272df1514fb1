"""Shared spaces on Discord: what one person does is never shown to people it doesn't concern.

DMs are each user's own space (no leaderboard of strangers), a grade's votes belong to its owner,
and what is for one person (a refusal, a `forget me` confirmation) never reaches the channel.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import (
    EPHEMERAL,
    SCORE,
    assert_nobody_pinged,
    click,
    custom_ids,
    practice,
    question_in,
    served_id,
    text_of,
)
from tests.fakes.discord_server import FakeDiscord

no_errors, fake, data_dir, make_app, app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.app,
    kit.bot,
)
JSON = dict[str, Any]


async def answered_in_dm(fake: FakeDiscord, app: App, user: JSON) -> None:
    dm = fake.dm_channel(user)
    posts = rf"/channels/{dm['id']}/messages"
    await fake.dispatch_message(dm["id"], user, "next")
    asked = await fake.wait_for_request("POST", posts)
    question = question_in(app, text_of(asked.json))
    await fake.dispatch_message(dm["id"], user, " ".join(question.key_points))
    graded = await fake.wait_for_request("POST", posts)
    assert SCORE.search(text_of(graded.json))


async def test_a_dm_leaderboard_shows_no_stranger_from_another_server(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    elsewhere = fake.add_guild("Unrelated Server")
    stranger = fake.add_member("stranger", elsewhere)["user"]
    alice = fake.add_member("alice")["user"]
    await answered_in_dm(fake, app, stranger)
    await answered_in_dm(fake, app, alice)

    dm = fake.dm_channel(alice)
    await fake.dispatch_message(dm["id"], alice, "leaderboard")
    board = text_of((await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")).json)

    assert "alice" in board and "points" in board
    assert "stranger" not in board
    assert_nobody_pinged(fake)


async def test_votes_are_the_grades_owners_and_a_refusal_is_private(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    bob = fake.add_member("bob")["user"]
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])
    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    grade = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
    up, down = custom_ids(grade.json)[2:4]
    graded = fake.bot_messages(thread["id"])[-1]

    for action in (up, down):
        vote = await click(fake, graded, action, bob)
        refused = await fake.wait_for_request("POST", vote.webhook_path)
        assert "someone else's question" in refused.json["content"]
        assert fake.messages[vote.original_message_id or ""]["flags"] & EPHEMERAL

    assert await app.repository.feedback_rows() == []  # bob's clicks counted nowhere
    assert_nobody_pinged(fake)


def public_messages(fake: FakeDiscord) -> list[str]:
    """Every public message the bot ever posted in #general, deleted ones included."""
    every = [*fake.messages.values(), *fake.deleted_messages.values()]
    return sorted(
        m["id"]
        for m in every
        if m["channel_id"] == fake.channel["id"]
        and m["author"]["id"] == fake.bot_user["id"]
        and not m["flags"] & EPHEMERAL
    )


async def test_refusing_someone_elses_button_shows_the_channel_nothing(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    bob = fake.add_member("bob")["user"]
    message, _ = await practice(fake, alice)
    served = served_id(message)
    before = public_messages(fake)

    for action in (f"reveal:{served}", f"skip:{served}"):
        other = await click(fake, message, action, bob)
        refused = await fake.wait_for_request("POST", other.webhook_path)
        assert "someone else's question" in refused.json["content"]
        assert refused.json["flags"] & EPHEMERAL

    assert public_messages(fake) == before  # not even a "thinking…" placeholder, since deleted

    mine = await click(fake, message, f"reveal:{served}", alice)  # the owner's reveal is public
    shown = await fake.wait_for_request("POST", mine.webhook_path)
    assert shown.json["content"].startswith("**Reference answer**")
    assert not shown.json.get("flags", 0) & EPHEMERAL
    assert_nobody_pinged(fake)


async def test_forget_me_by_mention_is_confirmed_by_dm_not_in_the_channel(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    channel = fake.channel["id"]
    mention = f"<@{fake.bot_user['id']}> forget me"
    await fake.dispatch_message(channel, alice, mention, mentions=[fake.bot_user])
    dm = fake.dm_channel(alice)
    confirmed = await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")

    assert "are deleted" in confirmed.json["content"]
    assert not [m for m in fake.bot_messages(channel) if "deleted" in m["content"]]
    assert_nobody_pinged(fake)
