"""Checks on an answer before it is stored: clear messages for what can't be graded."""

import re
import unicodedata

from bot.i18n.catalog import N_

MAX_ANSWER_CHARS = 4000
KEEP = {"\n", "\t"}
# ESC followed by anything printable (CSI colours, cursor moves, screen clears, OSC titles and
# links, single-character commands such as ESC c), or a C1 introducer (CSI, OSC, DCS, PM, APC).
ESCAPE_SEQUENCE = re.compile("\x1b[\x20-\x7e]|[\x90\x9b\x9d\x9e\x9f]")


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
        return N_(
            "Your answer is {length} characters long; the limit is {limit}. "
            "Please shorten it and send it again."
        )
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
