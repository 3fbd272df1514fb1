"""Inside a mock interview, `next`, `skip`, `reveal` and the cards' buttons move through the
interview, never out of it; `interview stop` gives a scorecard of what was answered."""

from bot.engine.engine import ConversationEngine
from bot.engine.events import Incoming, Reply


def say(text: str, user: str = "ada") -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title())


def press(action: str, user: str = "ada") -> Incoming:
    return Incoming(text="", user=user, user_name=user.title(), action=action)


def titles(replies: list[Reply]) -> list[str | None]:
    return [reply.title for reply in replies]


def button(reply: Reply, label: str) -> str:
    return next(b.action for b in reply.buttons if b.label == label)


async def _partial_answer(engine: ConversationEngine, replies: list[Reply]) -> list[Reply]:
    """Answers the question just asked with one key point: a follow-up comes (from the bank)."""
    served = await engine.repository.served(replies[-1].served_id)
    question = engine.context.question("global", served.question_id)
    return await engine.handle(say(question.key_points[0]))


async def test_next_skip_and_buttons_stay_inside_the_interview(fake_engine: ConversationEngine):
    engine = fake_engine
    replies = await engine.handle(say("interview start 3"))
    assert titles(replies)[-1] == "Question 1 of 3"
    graded = await _partial_answer(engine, replies)
    assert titles(graded) == ["Your grade", "Follow-up"]
    # "Next question" on the grade card, while the follow-up is open: question 2, not practice.
    replies = await engine.handle(press(button(graded[0], "Next question")))
    assert titles(replies) == ["Question 2 of 3"]
    # The same button again: the interview has moved on, nothing changes.
    (again,) = await engine.handle(press(button(graded[0], "Next question")))
    assert "already moved on: you are at question 2 of 3" in again.text
    graded = await _partial_answer(engine, replies)
    assert titles(graded)[-1] == "Follow-up"
    # `skip` on a follow-up goes on in the interview.
    replies = await engine.handle(say("skip"))
    assert replies[0].text == "Skipped." and titles(replies)[-1] == "Question 3 of 3"
    # `next` on a question skips it, like the card's Skip button: the interview ends.
    replies = await engine.handle(say("next"))
    assert titles(replies) == ["Interview scorecard"]
    card = replies[0].text
    assert card.count("/10") >= 3 and "verdict:" in card
    (after,) = await engine.handle(say("next"))
    assert titles([after])[0].startswith("Question ") and " of " not in after.title  # practice


async def test_a_follow_up_answered_i_dont_know_shows_its_grade(fake_engine: ConversationEngine):
    engine = fake_engine
    replies = await engine.handle(say("interview start 2"))
    graded = await _partial_answer(engine, replies)
    assert titles(graded)[-1] == "Follow-up"
    replies = await engine.handle(say("I don't know."))
    assert titles(replies) == ["Your grade", "Question 2 of 2"]
    assert replies[0].text.startswith("Score: ")
    assert not any(b.label == "Next question" for b in replies[0].buttons)  # it's right below


async def test_reveal_in_an_interview_scores_zero_and_goes_on(fake_engine: ConversationEngine):
    engine = fake_engine
    replies = await engine.handle(say("interview start 2"))
    replies = await engine.handle(press(button(replies[-1], "Show reference")))
    assert titles(replies) == ["Reference answer", "Question 2 of 2"]
    assert replies[0].buttons == ()


async def test_interview_stop_gives_a_scorecard_of_what_was_answered(
    fake_engine: ConversationEngine,
):
    engine = fake_engine
    replies = await engine.handle(say("interview start 3"))
    graded = await _partial_answer(engine, replies)
    assert titles(graded)[-1] == "Follow-up"
    replies = await engine.handle(press(button(graded[0], "Next question")))
    assert titles(replies) == ["Question 2 of 3"]
    stopped, card = await engine.handle(say("interview stop"))
    assert "Interview stopped" in stopped.text
    assert card.title == "Interview scorecard"
    assert [line for line in card.text.splitlines() if line.startswith("  #")] == [
        line for line in card.text.splitlines() if line.startswith("  #") and "/10" in line
    ]
    assert len([line for line in card.text.splitlines() if line.startswith("  #")]) == 1
    assert "You answered all" not in card.text

    await engine.handle(say("interview start 2"))
    stopped, nothing = await engine.handle(say("interview stop"))
    assert "nothing to score" in nothing.text
