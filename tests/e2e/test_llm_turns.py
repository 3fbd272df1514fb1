"""Engine turns graded by the real grading stack: the offline grader on the embedding model, the
LLM (a fake OpenAI server on loopback), the verdict cache and the token budget.

These need the embedding model; the engine tests in tests/engine run without it.
"""

import asyncio
import json
import re

from bot.app import App
from bot.engine.events import Incoming
from bot.engine.notes import NOTES
from tests.engine.conftest import app_with_llm, build_engine
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM


def say(text: str, user: str = "ada", **extra) -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title(), **extra)


def question_of(app: App, replies):
    for reply in replies:
        for question in app.bank.questions():
            if reply.served_id and question.question in reply.text:
                return question
    return None


def answer_for(app: App, reply) -> str:
    question = next(q for q in app.bank.questions() if q.question in reply.text)
    return " ".join(question.key_points)


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
    assert usage and usage[0].tenant == "global" and usage[0].tokens > 0


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


async def test_provisional_grade_is_replaced_when_the_llm_recovers(ingested_app: App):
    async with ScriptedLLM(mode="500", responder=grader_responders.honest) as llm:
        app = await app_with_llm(
            ingested_app,
            llm.base_url,
            llm_retry_max_wait=0,
            llm_breaker_cooldown=0,
            regrade_retry_seconds=0.05,
        )
        engine = build_engine(app)
        notices = []

        async def notify(delivery, replies):
            notices.append((delivery, replies))

        engine.add_notifier(notify)
        replies = await engine.handle(say("next"))
        question = question_of(app, replies)
        (grade,) = await engine.handle(say(" ".join(question.key_points)))
        assert "may be updated" in grade.text
        llm.mode = "honest"
        await asyncio.wait_for(app.regrades.wait_idle(), 10)
        user = await app.repository.user("global", "ada")
        (attempt,) = await app.repository.attempts("global", user.id)
        await app.aclose()
    assert attempt.grader == "llm" and not attempt.provisional
    assert notices and "re-graded" in notices[0][1][0].text


async def test_appeal_with_an_llm_keeps_both_grades_and_counts_the_better_one(ingested_app: App):
    async with ScriptedLLM(responder=grader_responders.honest) as llm:
        app = await app_with_llm(ingested_app, llm.base_url)
        engine = build_engine(app)
        replies = await engine.handle(say("next"))
        question = question_of(app, replies)
        (grade,) = await engine.handle(say(question.key_points[0]))
        before = float(re.search(r"Score: ([\d.]+)/10", grade.text).group(1))

        def generous(body):
            verdict = grader_responders.honest(body)
            verdict.update(correctness=10, clarity=10)
            return verdict

        llm.responder = generous
        (appeal,) = await engine.handle(say("appeal my first sentence is exactly right"))
        rows = await app.repository.feedback_rows()
        await app.aclose()
    assert "agrees with you" in appeal.text
    (row,) = rows
    assert row.appeal_accepted and row.regrade_score > before
    assert row.score == row.regrade_score
    assert "<<<APPEAL-" in llm.requests[-1]["messages"][1]["content"]


async def test_a_missing_translation_is_made_once_by_the_llm_and_stored(ingested_app: App):
    def responder(body):
        prompt = body["messages"][-1]["content"]
        if "Translate this interview question" in prompt:
            entry = json.loads(prompt[prompt.index("{") :])
            return {
                "question": "[ko] " + entry["question"],
                "key_points": ["[ko] " + p for p in entry["key_points"]],
                "follow_ups": ["[ko] " + f for f in entry["follow_ups"]],
                "reference": "[ko] " + entry["reference"],
            }
        return grader_responders.honest(body)

    bank = (
        b"### 1) What is a tokenizer?\n\n**Answer:** It splits text into tokens. "
        b"It maps tokens to ids. It handles unknown words with subwords.\n"
    )
    async with ScriptedLLM(responder=responder) as llm:
        app = await app_with_llm(ingested_app, llm.base_url)
        await app.bank.import_file(bank, source="team.md", tenant="discord:9")
        engine = build_engine(app)
        where = {"tenant": "discord:9"}
        await engine.handle(say("language ko", **where))
        (question,) = await engine.handle(say("next general", **where))
        assert question.text.startswith("[ko] What is a tokenizer?")
        restarted = build_engine(app)
        (grade,) = await restarted.handle(say("It splits text into tokens and maps them.", **where))
        await app.aclose()
    translations = [b for b in llm.requests if "Translate this" in b["messages"][-1]["content"]]
    assert len(translations) == 1  # stored: the restarted engine read it from the database
    assert "[ko] " in grade.text


async def test_offline_grading_outside_english_says_the_score_is_rough(ingested_app: App):
    app = ingested_app
    await app.start()
    try:
        engine = build_engine(app)
        await engine.handle(say("language es"))
        (question_reply,) = await engine.handle(say("next"))
        spanish = next(
            app.bank.translations.localize(q, "es")
            for q in app.bank.questions()
            if app.bank.translations.localize(q, "es").question in question_reply.text
        )
        (grade,) = await engine.handle(say(" ".join(spanish.key_points)))
    finally:
        await app.aclose()
    assert engine.translator("es")(NOTES["offline_language_rough"]) in grade.text
