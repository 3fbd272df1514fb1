"""Slack views: the answer modal, the daily-question modal and the App Home tab.

A modal's submission comes back without the channel it was opened from, so each modal carries
where it belongs in `private_metadata` (JSON, at most 3,000 characters). The daily modal's
fields are turned back into the engine's own `daily set …` command, which validates them.
"""

import json
from dataclasses import asdict, dataclass
from typing import Any

from bot.adapters.slack.blocks import Block, actions, plain, reply_blocks
from bot.engine.events import Button, Reply
from bot.engine.flows.daily_config import DEFAULTS, DELIVERIES, WEEKDAYS
from bot.i18n.catalog import Translator

ANSWER_CALLBACK = "answer"
DAILY_CALLBACK = "daily"
ANSWER_BLOCK = "answer"
ANSWER_MAX_CHARS = 3000  # the most a Slack text input takes
MAX_HOME_BLOCKS = 100
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
DIFFICULTY_NAMES = {"any": "any", "1": "easy", "2": "medium", "3": "hard"}

View = dict[str, Any]


@dataclass(frozen=True)
class AnswerPlace:
    """Where an answer typed in the modal belongs, and where its grade goes."""

    served_id: int
    channel: str
    thread: str | None  # the conversation thread the engine knows (None at top level / in DMs)
    reply_thread: str | None  # the Slack thread replies are posted in
    is_dm: bool
    kind: str = "answer"  # the button: "answer" (a question served) or "daily" (a daily post)

    @property
    def action(self) -> str:
        return f"{self.kind}:{self.served_id}"

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def load(cls, raw: str) -> "AnswerPlace | None":
        try:
            data = json.loads(raw)
            return cls(
                served_id=int(data["served_id"]),
                channel=str(data["channel"]),
                thread=data.get("thread"),
                reply_thread=data.get("reply_thread"),
                is_dm=bool(data.get("is_dm")),
                kind="daily" if data.get("kind") == "daily" else "answer",
            )
        except (ValueError, KeyError, TypeError):
            return None


def answer_modal(tr: Translator, place: AnswerPlace) -> View:
    return {
        "type": "modal",
        "callback_id": ANSWER_CALLBACK,
        "private_metadata": place.dump(),
        "title": plain(tr("Your answer"), TITLE_LIMIT),
        "submit": plain(tr("Submit"), TITLE_LIMIT),
        "close": plain(tr("Cancel"), TITLE_LIMIT),
        "blocks": [
            _input(
                ANSWER_BLOCK,
                tr("Answer"),
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": ANSWER_MAX_CHARS,
                    "placeholder": plain(tr("Answer as you would in an interview."), 150),
                },
            )
        ],
    }


def answer_text(view: View) -> str:
    value = _state(view, ANSWER_BLOCK)
    return value if isinstance(value, str) else ""


def daily_modal(
    tr: Translator,
    channel: str,
    daily: dict[str, Any],
    delivery: str,
    language: str | None,
    languages: tuple[str, ...],
) -> View:
    daily = {**DEFAULTS, **daily}
    switch = [_option(tr("on"), "on"), _option(tr("off"), "off")]
    days = [_option(tr(day), day) for day in WEEKDAYS]
    checked = [option for option in days if option["value"] in daily["weekdays"]]
    difficulty = str(daily["difficulty"]) if daily.get("difficulty") else "any"
    levels = [_option(tr(name), value) for value, name in DIFFICULTY_NAMES.items()]
    deliveries = [_option(tr(kind), kind) for kind in DELIVERIES]
    blocks = [
        _input(
            "enabled",
            tr("Daily question"),
            {
                "type": "radio_buttons",
                "options": switch,
                "initial_option": switch[0] if daily["enabled"] else switch[1],
            },
        ),
        _input("time", tr("Time (HH:MM, 24-hour)"), _text_input(daily["time"])),
        _input("tz", tr("Time zone (e.g. Europe/Berlin)"), _text_input(daily["timezone"])),
        _input(
            "days",
            tr("Weekdays"),
            {
                "type": "checkboxes",
                "options": days,
                **({"initial_options": checked} if checked else {}),
            },
        ),
        _input(
            "topics",
            tr("Topics (comma-separated; empty for all)"),
            _text_input(",".join(daily["topics"])),
            optional=True,
        ),
        _input("difficulty", tr("Difficulty"), _select(levels, difficulty)),
        _input(
            "language",
            tr("Language"),
            _select([_option(code, code) for code in languages], language),
            optional=True,
        ),
        _input("delivery", tr("Where grades go"), _select(deliveries, delivery)),
    ]
    return {
        "type": "modal",
        "callback_id": DAILY_CALLBACK,
        "private_metadata": json.dumps({"channel": channel}),
        "title": plain(tr("Daily question"), TITLE_LIMIT),
        "submit": plain(tr("Save"), TITLE_LIMIT),
        "close": plain(tr("Cancel"), TITLE_LIMIT),
        "blocks": blocks,
    }


def daily_channel(view: View) -> str | None:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if isinstance(channel, str) and channel else None


def daily_commands(view: View) -> list[str]:
    """The engine commands that apply the submitted form (`daily set …`, then `daily off`)."""
    words = ["daily", "set"]
    for block, key in (("time", "time"), ("tz", "tz"), ("difficulty", "difficulty")):
        value = _state(view, block)
        if isinstance(value, str) and value.strip():
            words.append(f"{key}={_no_spaces(value)}")
    days = _state(view, "days")
    if isinstance(days, list) and days:
        words.append("days=" + ",".join(days))
    topics = _state(view, "topics")
    words.append("topics=" + (_no_spaces(topics) if isinstance(topics, str) else ""))
    for block in ("language", "delivery"):
        value = _state(view, block)
        if isinstance(value, str) and value:
            words.append(f"{block}={value}")
    commands = [" ".join(words)]
    if _state(view, "enabled") == "off":
        commands.append("daily off")
    return commands


def home_view(tr: Translator, replies: list[Reply]) -> View:
    blocks: list[Block] = [{"type": "header", "text": plain(tr("Interview practice"), 150)}]
    for reply in replies:
        blocks += reply_blocks(reply, with_buttons=False)
        blocks.append({"type": "divider"})
    footer = actions([Button("next", tr("Next question"), "primary")])
    blocks = blocks[: MAX_HOME_BLOCKS - len(footer)] + footer
    return {"type": "home", "blocks": blocks}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, LABEL_LIMIT),
        "element": {**element, "action_id": block_id},
        "optional": optional,
    }


def _text_input(initial: str) -> Block:
    element: Block = {"type": "plain_text_input"}
    if initial:
        element["initial_value"] = initial
    return element


def _select(options: list[Block], initial: str | None) -> Block:
    element: Block = {"type": "static_select", "options": options}
    chosen = next((option for option in options if option["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _option(label: str, value: str) -> Block:
    return {"text": plain(label, 75), "value": value}


def _state(view: View, block_id: str) -> str | list[str] | None:
    """A submitted input's value: text, the chosen option's value, or the checked values."""
    state = _field(_field(_field(_field(view, "state"), "values"), block_id), block_id)
    options = state.get("selected_options")
    if isinstance(options, list):
        return [
            str(option["value"])
            for option in options
            if isinstance(option, dict) and "value" in option
        ]
    if "selected_option" in state:
        option = _field(state, "selected_option")
        return str(option["value"]) if "value" in option else None
    value = state.get("value")
    return value if isinstance(value, str) else None


def _field(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    """`mapping[key]` when it is an object, else an empty one (a malformed submission)."""
    value = mapping.get(key)
    return value if isinstance(value, dict) else {}


def _no_spaces(value: str) -> str:
    """The engine's commands are space-separated `key=value` words."""
    return "".join(value.split())
