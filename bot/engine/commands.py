"""Reading a chat message as a command, strictly enough that answers aren't mistaken for one.

"next token prediction is…" is an answer, not `next` with a topic: when a question is open, a
message counts as a command only if it parses completely.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.i18n.catalog import N_
from bot.i18n.locale import primary_language

SIMPLE = frozenset(
    {"help", "hint", "reveal", "skip", "stats", "leaderboard", "topics", "next", "review", "last"}
)
PERIODS = {"daily", "weekly", "all", "here"}
DIFFICULTIES = {"easy": 1, "medium": 2, "hard": 3, "1": 1, "2": 2, "3": 3}
LANGUAGE_CODE = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z0-9]{2,3})?|auto|reset)$", re.I)
LANGUAGE_WORDS = ("auto", "reset")
MAX_INTERVIEW_QUESTIONS = 10
NOT_A_COMMAND = N_("That isn't a command I know. Type `help` to see them.")
BAD_LANGUAGE = N_("`{value}` isn't a language I know. Choose one of: {choices}.")
BAD_FILTER = N_("`{value}` is neither a topic nor a difficulty. Choose from: {choices}.")
BAD_PERIOD = N_("`{value}` isn't a period. Choose one of: {choices}.")
BAD_COUNT = N_("`{value}` isn't a number of questions. Choose from 1 to {most}.")


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


def loose(text: str) -> Command | None:
    """A command typed as a slash command's text (Slack): its name and words as given, to be
    checked with `problem`, never read as an answer."""
    words = text.split()
    if not words:
        return None
    rest = text.strip()[len(words[0]) :].strip()
    return Command(words[0].lower(), tuple(word.lower() for word in words[1:]), rest=rest)


def _is_filter(word: str, topics: set[str]) -> bool:
    word = word.lower()
    return word in DIFFICULTIES or any(word in topic for topic in topics)


@dataclass(frozen=True)
class Problem:
    """Why a command's argument is refused: a catalog message id and its parameters."""

    message: str
    params: dict[str, str]

    def __post_init__(self) -> None:
        # The wrong value is echoed inside `code`: no backticks, and not a wall of text.
        value = self.params.get("value", "").replace("`", "'")
        self.params["value"] = value if len(value) <= 40 else value[:39] + "…"


def problem(command: Command, topics: Iterable[str], languages: Iterable[str]) -> Problem | None:
    """What is wrong with a typed command's arguments (a slash command or a button), if anything.

    Such a command is never read as an answer, so a wrong argument must be refused here, with the
    valid choices, rather than fall through to anything else."""
    topics = sorted(topics)
    if command.name == "language" and command.args:
        value = " ".join(command.args)
        known = [*languages, *LANGUAGE_WORDS]
        code = primary_language(value) if LANGUAGE_CODE.match(value) else None
        if value.lower() not in known and code not in known:
            return Problem(BAD_LANGUAGE, {"value": value, "choices": ", ".join(known)})
    if command.name == "next":
        for word in command.args:
            if not _is_filter(word, set(topics)):
                choices = ", ".join([*topics, "easy", "medium", "hard"])
                return Problem(BAD_FILTER, {"value": word, "choices": choices})
    if command.name == "leaderboard":
        for word in command.args:
            if word.lower() not in PERIODS:
                return Problem(BAD_PERIOD, {"value": word, "choices": ", ".join(sorted(PERIODS))})
    if command.name == "interview" and command.args[:1] == ("start",):
        for word in command.args[1:]:
            if word.isdigit():
                if not 1 <= int(word) <= MAX_INTERVIEW_QUESTIONS:
                    return Problem(BAD_COUNT, {"value": word, "most": str(MAX_INTERVIEW_QUESTIONS)})
            elif not _is_filter(word, set(topics)):
                choices = ", ".join([*topics, "easy", "medium", "hard"])
                return Problem(BAD_FILTER, {"value": word, "choices": choices})
    return None
