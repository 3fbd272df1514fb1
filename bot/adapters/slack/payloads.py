"""Whether a signed Slack payload has Slack's shape, where the bot and Bolt read it.

Only Slack (or whoever holds the signing secret) can send these, but a payload with a missing id or
a list where a string belongs is still a client's mistake, not the bot's. `well_formed` checks the
fields Bolt reads to route a request (ids, `event`, `view`, `authorizations`…) anywhere they
appear, so a misshapen body gets 400 instead of a traceback inside Bolt; the listeners' checks
(`command_ok`, `message_ok`…) drop a payload missing what the adapter itself needs.
"""

from typing import Any

# Field name -> what Slack puts there. The rules apply wherever the name appears.
_STRINGS = frozenset(
    {
        "type", "subtype", "token", "challenge", "api_app_id", "event_id", "trigger_id",
        "response_url", "callback_id", "private_metadata", "external_id", "hash",
        "ts", "thread_ts", "message_ts", "event_ts", "action_id", "block_id", "value",
        "team_id", "enterprise_id", "user_id", "channel_id", "user_team", "context_team_id",
        "context_enterprise_id", "app_installed_team_id", "bot_id", "channel_type", "tab",
        "function_execution_id", "bot_access_token", "id",
    }
)  # fmt: skip
_ID_OR_OBJECT = frozenset({"user", "team", "channel", "enterprise"})
_OBJECTS = frozenset(
    {
        "event", "container", "message", "previous_message", "view", "item", "state",
        "assistant_thread", "function_data", "workflow_step",
    }
)  # fmt: skip
_OBJECT_LISTS = frozenset({"authorizations", "actions", "files"})
_FLAGS = frozenset({"is_enterprise_install", "is_ext_shared_channel", "is_bot"})
MAX_DEPTH = 6


def well_formed(body: dict[str, Any], depth: int = 0) -> bool:
    """Every known field of `body` (and of the objects in it) has Slack's type, or is null
    (objects such as `event` are present or absent, never null)."""
    if depth > MAX_DEPTH:
        return False
    for key, value in body.items():
        if value is None and key not in _OBJECTS:  # Bolt reads `body.get("event", {})`
            continue
        if key in _STRINGS:
            ok = isinstance(value, str)
        elif key in _ID_OR_OBJECT:
            ok = isinstance(value, str) or (
                isinstance(value, dict) and well_formed(value, depth + 1)
            )
        elif key in _OBJECTS:
            ok = isinstance(value, dict) and well_formed(value, depth + 1)
        elif key in _OBJECT_LISTS:
            ok = isinstance(value, list) and all(
                isinstance(item, dict) and well_formed(item, depth + 1) for item in value
            )
        elif key in _FLAGS:
            ok = isinstance(value, bool) or value in ("true", "false")
        else:
            ok = True
        if not ok:
            return False
    return True


def command_ok(command: Any) -> bool:
    return _strings(command, ("user_id", "channel_id"), ("text", "response_url", "trigger_id"))


def message_ok(event: Any) -> bool:
    optional = ("text", "ts", "thread_ts", "channel_type", "parent_user_id", "subtype", "bot_id")
    return _strings(event, ("user", "channel"), optional) and isinstance(
        event.get("files") or [], list
    )


def home_opened_ok(event: Any) -> bool:
    return _strings(event, ("user",), ("channel", "tab"))


def action_ok(body: Any, action: Any) -> bool:
    return (
        _user_ok(body)
        and _strings(action, (), ("action_id",))
        and _strings(body, (), ("response_url", "trigger_id"))
        and _strings(body.get("container"), (), ("channel_id", "thread_ts", "message_ts", "type"))
        and _strings(body.get("channel"), (), ("id",))
        and _strings(body.get("message"), (), ("thread_ts",))
    )


def submission_ok(body: Any, view: Any) -> bool:
    return _user_ok(body) and _strings(view, (), ("private_metadata",))


def _user_ok(body: Any) -> bool:
    return isinstance(body, dict) and _strings(body.get("user"), ("id",), ())


def _strings(mapping: Any, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    """`mapping` is a dict (or absent, when nothing is required) whose `required` keys are
    non-empty strings and whose `optional` keys are strings when present."""
    if mapping is None and not required:
        return True
    if not isinstance(mapping, dict):
        return False
    if not all(isinstance(mapping.get(key), str) and mapping[key] for key in required):
        return False
    return all(mapping.get(key) is None or isinstance(mapping[key], str) for key in optional)
