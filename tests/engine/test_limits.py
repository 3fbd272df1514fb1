"""Rate limits, the LLM token budget, `forget me` and answer retention."""

from datetime import datetime, timedelta

from bot.app import App
from bot.engine.events import Incoming
from bot.engine.ratelimit import MemoryRateLimiter
from tests.engine.conftest import app_with_llm, build_engine
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM


def say(text: str, user: str = "ada", **extra) -> Incoming:
    return Incoming(text=text, user=user, **extra)


def answer_for(app: App, reply) -> str:
    question = next(q for q in app.bank.questions() if q.question in reply.text)
    return " ".join(question.key_points)


async def test_graded_answers_are_rate_limited_and_the_question_stays_open(started: App):
    engine = build_engine(started)
    engine._limiter = MemoryRateLimiter(limit=1)
    (question,) = await engine.handle(say("next"))
    await engine.handle(say(answer_for(started, question)))
    (question,) = await engine.handle(say("next"))
    (limited,) = await engine.handle(say(answer_for(started, question)))
    assert "answering very fast" in limited.text
    (hint,) = await engine.handle(say("hint"))
    assert "Hint" in hint.text  # still open


async def test_over_budget_tenants_are_graded_offline_and_told(ingested_app: App):
    async with ScriptedLLM(responder=grader_responders.honest) as llm:
        app = await app_with_llm(ingested_app, llm.base_url, llm_daily_token_budget=1)
        engine = build_engine(app)
        (question,) = await engine.handle(say("next"))
        await engine.handle(say(answer_for(app, question)))  # uses the budget
        (question,) = await engine.handle(say("next"))
        (grade,) = await engine.handle(say(answer_for(app, question)))
        usage = await app.repository.usage()
        await app.aclose()
    assert len(llm.requests) == 1
    assert "budget" in grade.text and "graded offline" in grade.text
    assert usage and usage[0][0] == "global" and usage[0][2] > 0


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


async def test_forget_me_also_removes_the_answer_text_from_the_redis_verdict_cache(
    ingested_app: App, redis_server
):
    from tests.grading.test_cache import redis_text

    async with ScriptedLLM(responder=grader_responders.honest) as llm:
        app = await app_with_llm(ingested_app, llm.base_url, redis_url=redis_server.url)
        try:
            engine = build_engine(app)
            (question,) = await engine.handle(say("next", tenant="slack:T1"))
            answer = answer_for(app, question)
            (grade,) = await engine.handle(say(answer, tenant="slack:T1"))
            assert "Score" in grade.text
            stored = await redis_text(redis_server.url)
            quoted = [part for part in answer.split(". ") if part and part in stored]
            assert quoted  # the cached verdict quotes the answer
            await engine.handle(say("forget me", tenant="slack:T1"))
            left = await redis_text(redis_server.url)
        finally:
            await app.aclose()
    assert not [part for part in quoted if part in left]
