"""An answer cut into the units key points are checked against: sentences and their clauses.

Each unit is embedded on its own, so a unit's verdict depends only on its own words, never on
what surrounds it. A sentence joining separate claims (a semicolon, ", and ...", ", which ...")
is cut into its clauses, and a unit longer than the model reads well is cut into word windows.
"""

import re

from bot.bank.keypoints import split_clauses

MAX_UNIT_WORDS = 60
MAX_UNITS = 128
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# A sentence ends at . ! ? or ; followed by a space, except after a few common abbreviations.
_BREAK = re.compile(r"(?<![ (]e\.g\.)(?<!i\.e\.)(?<! vs\.)(?<! etc\.)(?<=[.!?。！？])\s+")
_CJK_BREAK = re.compile(r"(?<=[。！？；])")


def answer_units(text: str) -> list[str]:
    """The answer's units in order (at most MAX_UNITS; later text is not read)."""
    units: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        for sentence in _BREAK.split(line):
            for part in _CJK_BREAK.split(sentence):
                for clause in split_clauses(part.strip()):
                    units.extend(_windows(clause))
    return [unit for unit in units if unit][:MAX_UNITS]


def _windows(sentence: str) -> list[str]:
    words = sentence.split()
    if len(words) <= MAX_UNIT_WORDS:
        return [sentence]
    return [
        " ".join(words[start : start + MAX_UNIT_WORDS])
        for start in range(0, len(words), MAX_UNIT_WORDS)
    ]
