"""`daily`: admins configure a channel's daily question (time, time zone, weekdays, topics,
difficulty, language, where grades go)."""

import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.commands import Command
from bot.engine.context import Turn
from bot.engine.events import Reply
from bot.i18n.catalog import N_

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DELIVERIES = ("thread", "ephemeral", "dm")
DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "time": "09:00",
    "timezone": "UTC",
    "weekdays": list(WEEKDAYS[:5]),
    "topics": [],
    "difficulty": None,
    "summary_time": "09:00",
    "weekly": False,
}
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


async def command(turn: Turn, cmd: Command) -> list[Reply]:
    tr = turn.tr
    if not turn.incoming.is_admin:
        return [Reply(tr("Only admins can configure the daily question."), visibility="ephemeral")]
    if turn.incoming.is_dm:
        return [Reply(tr("Configure the daily question in the channel it should be posted to."))]
    repo = turn.ctx.repo
    tenant, channel = turn.incoming.tenant, turn.incoming.channel
    config = await repo.channel_config(tenant, channel)
    daily = {**DEFAULTS, **(config.daily if config else {})}
    delivery = config.grade_delivery if config else "thread"
    language = config.language if config else None
    words = list(cmd.args)
    action = words[0].lower() if words else "show"
    if action in {"on", "off"}:
        daily["enabled"] = action == "on"
        daily["paused"] = False
    elif action == "set":
        for item in words[1:]:
            key, _, value = item.partition("=")
            error = _apply(daily, key.lower(), value, turn.ctx.catalog.languages)
            if key.lower() == "delivery" and error is None:
                delivery = value.lower()
            elif key.lower() == "language" and error is None:
                language = value.lower()
            if error:
                return [Reply(tr(error, key=key, value=value), visibility="ephemeral")]
        daily["enabled"] = True
        daily["paused"] = False
    elif action != "show":
        return [Reply(tr(USAGE), visibility="ephemeral")]
    if action in {"on", "set"}:
        daily["admin"] = turn.incoming.user  # told if the channel keeps failing
    await repo.set_channel_config(
        tenant, channel, daily=daily, grade_delivery=delivery, language=language
    )
    return [Reply(describe(tr, daily, delivery, language), visibility="ephemeral")]


USAGE = N_(
    "Usage: daily [show | on | off | set time=09:00 tz=Europe/Berlin days=mon,wed,fri "
    "topics=rag,attention difficulty=2 language=es delivery=thread|ephemeral|dm weekly=on]"
)


def _apply(daily: dict[str, Any], key: str, value: str, languages: Iterable[str]) -> str | None:
    if key == "time" or key == "summary":
        if not TIME.match(value):
            return N_("{key}: use HH:MM, 24-hour (got {value}).")
        daily["time" if key == "time" else "summary_time"] = value
    elif key in {"tz", "timezone"}:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return N_("{key}: {value} is not an IANA time zone such as Europe/Berlin.")
        daily["timezone"] = value
    elif key in {"days", "weekdays"}:
        days = [day[:3].lower() for day in value.split(",") if day]
        if not days or any(day not in WEEKDAYS for day in days):
            return N_("{key}: list weekdays like mon,tue,wed (got {value}).")
        daily["weekdays"] = [day for day in WEEKDAYS if day in days]
    elif key == "weekly":
        if value.lower() not in {"on", "off"}:
            return N_("{key}: on or off (got {value}).")
        daily["weekly"] = value.lower() == "on"
    elif key == "topics":
        daily["topics"] = [topic for topic in value.lower().split(",") if topic]
    elif key == "difficulty":
        if value not in {"1", "2", "3", "any"}:
            return N_("{key}: 1, 2, 3 or any (got {value}).")
        daily["difficulty"] = None if value == "any" else int(value)
    elif key == "delivery":
        if value.lower() not in DELIVERIES:
            return N_("{key}: thread, ephemeral or dm (got {value}).")
    elif key == "language":
        if value.lower() not in languages:
            return N_("{key}: {value} is not a supported language.")
    else:
        return N_("Unknown setting {key}.")
    return None


def describe(tr, daily: dict[str, Any], delivery: str, language: str | None) -> str:
    state = tr("on") if daily["enabled"] else tr("off")
    lines = [
        tr("Daily question: {state}", state=state),
        tr(
            "Time: {time} ({zone}), on {days}",
            time=daily["time"],
            zone=daily["timezone"],
            days=",".join(daily["weekdays"]),
        ),
        tr("Topics: {topics}", topics=",".join(daily["topics"]) or tr("all")),
        tr("Grades go: {delivery}", delivery=delivery),
    ]
    if language:
        lines.append(tr("Language: {language}", language=tr.language_name(language)))
    return "\n".join(lines)
