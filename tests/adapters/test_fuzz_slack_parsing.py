"""Property-based: Slack's payloads, as the adapter's pure parsers read them, never raise.

What users control is text: the slash command's form, answers typed into a form, the values of
the daily-question form. Each parser gets arbitrary text where users type, and the bot's own
option values where they choose, in Slack's shapes.
"""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack.escape import escape, safe_cut, unescape
from bot.adapters.slack.http import FORM, slash_command_fields
from bot.adapters.slack.views import AnswerPlace, daily_channel, daily_commands
from bot.engine.flows.daily_config import DELIVERIES, WEEKDAYS

form_text = st.text(max_size=300)
form_bodies = st.one_of(
    st.text(max_size=500),
    st.builds(
        lambda command, text, extra: f"command=%2F{command}&text={text}&{extra}",
        st.text(max_size=20),
        form_text,
        st.text(max_size=60),
    ),
)


@settings(max_examples=200, deadline=500)
@given(body=form_bodies, content_type=st.sampled_from([FORM, "application/json", None, ""]))
def test_any_slash_command_body_is_fields_or_none(body: str, content_type: str | None):
    fields = slash_command_fields(body, content_type)
    assert fields is None or ("command" in fields and "payload" not in fields)


@settings(max_examples=200, deadline=500)
@given(raw=st.one_of(st.text(max_size=300), st.just("{}"), st.just('{"served_id": "x"}')))
def test_any_private_metadata_is_a_place_or_none(raw: str):
    place = AnswerPlace.load(raw)
    assert place is None or isinstance(place.served_id, int)


@settings(max_examples=100, deadline=500)
@given(
    served=st.integers(1, 2**62),
    channel=st.text(max_size=20),
    thread=st.one_of(st.none(), st.text(max_size=20)),
    is_dm=st.booleans(),
)
def test_a_place_survives_its_round_trip(served: int, channel: str, thread: str | None, is_dm):
    place = AnswerPlace(served, channel, thread, thread, is_dm)
    assert AnswerPlace.load(place.dump()) == place


def _value(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def _option(value: str | None) -> dict:
    return {"selected_option": {"value": value} if value is not None else None}


values = st.one_of(st.none(), st.text(max_size=80))
chosen = st.one_of(st.none(), st.sampled_from(["1", "2", "3", "es", "en", *DELIVERIES]))
views = st.builds(
    lambda time, tz, topics, difficulty, days, language, enabled, metadata: {
        "private_metadata": metadata,
        "state": {
            "values": {
                "time": {"time": _value(time)},
                "tz": {"tz": _value(tz)},
                "topics": {"topics": _value(topics)},
                "difficulty": {"difficulty": _option(difficulty)},
                "days": {"days": {"selected_options": [{"value": d} for d in days]}},
                "language": {"language": _option(language)},
                "enabled": {"enabled": _option(enabled)},
            }
        },
    },
    values,
    values,
    values,
    chosen,
    st.lists(st.sampled_from(WEEKDAYS), max_size=7, unique=True),
    chosen,
    st.one_of(st.none(), st.sampled_from(["on", "off"])),
    # the bot writes private_metadata itself (a JSON object) and Slack hands it back unchanged
    st.one_of(
        st.just(""),
        st.dictionaries(
            st.sampled_from(["channel", "x"]), st.none() | st.integers() | st.text()
        ).map(json.dumps),
    ),
)


@settings(max_examples=200, deadline=500)
@given(view=views)
def test_any_daily_form_gives_engine_commands(view: dict):
    commands = daily_commands(view)
    assert commands[0].startswith("daily set ") and all("\n" not in c for c in commands)
    channel = daily_channel(view)
    assert channel is None or (isinstance(channel, str) and channel)


@settings(max_examples=200, deadline=500)
@given(text=st.text(max_size=500), limit=st.integers(0, 600))
def test_escaping_is_undone_and_never_cut_mid_entity(text: str, limit: int):
    escaped = escape(text)
    assert unescape(escaped) == text and "<" not in escaped and ">" not in escaped
    cut = safe_cut(escaped, limit)
    assert cut <= max(limit, 0) or cut == len(escaped)
    head = escaped[:cut]
    assert "&" not in head[-5:] or head.endswith(("&amp;", "&lt;", "&gt;")) or ";" in head[-5:]
