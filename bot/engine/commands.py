"""Reading a chat message as a command, strictly enough that answers aren't mistaken for one.

"next token prediction is…" is an answer, not `next` with a topic: when a question is open, a
message counts as a command only if it parses completely.
"""

import re
from dataclasses import dataclass

SIMPLE = frozenset(
    {"help", "hint", "reveal", "skip", "stats", "leaderboard", "topics", "next", "review"}
)
PERIODS = {"daily", "weekly", "all", "here"}
DIFFICULTIES = {"easy": 1, "medium": 2, "hard": 3, "1": 1, "2": 2, "3": 3}
LANGUAGE_CODE = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z0-9]{2,3})?|auto|reset)$", re.I)


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...] = ()
    rest: str = ""


def parse(text: str, topics: set[str], *, strict: bool) -> Command | None:
    """The command in `text`, or None. With `strict`, only complete, unambiguous commands."""
    words = text.split()
    if not words:
        return None
    head = words[0].lower()
    rest = text.strip()[len(words[0]) :].strip()
    tail = words[1:]
    if head in SIMPLE and not tail:
        return Command(head)
    if head == "leaderboard" and set(w.lower() for w in tail) <= PERIODS:
        return Command(head, tuple(word.lower() for word in tail))
    if head == "forget" and [w.lower() for w in tail] == ["me"]:
        return Command("forget")
    if head in {"remind", "digest"} and len(tail) <= 1:
        return Command(head, tuple(word.lower() for word in tail))
    if head == "next":
        if len(tail) <= 2 and all(_is_filter(word, topics) for word in tail):
            return Command("next", tuple(word.lower() for word in tail))
        return None if strict else Command("next", tuple(w.lower() for w in tail))
    if head == "ask" and rest:
        return Command("ask", rest=rest)
    if head == "interview" and tail and tail[0].lower() in {"start", "stop"}:
        return Command("interview", tuple(word.lower() for word in tail))
    if head == "language" and len(tail) <= 1 and all(LANGUAGE_CODE.match(w) for w in tail):
        return Command("language", tuple(word.lower() for word in tail))
    if head == "appeal" and (rest or not strict):
        return Command("appeal", rest=rest)
    if head == "bank" and tail and tail[0].lower() in {"import", "remove"}:
        return Command("bank", tuple(tail), rest=" ".join(tail[1:]))
    if head == "daily" and (not tail or tail[0].lower() in {"show", "on", "off", "set"}):
        return Command("daily", tuple(tail))
    if not strict and head in SIMPLE:
        return Command(head, tuple(tail))
    return None


def _is_filter(word: str, topics: set[str]) -> bool:
    word = word.lower()
    return word in DIFFICULTIES or any(word in topic for topic in topics)
