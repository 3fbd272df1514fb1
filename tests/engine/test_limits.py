"""Rate limits, the LLM token budget, `forget me` and answer retention."""

from datetime import datetime, timedelta

from bot.app import App
from bot.engine.events import Incoming
from bot.engine.ratelimit import MemoryRateLimiter
from bot.engine.validation import MAX_MESSAGE_CHARS
from tests.engine.conftest import build_engine


def say(text: str, user: str = "ada", **extra) -> Incoming:
    return Incoming(text=text, user=user, **extra)


def answer_for(app: App, reply) -> str:
    question = next(q for q in app.bank.questions() if q.question in reply.text)
    return " ".join(question.key_points)


async def test_graded_answers_are_rate_limited_and_the_question_stays_open(started: App):
    engine = build_engine(started)
    engine.context.limiter = MemoryRateLimiter(limit=1)
    (question,) = await engine.handle(say("next"))
    await engine.handle(say(answer_for(started, question)))
    (question,) = await engine.handle(say("next"))
    (limited,) = await engine.handle(say(answer_for(started, question)))
    assert "answering very fast" in limited.text
    (hint,) = await engine.handle(say("hint"))
    assert "Hint" in hint.text  # still open


async def test_forget_me_deletes_everything_about_the_user_in_that_tenant_only(started: App):
    engine = build_engine(started)
    for tenant in ("discord:1", "discord:2"):
        (question,) = await engine.handle(say("next", tenant=tenant))
        await engine.handle(say(answer_for(started, question), tenant=tenant))
    (bob_question,) = await engine.handle(say("next", user="bob", tenant="discord:1"))
    await engine.handle(say(answer_for(started, bob_question), user="bob", tenant="discord:1"))
    (done,) = await engine.handle(say("forget me", tenant="discord:1"))
    assert "deleted (1 answers)" in done.text and done.visibility == "ephemeral"
    (stats,) = await engine.handle(say("stats", tenant="discord:1"))
    assert "No graded answers yet" in stats.text
    # The same user id in another server is not touched by a `forget me` asked here.
    (elsewhere,) = await engine.handle(say("stats", tenant="discord:2"))
    assert "Answers graded: 1" in elsewhere.text
    (bob,) = await engine.handle(say("stats", user="bob", tenant="discord:1"))
    assert "Answers graded: 1" in bob.text


async def test_retention_purges_old_answer_texts_but_keeps_scores(started: App):
    engine = build_engine(started)
    (question,) = await engine.handle(say("next"))
    await engine.handle(say(answer_for(started, question)))
    purged = await started.repository.purge_answers(datetime.utcnow() + timedelta(days=1))
    user = await started.repository.user("global", "ada")
    (attempt,) = await started.repository.attempts("global", user.id)
    assert purged == 1 and attempt.answer == "" and attempt.score is not None


async def test_a_message_over_the_limit_is_refused_before_anything_reads_it(started: App):
    engine = build_engine(started)
    engine.context.detector = started.language_detector
    spanish = "La atención pondera cada palabra según su relevancia para la consulta. " * 70
    assert len(spanish) > MAX_MESSAGE_CHARS
    (refusal,) = await engine.handle(say(spanish))  # no question open: not an answer either
    assert f"{len(spanish):,} characters long; the limit is 4,000" in refusal.text
    user = await started.repository.user("global", "ada")
    assert user.language_state in (None, {})  # detection never ran on it
    (asked,) = await engine.handle(say("ask " + "what is attention " * 300))
    assert "characters long; the limit is 4,000" in asked.text
    await engine.handle(say("next"))
    (refused,) = await engine.handle(say("x" * 1_000_000))
    assert "1,000,000 characters long" in refused.text
    (hint,) = await engine.handle(say("hint"))
    assert "Hint" in hint.text  # the question stays open


async def test_odd_button_ids_are_refused_not_crashed(started: App):
    engine = build_engine(started)
    await engine.handle(say("next"))
    for action in ("hint:²", "reveal:" + "9" * 5000, "skip:99999999999999999999", "hint:١٢"):
        (reply,) = await engine.handle(say("", action=action))
        assert reply.text == "That button is no longer valid."
    (hint,) = await engine.handle(say("hint"))
    assert "Hint" in hint.text
