"""A model's feedback that quotes the answer is shown as typed on Discord: a masked link stays
text, and an unclosed code fence opens no code block (the grade embed, the interview follow-up,
and a re-grade pushed later)."""

from __future__ import annotations

import re
from typing import Any

from bot.app import App
from tests.e2e import test_discord as kit
from tests.e2e.test_discord import (
    SCORE,
    assert_nobody_pinged,
    posts_until,
    practice,
    question_in,
    text_of,
)
from tests.fakes import grader_responders
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import ScriptedLLM

no_errors, fake, data_dir, make_app = kit.no_errors, kit.fake, kit.data_dir, kit.make_app

LINK = "[see the docs](https://evil.example/login)"
FENCE = "```python"
MARKED_UP = f"Per {LINK}, {FENCE} attention = softmax(QK^T) and then"
UNESCAPED_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(https?://")
UNESCAPED_FENCE = re.compile(r"(?<!\\)```")


def quoting_grader(body: dict[str, Any]) -> dict[str, Any]:
    """An honest grader whose feedback and follow-up quote the answer, as models often do."""
    verdict = grader_responders.honest(body)
    answer, _ = grader_responders.material(body)
    start = answer[: len(MARKED_UP)]
    verdict["feedback"] = f'You wrote "{start}" and then made the points clearly enough.'
    verdict["follow_up"] = f"What did you mean by {LINK} in your answer?"
    return verdict


def assert_shown_as_typed(text: str) -> None:
    assert "see the docs" in text and "evil.example/login" in text, text
    assert not UNESCAPED_LINK.search(text), text
    assert not UNESCAPED_FENCE.search(text), text


async def test_a_masked_link_and_a_stray_fence_in_feedback_render_as_text(
    make_app: Any, fake: FakeDiscord
) -> None:
    alice = fake.add_member("alice")["user"]
    async with ScriptedLLM(responder=quoting_grader) as llm:
        app: App = make_app(openai_base_url=llm.base_url)
        async with kit.running(app, fake):
            message, thread = await practice(fake, alice)
            question = question_in(app, message["content"])
            answer = f"{MARKED_UP} {' '.join(question.key_points)}"
            await fake.dispatch_message(thread["id"], alice, answer)
            grade = await fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")

    (embed,) = grade.json["embeds"]
    assert "You wrote" in embed["description"] and SCORE.search(embed["description"])
    assert_shown_as_typed(embed["description"])
    assert embed["description"].startswith("`█")  # the bot's own markdown (score bar) stays
    assert_nobody_pinged(fake)


async def test_a_follow_up_quoting_a_masked_link_renders_as_text(
    make_app: Any, fake: FakeDiscord
) -> None:
    alice = fake.add_member("alice")["user"]
    dm = fake.dm_channel(alice)
    async with ScriptedLLM(responder=quoting_grader) as llm:
        app: App = make_app(openai_base_url=llm.base_url)
        async with kit.running(app, fake):
            await fake.dispatch_message(dm["id"], alice, "interview start 2")
            dm_posts = rf"/channels/{dm['id']}/messages"
            asked = await posts_until(fake, dm_posts, lambda m: "Question 1 of 2" in text_of(m))
            question = question_in(app, asked[-1]["content"])
            await fake.dispatch_message(dm["id"], alice, f"{MARKED_UP} {question.key_points[0]}")
            sent = await posts_until(fake, dm_posts, lambda m: "Follow-up" in text_of(m))

    grade, follow_up = text_of(sent[-2]), text_of(sent[-1])
    assert SCORE.search(grade)
    assert "What did you mean by" in follow_up
    assert_shown_as_typed(grade)
    assert_shown_as_typed(follow_up)
