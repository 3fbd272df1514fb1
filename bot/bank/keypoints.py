"""Derive checkable key points from a reference answer when a bank gives none.

A reference of one sentence is split further, into its clauses, so that an answer making only
some of its claims gets credit for those, and feedback can name the missing claim on its own.
"""

import re

from bot.bank.text import split_sentences

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_LEAD_LABEL = re.compile(r"^\*\*([^*]+?)(?::\*\*|\*\*:)\s*")
_MARKUP = re.compile(r"\*\*|__|`")
MAX_KEY_POINTS = 7
_MIN_WORDS = 3
# Where one sentence joins separate claims: a semicolon, or a comma before a coordinating word.
_JOINERS = r"(?:and|but|while|whereas|so|then|thus|hence|which|because)"
_CLAUSE_BREAK = re.compile(rf"\s*;\s*|,\s+(?={_JOINERS}\s)", re.IGNORECASE)
_LEAD_JOINER = re.compile(rf"^{_JOINERS}\s+", re.IGNORECASE)


def derive_key_points(reference: str, limit: int = MAX_KEY_POINTS) -> list[str]:
    """Bullet items and sentences of the reference, in order, as standalone statements.

    A bullet "**Label:** text" becomes "Label: text"; bare labels ("Benefits:") and fragments
    of fewer than three words carry no checkable claim and are left out. A one-sentence
    reference is split into its clauses when each of them makes a claim of its own.
    """
    units: list[str] = []
    for line in reference.splitlines():
        if not line.strip():
            continue
        text = _BULLET.sub("", line)
        units.extend(_unit(sentence) for sentence in split_sentences(text))
    points = [unit for unit in units if _is_claim(unit)]
    if len(points) == 1:
        points = split_clauses(points[0])
    return _spread(points, limit)


def split_clauses(sentence: str) -> list[str]:
    """The sentence's clauses, or the sentence itself if any clause would be a fragment."""
    parts = [_LEAD_JOINER.sub("", part).strip(" ,.") for part in _CLAUSE_BREAK.split(sentence)]
    parts = [part for part in parts if part]
    if len(parts) < 2 or not all(_is_claim(part) for part in parts):
        return [sentence]
    return parts


def _unit(text: str) -> str:
    label = _LEAD_LABEL.match(text.strip())
    if label:
        rest = text.strip()[label.end() :]
        text = f"{label[1].strip()}: {rest}" if rest else f"{label[1]}:"
    return _MARKUP.sub("", text).strip()


def _is_claim(unit: str) -> bool:
    if unit.endswith(":") or unit.startswith("|"):
        return False
    return len(re.findall(r"\w+", unit)) >= _MIN_WORDS


def _spread(points: list[str], limit: int) -> list[str]:
    """At most `limit` points, keeping the first and spreading the rest over the answer."""
    if len(points) <= limit:
        return points
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]
