"""The router: errors in the user's language, per-user locks that don't pile up."""

import asyncio

from sqlalchemy import event

from bot.engine.events import Incoming
from bot.engine.locks import KeyedLocks


def say(text: str, user: str = "ana") -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title())


async def test_a_question_gone_from_the_bank_is_explained_in_the_users_language(fake_engine):
    engine = fake_engine
    (chosen,) = await engine.handle(say("language es"))
    assert "es" in chosen.text
    repo = engine.repository
    user = await repo.user("global", "ana")
    await repo.serve(
        tenant_id="global",
        user_id=user.id,
        question_id="removed-since",
        channel="console",
        thread=None,
        mode="practice",
    )
    (reply,) = await engine.handle(say("Attention weighs every token against every other."))
    spanish = engine.translator("es")
    assert reply.text == spanish("That question is no longer in the bank. Type `next` for another.")
    assert "no longer in the bank" not in reply.text


async def test_a_users_lock_is_dropped_once_nobody_waits_for_it():
    locks = KeyedLocks()
    order: list[str] = []

    async def turn(name: str, pause: float) -> None:
        async with locks.hold(("t", "ana")):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    first = asyncio.create_task(turn("first", 0.05))
    await asyncio.sleep(0)
    second = asyncio.create_task(turn("second", 0))
    await asyncio.sleep(0.01)
    assert len(locks) == 1  # held by one message, waited for by the other
    await asyncio.gather(first, second)
    assert order == ["first in", "first out", "second in", "second out"]
    assert len(locks) == 0


async def test_many_users_leave_no_locks_behind(fake_engine):
    engine = fake_engine
    await asyncio.gather(*(engine.handle(say("help", user=f"user{i}")) for i in range(30)))
    assert len(engine._locks) == 0


async def test_an_answered_turn_runs_at_most_three_database_transactions(fake_engine, light):
    engine, started = fake_engine, light
    begun: list[object] = []
    listener = lambda connection: begun.append(connection)  # noqa: E731
    event.listen(started.database.sync_engine, "begin", listener)
    try:
        await engine.handle(say("next"))
        begun.clear()
        (grade,) = await engine.handle(say("Dropout zeroes activations at random in training."))
    finally:
        event.remove(started.database.sync_engine, "begin", listener)
    assert "Score:" in grade.text
    assert len(begun) <= 3  # read the turn's state; close + store; grade + review


async def test_a_thread_reply_that_beats_the_thread_attach_answers_the_question(fake_engine):
    """Slack posts a channel question, then the adapter attaches the new thread; a reply in that
    thread can arrive first and must still be taken as the answer."""
    place = {"channel": "C1", "is_dm": False, "tenant": "slack:T1"}
    (question,) = await fake_engine.handle(Incoming(text="next", user="ana", **place))
    assert question.served_id is not None
    reply = Incoming(text="an answer", user="ana", thread="1700000000.0001", **place)
    (grade,) = await fake_engine.handle(reply)
    assert "Score:" in grade.text
    await fake_engine.attach_thread(question.served_id, "1700000000.0001")  # lands late
    (after,) = await fake_engine.handle(reply)
    assert "No question is open here" in after.text
