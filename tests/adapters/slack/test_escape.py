"""User text in Slack replies: styling marks it typed show as typed."""

from bot.adapters.slack.blocks import render
from bot.adapters.slack.escape import inert, inert_echoes
from bot.engine.events import Reply


def test_marks_that_could_style_are_swapped_for_look_alikes() -> None:
    assert inert("*bold* _it_ ~gone~ `code`") == "∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ"
    assert inert("top_p and a*b") == "top_p and a*b"  # inside a word nothing is styled
    assert inert("plain text") == "plain text"


def test_only_what_repeats_the_users_marked_up_words_changes() -> None:
    said = "I think *attention* is ~all~ you need"
    feedback = 'You said "*attention* is ~all~", but see `help` and *Your grade*.'
    shown = inert_echoes(feedback, said)
    assert '"∗attention∗ is ∼all∼",' in shown
    assert "`help`" in shown and "*Your grade*" in shown  # the bot's own marks stay
    assert inert_echoes(feedback, "no marks here") == feedback
    assert inert_echoes(feedback, "") == feedback


def test_a_replys_untrusted_pieces_render_unstyled_wherever_it_is_sent() -> None:
    """A reply's `quoted` pieces (a model's words) are inert even with no user message to compare
    them with (a push); the reply's own marks stay."""
    feedback = "You wrote *all of it* and ```code"
    reply = Reply(f"`next` for more.\n{feedback}", quoted=(feedback,))
    (message,) = render(reply)
    shown = "\n".join(block["text"]["text"] for block in message.blocks)
    assert "\u2217all of it\u2217" in shown and "\u02cb\u02cb\u02cbcode" in shown
    assert shown.startswith("`next`")
