"""A follow-up is graded against its own rubric, never the main question's key points: the
bank's points for it, points the LLM writes when one is configured, or the part of the reference
it is about. Graded by the real offline grader, so these run on the model."""

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.engine.events import Incoming, Reply
from tests.engine.conftest import app_with_llm, build_engine
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM

SOFT_TARGETS = (
    "Because dividing the logits by the temperature T makes the soft-target gradients about "
    "1/T^2 smaller, so multiplying the soft loss by T^2 restores their magnitude and keeps the "
    "balance with the hard-label cross-entropy term when you change T."
)
RECURRENCE = (
    "D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1, D[i-1][j-1] + (a_i != b_j)), with D[i][0] = i "
    "and D[0][j] = j. It takes O(m*n) time, and O(min(m, n)) memory if you keep only two rows."
)


@pytest.fixture
async def started(ingested_app: App) -> AsyncIterator[App]:
    await ingested_app.start()
    yield ingested_app
    await ingested_app.aclose()


def say(text: str) -> Incoming:
    return Incoming(text=text, user="ada", user_name="Ada")


def score_of(reply: Reply) -> float:
    return float(re.search(r"Score: ([\d.]+)/10", reply.text).group(1))


async def _follow_up_of(engine, topic: str, first_answer: str) -> list[Reply]:
    replies = await engine.handle(say(f"interview start 1 {topic}"))
    replies = await engine.handle(say(first_answer))
    assert replies[-1].title == "Follow-up"
    return replies


async def test_the_soft_target_follow_up_is_graded_on_its_own_points(started: App):
    engine = build_engine(started)
    question = started.bank.find("knowledge-distillation-llm")
    replies = await _follow_up_of(engine, "knowledge-distillation", question.key_points[0])
    assert replies[-1].text == "Why is the soft-target loss multiplied by T squared?"
    grade, card = await engine.handle(say(SOFT_TARGETS))
    assert score_of(grade) >= 7, grade.text
    assert not any(point in grade.text for point in question.key_points)  # not the main rubric
    assert card.title == "Interview scorecard"


async def test_a_correct_edit_distance_recurrence_scores_well(started: App):
    engine = build_engine(started)
    question = started.bank.find("edit-distance-metrics")
    replies = await _follow_up_of(engine, "edit-distance", question.key_points[0])
    assert replies[-1].text.startswith("Write the dynamic-programming recurrence")
    grade, _card = await engine.handle(say(RECURRENCE))
    # No points in the bank for this follow-up: the reference's recurrence and cost are its rubric.
    assert score_of(grade) >= 7, grade.text
    assert "Jaccard" not in grade.text and "Damerau" not in grade.text

    replies = await _follow_up_of(engine, "edit-distance", question.key_points[0])
    grade, _card = await engine.handle(say("I don't know."))
    assert score_of(grade) == 0 and "Missed:" in grade.text and "Wagner-Fischer" in grade.text


async def test_with_an_llm_the_follow_ups_rubric_is_written_by_it(ingested_app: App):
    written = [
        "Dividing logits by T shrinks soft-target gradients by 1/T^2.",
        "Multiplying by T^2 keeps the two loss terms balanced across temperatures.",
    ]

    def responder(body):
        prompt = body["messages"][-1]["content"]
        if "You write grading rubrics" in prompt:
            assert "<<<FOLLOW-UP-" in prompt and "Which of the missing points" in prompt
            return {"key_points": written}
        return grader_responders.honest(body)

    async with ScriptedLLM(responder=responder) as llm:
        app = await app_with_llm(ingested_app, llm.base_url)
        engine = build_engine(app)
        question = app.bank.find("knowledge-distillation-llm")
        replies = await _follow_up_of(engine, "knowledge-distillation", question.key_points[0])
        # The model wrote this follow-up, so its rubric comes from the model too.
        assert replies[-1].text == "Which of the missing points matters most in practice?"
        grade, _card = await engine.handle(say(SOFT_TARGETS))
        await app.aclose()
    asked = grader_responders.material(llm.requests[-1])
    assert asked[1] == written
    assert "Covered:" in grade.text and written[0] in grade.text
    assert not any(point in grade.text for point in question.key_points)


async def test_a_follow_ups_second_hint_names_its_own_point(started: App):
    engine = build_engine(started)
    question = started.bank.find("knowledge-distillation-llm")
    await _follow_up_of(engine, "knowledge-distillation", question.key_points[0])
    await engine.handle(say("hint"))
    (second,) = await engine.handle(say("hint"))
    assert "shrinks the soft-target gradients by about 1/T^2" in second.text
    assert "at most 6/10" in second.text
