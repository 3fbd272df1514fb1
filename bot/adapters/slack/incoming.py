"""Slack payloads to the engine's `Incoming`, and where its replies go: pure functions.

Nothing here talks to Slack or to the engine. Each function takes a payload the listeners have
already checked (`slack/payloads.py`) and the user's `Profile` (`slack/middleware.py`), and returns
what the engine is handed plus the `Place` the replies are posted in.
"""

import re
from typing import Any

from bot.adapters.slack.delivery import Place
from bot.adapters.slack.escape import unescape
from bot.adapters.slack.profiles import Profile
from bot.adapters.slack.views import AnswerPlace
from bot.engine.events import Attachment, Incoming

TENANT_PREFIX = "slack:"
MESSAGE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
FORM_BUTTONS = ("answer", "daily")  # buttons that open the answer form instead of a turn

Turn = tuple[Incoming, Place]


def tenant_of(team: str) -> str:
    return TENANT_PREFIX + team


def is_dm_channel(channel: str) -> bool:
    return channel.startswith("D")


def incoming(
    team: str,
    who: Profile,
    user: str,
    channel: str,
    text: str,
    *,
    is_dm: bool,
    thread: str | None = None,
    action: str | None = None,
    command: bool = False,
    attachments: tuple[Attachment, ...] = (),
) -> Incoming:
    return Incoming(
        text=text,
        user=user,
        channel=channel,
        tenant=tenant_of(team),
        thread=thread,
        locale=who.locale,
        user_name=who.name,
        is_dm=is_dm,
        is_admin=who.is_admin,
        action=action,
        command=command,
        attachments=attachments,
    )


# ---- slash commands


def command_text(command: dict[str, Any]) -> str:
    return unescape(command.get("text") or "").strip() or "help"


def opens_daily_form(command: dict[str, Any], who: Profile) -> bool:
    """`/interview daily` from an admin in a channel opens the settings form (not a turn)."""
    return (
        command_text(command).lower() == "daily"
        and who.is_admin
        and not is_dm_channel(command["channel_id"])
        and bool(command.get("trigger_id"))
    )


def from_command(team: str, who: Profile, command: dict[str, Any]) -> Turn:
    user, channel = command["user_id"], command["channel_id"]
    is_dm = is_dm_channel(channel)
    place = Place(
        channel=channel,
        user=user,
        is_dm=is_dm,
        opens_threads=not is_dm,
        response_url=command.get("response_url"),
    )
    text = command_text(command)
    return incoming(team, who, user, channel, text, is_dm=is_dm, command=True), place


# ---- messages and mentions


def message_is_dm(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" or is_dm_channel(event["channel"])


def message_for_bot(event: dict[str, Any], bot_user: str | None) -> bool:
    """A message the bot answers: a person's DM, or their reply in a thread the bot started that
    doesn't mention the bot (the `app_mention` event carries that one)."""
    if event.get("subtype") not in MESSAGE_SUBTYPES or not event.get("user"):
        return False
    if event.get("bot_id"):
        return False
    if message_is_dm(event):
        return True
    thread, text = event.get("thread_ts"), event.get("text") or ""
    if not thread or thread == event.get("ts"):
        return False  # channel chatter: only replies in threads can be answers
    parent = event.get("parent_user_id")
    if parent and bot_user and parent != bot_user:
        return False  # a thread the bot didn't start
    return not (bot_user and f"<@{bot_user}" in text)


def message_place(event: dict[str, Any]) -> Place:
    return Place(
        channel=event["channel"],
        user=event["user"],
        thread=event.get("thread_ts"),
        is_dm=message_is_dm(event),
    )


def from_message(
    team: str, who: Profile, event: dict[str, Any], attachments: tuple[Attachment, ...] = ()
) -> Turn:
    place = message_place(event)
    text = unescape(event.get("text") or "")
    thread = None if place.is_dm else place.thread
    turn = incoming(
        team,
        who,
        place.user,
        place.channel,
        text,
        is_dm=place.is_dm,
        thread=thread,
        attachments=attachments,
    )
    return turn, place


def without_mention(text: str, bot_user: str | None) -> str:
    if bot_user:
        text = re.sub(rf"<@{re.escape(bot_user)}(\|[^<>]*)?>", " ", text)
    return text


def from_mention(team: str, who: Profile, event: dict[str, Any], bot_user: str | None) -> Turn:
    user, channel = event["user"], event["channel"]
    thread = event.get("thread_ts")
    text = unescape(without_mention(event.get("text") or "", bot_user)).strip()
    place = Place(
        channel=channel,
        user=user,
        thread=thread or event.get("ts"),
        opens_threads=thread is None,
    )
    return incoming(team, who, user, channel, text, is_dm=False, thread=thread), place


# ---- buttons and forms


def action_spot(body: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The channel, thread and message a button was clicked in; no channel for App Home (its
    replies go to the user's DM)."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    if container.get("type") == "view" or not channel:
        return None, None, None
    return channel, thread, container.get("message_ts")


def answer_form(
    action_id: str, channel: str, message_thread: str | None, message_ts: str | None
) -> AnswerPlace | None:
    """Where an answer typed in the form opened by an `answer:<id>`/`daily:<id>` button goes;
    None for any other button."""
    name, _, served = action_id.partition(":")
    if name not in FORM_BUTTONS or not served.isdigit():
        return None
    is_dm = is_dm_channel(channel)
    thread = None if is_dm else message_thread
    reply_thread = message_thread if is_dm else message_thread or message_ts
    return AnswerPlace(int(served), channel, thread, reply_thread, is_dm, name)


def from_action(
    team: str,
    who: Profile,
    body: dict[str, Any],
    action_id: str,
    spot: tuple[str, str | None, str | None],
) -> Turn:
    channel, message_thread, message_ts = spot
    user = body["user"]["id"]
    is_dm = is_dm_channel(channel)
    thread = None if is_dm else message_thread
    place = Place(
        channel=channel,
        user=user,
        thread=message_thread if is_dm else message_thread or message_ts,
        is_dm=is_dm,
        opens_threads=not is_dm and thread is None,
        response_url=body.get("response_url"),
    )
    turn = incoming(team, who, user, channel, "", is_dm=is_dm, thread=thread, action=action_id)
    return turn, place


def from_answer_form(team: str, who: Profile, user: str, answer: AnswerPlace, text: str) -> Turn:
    place = Place(
        channel=answer.channel,
        user=user,
        thread=answer.reply_thread,
        is_dm=answer.is_dm,
        opens_threads=not answer.is_dm and answer.thread is None,
    )
    turn = incoming(
        team,
        who,
        user,
        answer.channel,
        text,
        is_dm=answer.is_dm,
        thread=answer.thread,
        action=answer.action,
    )
    return turn, place


def from_daily_form(team: str, who: Profile, user: str, channel: str, text: str) -> Turn:
    place = Place(channel=channel, user=user, opens_threads=True)
    return incoming(team, who, user, channel, text, is_dm=False, command=True), place
