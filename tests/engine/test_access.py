"""Tenant boundaries: a button or form naming someone else's record is refused, privately."""

from bot.app import App
from bot.engine.access import record_id
from bot.engine.events import Incoming
from tests.engine.conftest import build_engine

REFUSED = "That button belongs to someone else's question."


def say(text: str, user: str, tenant: str, **extra) -> Incoming:
    return Incoming(text=text, user=user, tenant=tenant, **extra)


async def graded_attempt(engine, app: App, user: str, tenant: str) -> int:
    (question_reply,) = await engine.handle(say("next", user, tenant))
    question = next(q for q in app.bank.questions() if q.question in question_reply.text)
    (grade,) = await engine.handle(say(" ".join(question.key_points), user, tenant))
    vote = next(b.action for b in grade.buttons if b.action.startswith("vote:up:"))
    return int(vote.rsplit(":", 1)[1])


async def test_a_vote_on_an_attempt_of_another_workspace_is_refused(started: App):
    engine = build_engine(started)
    attempt = await graded_attempt(engine, started, "ada", "slack:TA")
    (reply,) = await engine.handle(say("", "eve", "slack:TB", action=f"vote:down:{attempt}"))
    assert reply.text == REFUSED and reply.visibility == "ephemeral"
    assert await started.repository.feedback_rows() == []


async def test_a_vote_on_someone_elses_attempt_in_the_same_workspace_is_refused(started: App):
    engine = build_engine(started)
    attempt = await graded_attempt(engine, started, "ada", "slack:TA")
    (reply,) = await engine.handle(say("", "eve", "slack:TA", action=f"vote:down:{attempt}"))
    assert reply.text == REFUSED
    (own,) = await engine.handle(say("", "ada", "slack:TA", action=f"vote:up:{attempt}"))
    assert "recorded" in own.text
    assert [row["votes"] for row in await started.repository.feedback_rows()] == [1]


async def test_a_vote_on_a_nonexistent_or_absurd_id_is_refused_not_a_crash(started: App):
    engine = build_engine(started)
    for action in ("vote:up:424242", "vote:up:" + "9" * 40, "vote:up:١٢", "vote:up:-1"):
        (reply,) = await engine.handle(say("", "eve", "slack:TB", action=action))
        assert reply.text in {REFUSED, "That button is no longer valid."}, action
    assert await started.repository.feedback_rows() == []


async def test_question_buttons_of_another_workspace_are_refused(started: App):
    engine = build_engine(started)
    (question,) = await engine.handle(say("next", "ada", "slack:TA"))
    for name in ("hint", "reveal", "skip"):
        action = f"{name}:{question.served_id}"
        (reply,) = await engine.handle(say("", "ada", "slack:TB", action=action))
        assert reply.text == REFUSED and reply.visibility == "ephemeral", name
    answer = f"answer:{question.served_id}"
    (reply,) = await engine.handle(say("my answer", "ada", "slack:TB", action=answer))
    assert "no longer open" in reply.text
    (still_open,) = await engine.handle(say("hint", "ada", "slack:TA"))
    assert "Hint" in still_open.text


def test_record_ids_are_plain_digits_of_a_database_integer():
    assert record_id("42") == 42
    assert [record_id(t) for t in ("", "-1", "4.2", "١٢", "9" * 19)] == [None] * 5
