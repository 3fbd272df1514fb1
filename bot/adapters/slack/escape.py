"""Escaping text for Slack's mrkdwn, so nothing a user typed can ping anyone or restyle a reply.

Slack turns `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>` and `<#C…>` into mentions and links
only while their angle brackets are literal. Escaping `&`, `<` and `>` (the three characters Slack
asks apps to escape) makes every one of them inert text, wherever it came from: an answer, a
display name, a setting echoed back.

Slack has no escape for its styling marks (`*bold*`, `_italic_`, `~strike~`, `` `code` ``), and a
zero-width space next to one makes it *more* likely to apply. So in text a user wrote, each mark
that could open or close a style is swapped for a look-alike character that Slack doesn't parse.
The engine's own replies keep their marks (its `commands` in backticks, a bank's Markdown); only
what repeats the user's own marked-up words, or a display name, is changed.
"""

import re

_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_LONGEST_ENTITY = max(len(entity) for _, entity in _ENTITIES)
# Asterisk operator, modifier letter low macron, tilde operator, modifier letter grave accent.
_LOOK_ALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_MARKS = frozenset(_LOOK_ALIKES)
_WORDS = re.compile(r"(\s+)")
_QUOTES = "\"'“”‘’«»„()[]{},.;:!?"


def escape(text: str) -> str:
    for raw, entity in _ENTITIES:
        text = text.replace(raw, entity)
    return text


def inert(text: str) -> str:
    """`text` with every styling mark Slack could act on replaced by a look-alike. A `*`, `_` or
    `~` inside a word (`top_p`) styles nothing and stays."""
    if not _MARKS.intersection(text):
        return text
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if char in _MARKS:
            inside = (
                char != "`" and 0 < i < last and text[i - 1].isalnum() and text[i + 1].isalnum()
            )
            out.append(char if inside else _LOOK_ALIKES[char])
        else:
            out.append(char)
    return "".join(out)


def inert_echoes(text: str, said: str) -> str:
    """`text` with each word that repeats a marked-up part of what the user `said` made inert:
    an answer quoted back in feedback shows as typed, not styled."""
    if not said or not _MARKS.intersection(said) or not _MARKS.intersection(text):
        return text
    words = _WORDS.split(text)
    for n, word in enumerate(words):
        if _MARKS.intersection(word):
            core = word.strip(_QUOTES)
            if core and core in said:
                words[n] = inert(word)
    return "".join(words)


def safe_cut(text: str, limit: int) -> int:
    """A cut position <= `limit` that doesn't split an entity such as `&amp;` in escaped text."""
    if limit >= len(text):
        return len(text)
    start = text.rfind("&", max(0, limit - _LONGEST_ENTITY + 1), limit)
    if start != -1 and ";" not in text[start:limit]:
        return start
    return limit


def unescape(text: str) -> str:
    """Text as the user typed it: Slack sends `&`, `<` and `>` of messages as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
