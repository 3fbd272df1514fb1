import pytest

from bot.app import App
from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming


@pytest.fixture
def engine(ingested_app: App) -> ConversationEngine:
    return ConversationEngine(ingested_app.bank, seed=7)


def say(text: str, user: str = "ada") -> Incoming:
    return Incoming(text=text, user=user)


async def test_next_then_answer_shows_the_key_points(engine, ingested_app):
    (question,) = await engine.handle(say("next"))
    number = int(question.text.split()[1])
    asked = next(q for q in ingested_app.bank.questions() if q.number == number)
    assert asked.question in question.text
    (feedback,) = await engine.handle(say("Dropout zeroes attention weights at random."))
    assert all(point in feedback.text for point in asked.key_points)
    (again,) = await engine.handle(say("and another message"))
    assert "don't know that command" in again.text  # the question was closed by the answer


async def test_no_question_repeats_until_the_filtered_set_is_used_up(engine, ingested_app):
    classical = [q for q in ingested_app.bank.questions() if q.topic == "classical-nlp"]
    asked = []
    for _ in classical:
        (reply,) = await engine.handle(say("next classical"))
        asked.append(int(reply.text.split()[1]))
        await engine.handle(say("skip"))
    assert sorted(asked) == sorted(q.number for q in classical)


async def test_each_user_has_their_own_open_question(engine):
    await engine.handle(say("next", user="ada"))
    (reply,) = await engine.handle(say("reveal", user="bob"))
    assert "No question is open" in reply.text
    (reply,) = await engine.handle(say("reveal", user="ada"))
    assert reply.text.startswith("Reference answer:")


async def test_ask_answers_from_the_bank_or_says_nothing_is_close(engine):
    (reply,) = await engine.handle(say("ask how does causal masking work in a decoder"))
    assert "#39" in reply.text.splitlines()[1]
    (reply,) = await engine.handle(say("ask best sourdough hydration for pizza"))
    assert reply.text.startswith("Nothing in the bank is close")


async def test_empty_and_unknown_input_get_guidance(engine):
    assert "help" in (await engine.handle(say("   ")))[0].text
    assert "No questions on 'cooking'" in (await engine.handle(say("next cooking")))[0].text
