"""Mock interviews (across a restart), daily questions, and grades re-done when the LLM returns."""

import re

from bot.app import App
from bot.engine.events import Incoming
from bot.engine.flows.daily import post_daily
from tests.engine.conftest import build_engine


def say(text: str, user: str = "ada", **extra) -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title(), **extra)


def question_of(app: App, replies):
    for reply in replies:
        for question in app.bank.questions():
            if reply.served_id and question.question in reply.text:
                return question
    return None


async def test_interview_of_three_questions_survives_a_restart(started: App, tmp_path):
    engine = build_engine(started)
    replies = await engine.handle(say("interview start 3"))
    assert "3 questions" in replies[0].text and replies[1].title == "Question 1 of 3"
    first = question_of(started, replies)
    # A partial answer: key points are missed, so one follow-up comes (from the bank).
    replies = await engine.handle(say(first.key_points[0]))
    assert "Score:" in replies[0].text
    follow_up = replies[1]
    assert follow_up.title == "Follow-up" and follow_up.text == first.follow_ups[0]
    replies = await engine.handle(say(" ".join(first.key_points[1:])))
    assert replies[-1].title == "Question 2 of 3"
    second = question_of(started, replies)

    restarted = build_engine(started, seed=99)  # a new engine on the same database
    replies = await restarted.handle(say(" ".join(second.key_points)))
    assert "Score:" in replies[0].text
    if replies[-1].title == "Follow-up":
        replies = await restarted.handle(say("I would add an example from production."))
    assert replies[-1].title == "Question 3 of 3"
    third = question_of(started, replies)
    replies = await restarted.handle(say(" ".join(third.key_points)))
    if replies[-1].title == "Follow-up":
        replies = await restarted.handle(say("Nothing more to add."))
    card = replies[-1]
    assert card.title == "Interview scorecard"
    assert re.search(r"verdict: (below|meets|exceeds) the bar", card.text)
    strengths = card.text.split("Strengths:")[1].split("To improve:")[0]
    improvements = card.text.split("To improve:")[1]
    assert strengths.count("  + ") >= 3 and improvements.count("  - ") >= 2
    for question in (first, second, third):
        assert f"#{question.number} {question.topic}:" in card.text
    user = await started.repository.user("global", "ada")
    async with started.repository._session() as session:
        from sqlalchemy import select

        from bot.storage.models import Interview

        stored = (await session.scalars(select(Interview))).one()
    assert stored.status == "finished" and stored.scorecard["verdict"] in {
        "below",
        "meets",
        "exceeds",
    }
    assert stored.user_id == user.id


async def test_interviews_run_in_direct_messages_only(started: App):
    engine = build_engine(started)
    (reply,) = await engine.handle(say("interview start", is_dm=False, channel="general"))
    assert "direct message" in reply.text
    await engine.handle(say("interview start 2"))
    stopped, _nothing_answered = await engine.handle(say("interview stop"))
    assert "Interview stopped" in stopped.text


async def test_daily_question_is_claimed_once_and_graded_in_its_thread(started: App):
    engine = build_engine(started)
    prompt = await post_daily(engine.context, "global", "C1", "2026-11-28")
    assert prompt is not None and "Reply in this question's thread" in prompt.replies[0].text
    assert await post_daily(engine.context, "global", "C1", "2026-11-28") is None  # already claimed
    await started.repository.daily_posted(prompt.post_id, "m1", "T1")
    question = next(q for q in started.bank.questions() if q.question in prompt.replies[0].text)
    await started.repository.set_channel_config("global", "C1", grade_delivery="ephemeral")
    answer = " ".join(question.key_points)
    for user in ("ada", "bob"):
        (grade,) = await engine.handle(
            say(answer, user=user, channel="C1", thread="T1", is_dm=False)
        )
        assert "Score:" in grade.text and grade.visibility == "ephemeral"
    (again,) = await engine.handle(say(answer, channel="C1", thread="T1", is_dm=False))
    assert "already answered" in again.text


async def test_answer_form_submits_through_the_answer_action(started: App):
    engine = build_engine(started)
    (question_reply,) = await engine.handle(say("next"))
    question = question_of(started, [question_reply])
    action = next(b.action for b in question_reply.buttons if b.action.startswith("answer:"))
    (grade,) = await engine.handle(say(" ".join(question.key_points), action=action))
    assert "Score:" in grade.text
    (again,) = await engine.handle(say("late resubmission", action=action))
    assert "no longer open" in again.text


async def test_daily_configuration_is_for_admins_and_validated(started: App):
    engine = build_engine(started)
    where = {"channel": "C9", "is_dm": False}
    (refused,) = await engine.handle(say("daily set time=08:30", **where))
    assert "Only admins" in refused.text
    (bad,) = await engine.handle(say("daily set tz=Mars/Olympus", is_admin=True, **where))
    assert "not an IANA time zone" in bad.text
    (ok,) = await engine.handle(
        say(
            "daily set time=08:30 tz=Europe/Berlin days=mon,fri delivery=dm topics=rag",
            is_admin=True,
            **where,
        )
    )
    assert "Daily question: on" in ok.text and "08:30 (Europe/Berlin), on mon,fri" in ok.text
    config = await started.repository.channel_config("global", "C9")
    assert config.grade_delivery == "dm" and config.daily["weekdays"] == ["mon", "fri"]
