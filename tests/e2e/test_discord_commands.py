"""A command is never an answer: slash commands reach the engine typed, and a wrong argument is
refused with the valid choices while the open question stays open (no attempt, no zero)."""

from __future__ import annotations

from typing import Any

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import SCORE, assert_nobody_pinged, practice, question_in, text_of
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord

no_errors, fake, data_dir, make_app, app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.app,
    kit.bot,
)
JSON = dict[str, Any]

# Every slash command that takes a free or checked argument, with a value it must refuse, and a
# word the refusal must show among the valid choices.
INVALID = [
    ("language", {"code": "klingon"}, "es"),
    ("language", {"code": "es-"}, "es"),
    ("language", {"code": "'; drop table users"}, "auto"),
    ("practice", {"topic": "astrology"}, "medium"),
    ("practice", {"difficulty": "impossible"}, "hard"),
    ("leaderboard", {"period": "forever"}, "weekly"),
    ("interview start", {"questions": 99}, "10"),
    ("interview start", {"topic": "astrology"}, "easy"),
]


async def attempts_of(app: App, tenant: str, user: JSON) -> list:
    row = await app.repository.user(tenant, user["id"])
    return list(await app.repository.attempts(tenant, row.id))


async def test_every_slash_command_with_a_wrong_argument_leaves_the_question_open(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    tenant = f"discord:{fake.guild.id}"
    message, thread = await practice(fake, alice)
    question = question_in(app, message["content"])

    for name, options, choice in INVALID:
        command = await fake.dispatch_slash_command(
            name, user=alice, channel_id=thread["id"], options=options
        )
        reply = await fake.wait_for_request("POST", command.webhook_path)
        text = text_of(reply.json)
        assert "Score" not in text and not SCORE.search(text), (name, options, text)
        assert "Choose" in text and choice in text, (name, options, text)
        assert str(next(iter(options.values()))) in text  # says what was wrong
        assert reply.json["flags"] & EPHEMERAL  # for the caller only
        assert await attempts_of(app, tenant, alice) == [], (name, options)

    # the question is still open: an answer in its thread is graded
    await fake.dispatch_message(thread["id"], alice, " ".join(question.key_points))
    grade = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
    assert SCORE.search(text_of(grade.json))
    (attempt,) = await attempts_of(app, tenant, alice)
    assert attempt.answer == " ".join(question.key_points) and attempt.score > 0
    assert_nobody_pinged(fake)


async def test_a_wrong_language_in_a_dm_interview_does_not_use_up_its_question(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    dm = fake.dm_channel(alice)
    start = await fake.dispatch_slash_command(
        "interview start", user=alice, channel_id=dm["id"], options={"questions": 2}
    )
    await fake.wait_for_request("POST", start.webhook_path)  # intro
    first = await fake.wait_for_request("POST", start.webhook_path)
    assert text_of(first.json).startswith("**Question 1 of 2**")

    wrong = await fake.dispatch_slash_command(
        "language", user=alice, channel_id=dm["id"], options={"code": "es-"}
    )
    refused = text_of((await fake.wait_for_request("POST", wrong.webhook_path)).json)
    assert "isn't a language I know" in refused and "Question 2 of 2" not in refused
    assert await attempts_of(app, f"discord:dm:{alice['id']}", alice) == []

    question = question_in(app, first.json["content"])
    await fake.dispatch_message(dm["id"], alice, " ".join(question.key_points))
    graded = await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")
    following = await fake.wait_for_request("POST", rf"/channels/{dm['id']}/messages")
    assert SCORE.search(text_of(graded.json))
    assert "Question 2 of 2" in text_of(following.json) or "Follow-up" in text_of(following.json)
    assert_nobody_pinged(fake)


async def test_language_offers_the_languages_as_autocomplete(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    synced = {c["name"]: c for c in fake.global_commands}
    (code,) = synced["language"]["options"]
    assert code.get("autocomplete") is True
    assert "last" in synced  # the grade a user may have missed
