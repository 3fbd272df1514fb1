"""User text in Slack replies: styling marks it typed show as typed."""

from bot.adapters.slack.escape import inert, inert_echoes


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
