"""Fault injection: 20 answers while the fake Discord answers a third of all REST calls with 500,
403 or 404 at random (seeded). Every grade reaches the user, now or with their next command, and
every deferred interaction ends (no "thinking…" left behind)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.storage.models import Attempt, AttemptStatus, Served, ServedStatus, UndeliveredReply
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import text_of
from tests.fakes.discord_server import LOADING, FakeDiscord, FakeInteraction

no_errors, fake, data_dir, make_app, bot = (
    kit.no_errors,
    kit.fake,
    kit.data_dir,
    kit.make_app,
    kit.bot,
)
JSON = dict[str, Any]
ANSWERS = 20
VOTE = re.compile(r"vote:up:(\d+)")


@pytest.fixture
async def app(make_app: Callable[..., App]) -> App:
    return make_app(answers_per_minute=ANSWERS * 3)  # the rate limit is not what is tested


async def rows(app: App, model: type) -> list:
    async with app.repository._session() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def settled(fake: FakeDiscord, interaction: FakeInteraction | None = None) -> None:
    """Wait until the bot has stopped talking to the fake (discord.py's 5xx retries included)."""
    quiet = 0
    for _ in range(600):
        busy = any(not rec.done for rec in fake.requests)
        original = interaction and fake.messages.get(interaction.original_message_id or "")
        loading = bool(original and original["flags"] & LOADING)
        quiet = 0 if busy or loading else quiet + 1
        if quiet >= 10:  # 0.5 s without a request in flight
            return
        await asyncio.sleep(0.05)


def delivered_grades(fake: FakeDiscord) -> set[int]:
    """Attempt ids of grades that reached Discord (their vote buttons name the attempt)."""
    found = set()
    for message in fake.bot_messages():
        found |= {int(i) for i in VOTE.findall(str(message.get("components")))}
    return found


async def test_twenty_answers_while_a_third_of_calls_fail(
    bot: DiscordAdapter, fake: FakeDiscord, app: App
) -> None:
    alice = fake.add_member("alice")["user"]
    tenant = f"discord:{fake.guild.id}"
    interactions: list[FakeInteraction] = []
    fake.fail_randomly(1 / 3, (500, 403, 404), seed=18)
    answered, last = 0, 0
    for _ in range(ANSWERS * 3):
        if answered == ANSWERS:
            break
        ask = await fake.dispatch_slash_command("practice", user=alice)
        interactions.append(ask)
        await settled(fake, ask)
        served = ([None] + await rows(app, Served))[-1]
        if served is None or served.id <= last or served.status != ServedStatus.OPEN:
            continue  # not acknowledged, or the question never arrived: not asked
        last = served.id
        text = answer_for(app, served.question_id, tenant)
        if served.thread and answered % 2 == 0:
            await fake.dispatch_message(served.thread, alice, text)
            await settled(fake)
        else:
            submit = await fake.dispatch_modal_submit(
                f"answer:{served.id}", {"answer": text}, user=alice
            )
            interactions.append(submit)
            await settled(fake, submit)
        answered += 1
    fake.fail_randomly(0)
    # The last answers may still be being graded, behind discord.py's back-off on a streak of
    # 5xx (1 + 3 + 5 + 7 + 9 s): wait up to a minute, on a slow or busy machine too.
    for _ in range(600):
        if all(a.status != AttemptStatus.PENDING for a in await rows(app, Attempt)):
            break
        await asyncio.sleep(0.1)
    await settled(fake)
    assert answered == ANSWERS
    assert len(fake.chaos_failures) >= 20, "the faults must actually happen"

    attempts = await rows(app, Attempt)
    graded = [a.id for a in attempts if a.status == AttemptStatus.GRADED]
    # Every answer sent is stored and graded, even an answer form whose acknowledgement
    # discord.py was still retrying when the next `/practice` arrived.
    assert len(graded) == len(attempts) == ANSWERS, [a.status for a in attempts]
    delivered = delivered_grades(fake) & set(graded)
    kept = [r for r in await rows(app, UndeliveredReply) if r.reply.get("score") is not None]
    missing = set(graded) - delivered
    assert len(kept) >= len(missing), (graded, delivered, [r.reply["text"] for r in kept])

    # Every kept grade is handed over with the user's next command (here `/stats`).
    stats = await fake.dispatch_slash_command("stats", user=alice)
    await settled(fake, stats)
    assert all(r.delivered_at is not None for r in await rows(app, UndeliveredReply))
    shown = " ".join(" ".join(text_of(m).split()) for m in fake.bot_messages())
    for row in kept:  # handed over with a later message, and that one arrived
        assert " ".join(row.reply["text"].split()) in shown, row.reply["text"]
    assert all(r.delivered_at is not None for r in await rows(app, UndeliveredReply))

    # Every interaction that was deferred has ended: filled, edited with a note, or removed.
    for interaction in [*interactions, stats]:
        if 5 not in interaction.callback_types:
            continue  # never acknowledged (its callback failed): Discord shows its own error
        original = fake.messages.get(interaction.original_message_id or "")
        assert original is None or not original["flags"] & LOADING, interaction.id


def answer_for(app: App, question_id: str, tenant: str) -> str:
    question = next(q for q in app.bank.questions(tenant) if q.id == question_id)
    return " ".join(question.key_points)
