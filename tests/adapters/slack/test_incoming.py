"""Slack payloads to `Incoming` and reply places: pure functions, no Slack and no engine."""

from bot.adapters.slack import incoming
from bot.adapters.slack.profiles import Profile

WHO = Profile(locale="es-ES", name="Ada", is_admin=False)
BOT = "U0BOT"


def reply(**fields) -> dict:
    return {"user": "U1", "channel": "C1", "ts": "2.0", "thread_ts": "1.0", "text": "x"} | fields


def test_only_replies_in_the_bots_threads_and_dms_are_for_the_bot() -> None:
    assert incoming.message_for_bot(reply(parent_user_id=BOT), BOT)
    assert incoming.message_for_bot({"user": "U1", "channel": "D1", "text": "hola"}, BOT)
    assert not incoming.message_for_bot(reply(parent_user_id="U2"), BOT)  # someone else's thread
    assert not incoming.message_for_bot(reply(thread_ts=None), BOT)  # channel chatter
    assert not incoming.message_for_bot(reply(text=f"<@{BOT}> next"), BOT)  # the mention's event
    assert not incoming.message_for_bot(reply(bot_id="B1"), BOT)
    assert not incoming.message_for_bot(reply(subtype="message_changed"), BOT)


def test_a_thread_reply_is_an_answer_in_that_thread_with_the_users_profile() -> None:
    turn, place = incoming.from_message("T1", WHO, reply(text="&lt;b&gt; tokens"))
    assert (turn.tenant, turn.thread, turn.text) == ("slack:T1", "1.0", "<b> tokens")
    assert turn.locale == "es-ES" and turn.user_name == "Ada"
    assert not turn.is_dm and place.thread == "1.0"


def test_a_mention_loses_the_bots_name_and_a_top_level_one_opens_a_thread() -> None:
    event = {"user": "U1", "channel": "C1", "ts": "5.0", "text": f"<@{BOT}|interview> next"}
    turn, place = incoming.from_mention("T1", WHO, event, BOT)
    assert turn.text == "next" and turn.thread is None
    assert place.thread == "5.0" and place.opens_threads


def test_a_click_in_app_home_has_no_channel_so_replies_go_to_the_dm() -> None:
    body = {"user": {"id": "U1"}, "container": {"type": "view", "view_id": "V1"}}
    assert incoming.action_spot(body) == (None, None, None)


def test_answer_buttons_open_the_form_and_other_buttons_are_turns() -> None:
    form = incoming.answer_form("answer:12", "C1", None, "9.0")
    assert form is not None
    assert (form.served_id, form.reply_thread, form.thread) == (12, "9.0", None)
    assert incoming.answer_form("hint:12", "C1", None, "9.0") is None
    body = {"user": {"id": "U1"}, "response_url": "https://hooks.example/1"}
    turn, place = incoming.from_action("T1", WHO, body, "hint:12", ("C1", "1.0", "9.0"))
    assert (turn.action, turn.thread, place.thread) == ("hint:12", "1.0", "1.0")
    assert place.response_url == "https://hooks.example/1"


def test_only_an_admin_in_a_channel_gets_the_daily_settings_form() -> None:
    command = {"user_id": "U1", "channel_id": "C1", "text": " daily ", "trigger_id": "tr"}
    admin = Profile(is_admin=True)
    assert incoming.opens_daily_form(command, admin)
    assert not incoming.opens_daily_form(command, WHO)
    assert not incoming.opens_daily_form(command | {"channel_id": "D1"}, admin)
    turn, place = incoming.from_command("T1", WHO, command | {"text": ""})
    assert turn.text == "help" and turn.command and place.opens_threads
