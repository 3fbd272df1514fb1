"""The engine through its API: practice, hints, reveal, no repeats, bad input, concurrency."""

import asyncio
import re

from sqlalchemy import select

from bot.app import App
from bot.engine.events import Attachment, Incoming
from bot.storage.models import Attempt
from tests.engine.conftest import build_engine


def say(text: str, user: str = "ada", **extra) -> Incoming:
    return Incoming(text=text, user=user, user_name=user.title(), **extra)


def asked(app: App, reply) -> object:
    return next(q for q in app.bank.questions() if q.question in reply.text)


def good_answer(question) -> str:
    return " ".join(question.key_points)


async def test_practice_answer_is_scored_with_covered_and_missed_points(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    assert question_reply.served_id and any(
        b.action.startswith("hint:") for b in question_reply.buttons
    )
    (grade,) = await engine.handle(say(good_answer(question)))
    score = float(re.search(r"Score: ([\d.]+)/10", grade.text).group(1))
    assert score >= 6 and grade.score == score
    assert "Covered:" in grade.text and "✓" in grade.text
    actions = {b.action.split(":")[0] for b in grade.buttons}
    assert {"reveal", "next", "vote"} <= actions
    (stats,) = await engine.handle(say("stats"))
    assert "Answers graded: 1" in stats.text and question.topic in stats.text
    (after,) = await engine.handle(say("one more message"))
    assert "No question is open" in after.text


async def test_hints_are_progressive_and_lower_the_attainable_score(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    (first,) = await engine.handle(say("hint"))
    (second,) = await engine.handle(say("hint"))
    (third,) = await engine.handle(say("hint"))
    assert "think about" in first.text and "at most 8/10" in first.text
    assert question.key_points[0][1:20] in second.text and "at most 6/10" in second.text
    assert "No more hints" in third.text
    (grade,) = await engine.handle(say(good_answer(question)))
    score = float(re.search(r"Score: ([\d.]+)/10", grade.text).group(1))
    assert score <= 6 and "(at most 6/10 after hints)" in grade.text


async def test_reveal_shows_the_reference_and_records_the_attempt(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    (reveal,) = await engine.handle(say("reveal"))
    assert question.reference.strip() in reveal.text
    attempts = await started.repository.attempts(
        "global", (await started.repository.user("global", "ada")).id
    )
    assert [a.status for a in attempts] == ["revealed"]
    (after,) = await engine.handle(say("hint"))
    assert "No question is open" in after.text


async def test_buttons_work_by_their_stable_ids(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    hint = next(b for b in question_reply.buttons if b.action.startswith("hint:"))
    (reply,) = await engine.handle(say("", action=hint.action))
    assert "Hint" in reply.text
    (other,) = await engine.handle(say("", user="bob", action=hint.action))
    assert "someone else" in other.text
    (skipped,) = await engine.handle(say("", action=hint.action.replace("hint", "skip")))
    assert "Skipped" in skipped.text


async def test_no_question_repeats_until_the_filtered_set_is_used_up(engine, started):
    classical = {q.id for q in started.bank.questions() if q.topic == "classical-nlp"}
    seen = []
    for _ in range(len(classical)):
        (reply,) = await engine.handle(say("next classical"))
        seen.append(asked(started, reply).id)
        await engine.handle(say("skip"))
    assert sorted(seen) == sorted(classical)
    everything = []
    for _ in range(50):
        (reply,) = await engine.handle(say("next", user="cy"))
        everything.append(asked(started, reply).id)
    assert len(set(everything)) == 50


async def test_bad_answers_get_a_clear_message_and_keep_the_question_open(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    for text, expected in [
        ("   \t ", "empty"),
        ("\u200b\u200c\u2060", "no readable text"),
        ("\x00\x07\x1b", "no readable text"),
        ("?!... ---", "no words"),
        ("x" * 4001, "the limit is 4,000"),
    ]:
        (reply,) = await engine.handle(say(text))
        assert expected in reply.text, text
    (grade,) = await engine.handle(say("\x07" + good_answer(question) + "\u200b"))
    assert "Score:" in grade.text
    user = await started.repository.user("global", "ada")
    (attempt,) = await started.repository.attempts("global", user.id)
    assert "\x07" not in attempt.answer and "\u200b" not in attempt.answer


async def test_mentions_in_an_answer_are_graded_as_plain_text(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    (grade,) = await engine.handle(say("@everyone <@123> " + good_answer(question)))
    assert "Score:" in grade.text


async def test_two_answers_at_once_grade_only_one(engine, started):
    (question_reply,) = await engine.handle(say("next"))
    question = asked(started, question_reply)
    first, second = await asyncio.gather(
        engine.handle(say(good_answer(question))), engine.handle(say("a second, different answer"))
    )
    texts = [first[0].text, second[0].text]
    assert sum("Score:" in t for t in texts) == 1
    async with started.repository._session() as session:
        graded = (await session.scalars(select(Attempt))).all()
    assert len(graded) == 1


async def test_two_engines_on_one_database_never_double_grade(started):
    one, two = build_engine(started, 1), build_engine(started, 2)
    (question_reply,) = await one.handle(say("next"))
    question = asked(started, question_reply)
    results = await asyncio.gather(
        one.handle(say(good_answer(question))), two.handle(say(good_answer(question)))
    )
    assert sum("Score:" in r[0].text for r in results) == 1


async def test_ask_answers_from_the_bank_or_says_nothing_is_close(engine):
    (found,) = await engine.handle(say("ask what is attention dropout"))
    assert "attention dropout" in found.text.lower()
    (nothing,) = await engine.handle(say("ask recipe for banana bread with walnuts"))
    assert "Nothing in the question bank is close" in nothing.text


async def test_answer_that_starts_like_a_command_is_still_an_answer(engine, started):
    await engine.handle(say("next"))
    (reply,) = await engine.handle(say("next token prediction trains the model on shifted text"))
    assert "Score:" in reply.text


async def test_votes_and_appeals_are_exported_for_admins(engine, started, tmp_path, capsys):
    (question_reply,) = await engine.handle(say("next"))
    (grade,) = await engine.handle(say(good_answer(asked(started, question_reply))))
    vote = next(b for b in grade.buttons if b.action.startswith("vote:down:"))
    (thanks,) = await engine.handle(say("", action=vote.action))
    assert "feedback on the grade is recorded" in thanks.text
    (appeal,) = await engine.handle(say("appeal I covered the rescaling point"))
    assert "recorded for the admins" in appeal.text
    (row,) = await started.repository.feedback_rows()
    assert row.votes == -1 and row.appeal == "I covered the rescaling point"


async def test_bank_import_is_for_admins_and_reports_what_was_parsed(engine, started):
    bank = b"### 1) What is a tokenizer?\n\n**Answer:** It splits text into tokens. It maps them.\n"
    attachment = (Attachment("team.md", bank),)
    (refused,) = await engine.handle(say("bank import", tenant="t1", attachments=attachment))
    assert "Only admins" in refused.text
    (report,) = await engine.handle(
        say("bank import", tenant="t1", attachments=attachment, is_admin=True)
    )
    assert "team.md: 1 questions imported" in report.text
    assert any(q.question == "What is a tokenizer?" for q in started.bank.questions("t1"))


async def test_language_command_switches_the_reply_language(engine):
    (reply,) = await engine.handle(say("language xx"))
    assert "I don't speak xx" in reply.text
    (reply,) = await engine.handle(say("language es"))
    assert "es" in reply.text


async def test_reply_language_follows_two_messages_and_an_explicit_choice(started):
    engine = build_engine(started)
    engine.context.detector = started.language_detector  # the detector the App wires in
    spanish = "Hola, quiero practicar preguntas sobre embeddings y fine-tuning de modelos grandes"
    await engine.handle(say(spanish, user="eva"))
    user = await started.repository.user("global", "eva")
    assert user.language_state.get("detected") is None  # one message is not enough
    await engine.handle(
        say("Me interesa sobre todo la atención y los transformers hoy", user="eva")
    )
    user = await started.repository.user("global", "eva")
    assert user.language_state["detected"] == "es"
    await engine.handle(say("language fr", user="eva"))
    user = await started.repository.user("global", "eva")
    assert user.language_state["explicit"] == "fr"


async def test_hint_from_the_channel_finds_the_question_in_its_thread(engine, started):
    where = {"channel": "general", "is_dm": False}
    (question,) = await engine.handle(say("next", **where))
    await engine.attach_thread(question.served_id, "thread-1")
    (hint,) = await engine.handle(say("hint", **where))
    assert "Hint" in hint.text


async def test_questions_and_rubric_follow_the_users_language(engine, started):
    await engine.handle(say("language es"))
    (question_reply,) = await engine.handle(say("next"))
    english = next(
        q
        for q in started.bank.questions()
        if started.bank.translations.localize(q, "es").question in question_reply.text
    )
    spanish = started.bank.translations.localize(english, "es")
    assert english.question not in question_reply.text
    (grade,) = await engine.handle(say(" ".join(spanish.key_points)))
    assert "✓ " + spanish.key_points[0] in grade.text or "✗ " + spanish.key_points[0] in grade.text
    (reveal,) = await engine.handle(say("reveal"))
    assert spanish.reference.strip()[:40] in reveal.text
