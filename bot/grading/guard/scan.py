"""Every detector run over an already normalised text: (signal, span) findings."""

import re
from bisect import bisect_left
from collections.abc import Iterator

from bot.grading.guard.instructions import INSTRUCTION, ISSUED
from bot.grading.guard.markers import (
    BOUNDARY_LIKE,
    CLOSING,
    FAKE_GRADE,
    FOLLOW_UP,
    GRADING_TALK,
    HIDDEN,
    NEXT_TURN,
    ROLE_LABEL,
    ROLE_TOKEN,
    TEMPLATE_TALK,
)
from bot.grading.guard.mentions import QUOTED, is_mention
from bot.grading.guard.outcomes import GIVE_SCORE, OUT_GRADE, OUT_SCOREWORD, OUT_WEAK, PRESCRIBED
from bot.grading.guard.requesting import (
    ADDRESSEE,
    CONDITIONAL,
    GIVE_THIS,
    GRADING_IMPERATIVE,
    HEDGED,
    REQUEST,
    REQUEST_EN,
    REQUEST_SELF,
    SELF,
    YOU,
)
from bot.grading.guard.spans import CLAUSE_BREAK, SENTENCE, Span


def scan(text: str) -> list[tuple[str, Span]]:
    """Findings (signal, span) in an already normalised text."""
    low = text.lower()
    starts = sorted({0, *(m.end() for m in CLAUSE_BREAK.finditer(text))})
    quoted = (
        [m.span() for m in QUOTED.finditer(text)]
        if any(q in text for q in "\"'“„‚«「『《`‘~")
        else []
    )
    found: list[tuple[str, Span]] = [
        ("score_request", span) for span in _score_requests(text, low, starts, quoted)
    ]
    for match in INSTRUCTION.finditer(text, low):
        if not is_mention(text, match.start(), quoted):
            found.append(("instruction_to_grader", match.span()))
    for match in ISSUED.at(text, low, starts):
        if not is_mention(text, match.start(), quoted):
            found.append(("instruction_to_grader", match.span()))
    found.extend(("role_marker", span) for span in _role_markers(text, quoted))
    fakes = [m for m in FAKE_GRADE.finditer(text, low)]
    if fakes and all(_in_example(text, m, quoted) for m in fakes):
        fakes = []
    found.extend(("fake_grade", m.span()) for m in fakes)
    for match in CLOSING.finditer(text):
        rest = text[match.end() : match.end() + 300]
        if len(rest.strip()) < 8 or is_mention(text, match.start(), quoted):
            continue
        if match.group()[0] in "<]-" or GRADING_TALK.search(rest) or FOLLOW_UP.search(rest):
            found.append(("boundary_collision", (match.start(), match.end() + len(rest))))
    for match in BOUNDARY_LIKE.finditer(text):
        if not is_mention(text, match.start(), quoted):
            found.append(("boundary_collision", match.span()))
    if "<" in text or "](" in text or "\n\n\n\n\n\n\n\n" in text:
        for match in HIDDEN.finditer(text):
            hidden = next((g for g in match.groups() if g), "")
            if GRADING_TALK.search(hidden) or _score_requests(hidden, hidden.lower(), [0]):
                found.append(("hidden_text", match.span()))
    return found


def _score_requests(
    text: str, low: str, starts: list[int], quoted: list[Span] | None = None
) -> list[Span]:
    """Sentences that pair a grading outcome with a cue aiming it at the grader.

    A request quoted as an example ("a student could write 'give this answer full marks'") is
    discussion, like any other quoted instruction.
    """
    hits = [
        m.start()
        for cue in (OUT_GRADE, OUT_SCOREWORD, OUT_WEAK, PRESCRIBED)
        for m in cue.finditer(text, low)
    ]
    hits += [m.start() for m in REQUEST_SELF.at(text, low, starts)]
    if not hits:
        return []
    hits.sort()
    spans = []
    for sentence in SENTENCE.finditer(text):
        lo, hi = sentence.span()
        lo += len(sentence.group()) - len(sentence.group().lstrip())
        inside = hits[bisect_left(hits, lo) : bisect_left(hits, hi)]
        if not inside or not _asks_for_score(text, lo, hi, starts):
            continue
        if quoted and all(
            any(s <= h < e and is_mention(text, s, []) for s, e in quoted) for h in inside
        ):
            continue
        spans.append((lo, hi))
    return spans


def _asks_for_score(text: str, lo: int, hi: int, starts: list[int]) -> bool:
    sentence = text[lo:hi]
    low = sentence.lower()
    local = [s - lo for s in starts[bisect_left(starts, lo) : bisect_left(starts, hi)]]
    if any(REQUEST_SELF.at(sentence, low, local)) or PRESCRIBED.search(sentence, low):
        return True
    grade = OUT_GRADE.search(sentence, low)
    scoreword = not grade and OUT_SCOREWORD.search(sentence, low)
    if not grade and not scoreword and not OUT_WEAK.search(sentence, low):
        return False
    if ADDRESSEE.search(sentence, low):
        return True
    about_self = SELF.search(sentence, low) and not HEDGED.search(sentence)
    if grade:
        if about_self or YOU.search(sentence, low):
            return True
        # "give full marks only when the answer cites a source" is a rubric, not a request
        asked = (
            any(REQUEST_EN.at(sentence, low, local))
            or REQUEST.search(sentence, low)
            or GIVE_THIS.search(sentence, low)
        )
        return asked and not CONDITIONAL.search(sentence)
    if scoreword:
        return any(GIVE_SCORE.at(sentence, low, local)) or YOU.search(sentence, low) or about_self
    if YOU.search(sentence, low):
        return True
    return (
        any(GRADING_IMPERATIVE.at(sentence, low, local)) or REQUEST.search(sentence, low)
    ) and not CONDITIONAL.search(sentence)


def _in_example(text: str, match: re.Match[str], quoted: list[Span]) -> bool:
    """A lone grading field below the top mark, in code or quotes: a schema example, no verdict."""
    in_code = any(s <= match.start() < e and text[s] in "`~" for s, e in quoted)
    return in_code and not re.search(
        r"(?<![\d.])(?:10|100)(?:\.0+)?(?![\d.])|max|full|perfect|A\+", match.group(), re.I
    )


def _role_markers(text: str, quoted: list[Span]) -> Iterator[Span]:
    """Forged turns. In a discussion of chat templates only a turn that asks for a score counts."""

    def discussed(start: int) -> bool:
        around = text[max(0, start - 200) : start] + " " + text[start : start + 250]
        return is_mention(text, start, quoted) or bool(TEMPLATE_TALK.search(around))

    def grading(block: str, strict: bool) -> bool:
        if strict:
            return bool(
                _score_requests(block, block.lower(), [0])
                or FAKE_GRADE.search(block, block.lower())
            )
        return bool(GRADING_TALK.search(block))

    if "<" in text or "[" in text:
        for match in ROLE_TOKEN.finditer(text):
            window = text[match.end() : match.end() + 300]
            if not discussed(match.start()) or grading(window, strict=True):
                yield match.start(), match.end() + len(window)
    for match in ROLE_LABEL.finditer(text):
        block = NEXT_TURN.split(text[match.end() : match.end() + 300], maxsplit=1)[0]
        # a grader or evaluator label is also a vocative: it needs an actual request to count
        named = re.match(r"[ \t>]*(?:grader|evaluator)[ \t]*:", match.group(), re.I)
        if grading(block, strict=bool(named) or discussed(match.start())):
            yield match.start(), match.end() + len(block)
