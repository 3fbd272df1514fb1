"""Terminal escape sequences are refused as answers; the question stays open."""

import pytest

from bot.app import App
from bot.engine.events import Incoming


def say(text: str) -> Incoming:
    return Incoming(text=text, user="ada", user_name="Ada")


@pytest.mark.parametrize(
    "answer",
    [
        "\x1b[2J",  # clear the screen: all that is left after stripping is "[2J"
        "Dropout \x1b[31mzeroes\x1b[0m attention weights after the softmax during training.",
        "\x1b]0;pwned\x07Dropout zeroes attention weights after the softmax.",  # a window title
        "\x9b2J Dropout zeroes attention weights after the softmax.",  # the one-byte CSI
    ],
)
async def test_escape_sequences_are_refused_with_a_clear_message(engine, started: App, answer):
    await engine.handle(say("next"))
    (reply,) = await engine.handle(say(answer))
    assert "terminal escape codes" in reply.text and "plain text" in reply.text
    user = await started.repository.user("global", "ada")
    assert await started.repository.attempts("global", user.id) == []  # nothing was graded
    (skipped,) = await engine.handle(say("skip"))
    assert "Skipped" in skipped.text  # the question was still open


async def test_a_stray_control_character_is_still_dropped_not_refused(engine, started: App):
    await engine.handle(say("next"))
    (reply,) = await engine.handle(say("\x07Dropout zeroes attention weights during training."))
    assert "Score:" in reply.text


async def test_the_language_reply_names_the_language(engine):
    (english,) = await engine.handle(say("language en"))
    assert english.text == "I'll reply in English from now on."
    (french,) = await engine.handle(say("language fr"))
    assert french.text == "Je te répondrai désormais en français."
    (german,) = await engine.handle(say("language de"))
    assert german.text == "Ich antworte dir ab jetzt auf Deutsch."
