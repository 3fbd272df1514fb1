"""Where things are: clause starts and sentences, and spans mapped back to the original text and
widened to what should be cut out.
"""

import re

Span = tuple[int, int]

CLAUSE_BREAK = re.compile(
    r"[.!?:;,\n(\[{\"'“«—–>*。！？，：；、]+\s*|(?:^|\s)-\s+|\b(?:and|then|so|now|just|please|kindly|also|simply|only|but|or)\s+",
    re.I,
)

SENTENCE = re.compile(r"[^.!?。！？\n]*(?:(?<=\d)\.(?=\d)[^.!?。！？\n]*)*(?:[.!?。！？]+|\n|$)")


def original_span(index: list[int], span: Span, length: int) -> Span:
    """A span in the normalised text, as a span of the original."""
    if not index:
        return span
    start = index[span[0]] if span[0] < len(index) else length
    end = index[min(span[1], len(index)) - 1] + 1 if span[1] > 0 else 0
    return start, max(start, end)


def injected_span(text: str, span: Span) -> Span:
    """The sentence around a match, or the whole JSON object when the match opens one."""
    opening = text.rfind("{", 0, span[1])
    if opening != -1 and "}" not in text[opening : span[0]]:
        depth = 0
        for index in range(opening, min(len(text), opening + 2000)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                return opening, max(index + 1, _sentence_span(text, span)[1])
        return opening, len(text)
    return _sentence_span(text, span)


_MARKS = (".", "!", "?", "\n", "。", "！", "？")


def _sentence_span(text: str, span: Span) -> Span:
    """Widen a match to its sentence, so the whole injected instruction is cut out."""
    start = max(text.rfind(mark, 0, span[0]) for mark in _MARKS) + 1
    ends = [i for i in (text.find(mark, max(span[1] - 1, span[0])) for mark in _MARKS) if i != -1]
    return start, (min(ends) + 1 if ends else len(text))
