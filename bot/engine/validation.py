"""Checks on an answer before it is stored: clear messages for what can't be graded."""

import re
import unicodedata

from bot.i18n.catalog import N_

MAX_ANSWER_CHARS = 4000
# No message longer than this is looked at at all (detection, parsing, the guard): the engine
# refuses it first. An answer is the longest thing a user types, so the two limits are one.
MAX_MESSAGE_CHARS = MAX_ANSWER_CHARS
TOO_LONG = N_(
    "Your answer is {length} characters long; the limit is {limit}. "
    "Please shorten it and send it again."
)
KEEP = {"\n", "\t"}
# ESC followed by anything printable (CSI colours, cursor moves, screen clears, OSC titles and
# links, single-character commands such as ESC c), or a C1 introducer (CSI, OSC, DCS, PM, APC).
ESCAPE_SEQUENCE = re.compile("\x1b[\x20-\x7e]|[\x90\x9b\x9d\x9e\x9f]")
# A button id as the adapters make them ("hint:12", "vote:up:40"): ASCII, ids that fit a
# database integer. Anything else is refused before a handler turns it into a number.
_ACTION = re.compile(r"[a-z_]{1,20}(?::(?:[a-z_]{1,20}|[0-9]{1,18}))*", re.ASCII)


def clean(text: str) -> str:
    """The answer without control and invisible format characters (zero-width spaces etc.)."""
    kept = (
        ch
        for ch in text
        if ch in KEEP or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return "".join(kept).strip()


def problem(text: str) -> str | None:
    """A message id explaining why `text` can't be an answer, or None when it can."""
    if not text.strip():
        return N_("Your answer is empty. Type your answer, or `skip` to drop the question.")
    if len(text) > MAX_ANSWER_CHARS:
        return TOO_LONG
    if ESCAPE_SEQUENCE.search(text):
        return N_(
            "Your answer contains terminal escape codes (colours, cursor moves or screen "
            "clears), which can't be graded. Send it as plain text."
        )
    if not clean(text):
        return N_("Your answer has no readable text. Type your answer, or `skip`.")
    if not any(ch.isalnum() for ch in clean(text)):
        return N_("Your answer has no words in it. Type your answer, or `skip`.")
    return None


def valid_action(action: str) -> bool:
    return len(action) <= 100 and _ACTION.fullmatch(action) is not None
