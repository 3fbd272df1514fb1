"""Checks on what a model writes to the user: the feedback and the follow-up question.

A small or misbehaving model returns placeholders ("Feedback", "injection_suspected"), a word or
two, text in the wrong language, or a statement where a question belongs; a hijacked one leaks
the boundary token, the instructions, or long runs of the reference answer the candidate did not
write. Feedback failing a check is replaced by the evidence summary (and flagged); a follow-up
failing one is dropped.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from bot.grading.llm import MAX_FEEDBACK_CHARS, MAX_FOLLOW_UP_CHARS, LLMVerdict
from bot.grading.models import GradeRequest, summary_feedback

LanguageOf = Callable[[str], str | None]  # a text's language code, or None when unsure

INSTRUCTION_RUN = 8  # words copied from the instructions that count as a leak
REFERENCE_RUN = 10  # words copied from the reference (and not written by the user) that count
MIN_FEEDBACK_WORDS = 5
MIN_FOLLOW_UP_WORDS = 3
FEEDBACK_REPLACED = "feedback_replaced"
# Words that make up field names and schema filler; a reply made only of them says nothing.
_FIELD_WORDS = frozenset(
    {"null", "none", "string", "text", "ok", "n", "a", "na", "todo", "your", "here", "the"}
    | {w for name in LLMVerdict.model_fields for w in name.split("_")}
    | {"evidence", "point", "points", "key", "score", "grade", "question", "answer"}
)
_QUESTION_END = re.compile(r"[?？؟]\W*$|か[。]?$")


def checked_feedback(
    text: str,
    request: GradeRequest,
    boundary: str,
    instructions: Iterable[str],
    covered: list[str],
    missing: list[str],
    language_of: LanguageOf | None,
) -> tuple[str, list[str]]:
    """The feedback to show, and the flags to add (`FEEDBACK_REPLACED` when it was replaced)."""
    feedback = " ".join(text.split())
    usable = (
        _says_something(feedback, MIN_FEEDBACK_WORDS, request.language)
        and len(feedback) <= MAX_FEEDBACK_CHARS
        and _in_language(feedback, request.language, language_of)
        and not LeakCheck(request, boundary, instructions).found(feedback)
    )
    if usable:
        return feedback, []
    return summary_feedback(covered, missing), [FEEDBACK_REPLACED]


def checked_follow_up(
    text: str | None,
    request: GradeRequest,
    boundary: str,
    instructions: Iterable[str],
    language_of: LanguageOf | None,
) -> str | None:
    """The follow-up question to show, or None."""
    follow_up = " ".join((text or "").split())
    usable = (
        _says_something(follow_up, MIN_FOLLOW_UP_WORDS, request.language)
        and len(follow_up) <= MAX_FOLLOW_UP_CHARS
        and _QUESTION_END.search(follow_up) is not None
        and _in_language(follow_up, request.language, language_of)
        and not LeakCheck(request, boundary, instructions).found(follow_up)
    )
    return follow_up if usable else None


def _says_something(text: str, min_words: int, language: str) -> bool:
    words = words_of(text)
    if not words or set(words) <= _FIELD_WORDS:
        return False
    if language in ("zh", "ja", "ko"):  # written without spaces between words
        return len(re.sub(r"\W", "", text)) >= 2 * min_words
    return len(words) >= min_words


def _in_language(text: str, language: str, language_of: LanguageOf | None) -> bool:
    if language_of is None:
        return True
    found = language_of(text)
    return found is None or found == language


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"'`“”‘’«»]", "", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def words_of(text: str) -> list[str]:
    return normalise(text).split()


def _runs(words: Sequence[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


class LeakCheck:
    """Whether a text repeats the boundary, the instructions or the reference."""

    def __init__(self, request: GradeRequest, boundary: str, instructions: Iterable[str]) -> None:
        self._boundary = boundary.casefold()
        placeholder = re.compile(r"\$\w+")
        fixed = [words_of(placeholder.sub(" ", text)) for text in instructions]
        self._instruction_runs = set().union(*(_runs(w, INSTRUCTION_RUN) for w in fixed))
        written = words_of(request.answer)
        allowed = _runs(written, REFERENCE_RUN).union(
            *(_runs(words_of(point), REFERENCE_RUN) for point in request.key_points),
            _runs(words_of(request.question), REFERENCE_RUN),
        )
        self._reference_runs = _runs(words_of(request.reference), REFERENCE_RUN) - allowed

    def found(self, text: str) -> bool:
        if self._boundary and self._boundary in text.casefold():
            return True
        words = words_of(text)
        if _runs(words, INSTRUCTION_RUN) & self._instruction_runs:
            return True
        return bool(_runs(words, REFERENCE_RUN) & self._reference_runs)
