"""Encoded payloads, decoded and scanned like the answer itself."""

import base64
import binascii
import codecs
import contextlib
import re
from collections.abc import Iterator
from urllib.parse import unquote_plus

from bot.grading.guard.mentions import QUOTED, is_mention
from bot.grading.guard.normalise import normalise
from bot.grading.guard.scan import scan
from bot.grading.guard.spans import Span

_BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,}(?:\s*\n\s*[A-Za-z0-9+/_-]{4,})*={0,2}(?![A-Za-z0-9+/=_-])"
)
_HEX = re.compile(r"(?:\\x[0-9a-fA-F]{2}){8,}|\b(?:0x)?(?:[0-9a-fA-F]{2}[\s:,]?){12,}\b")
_URL = re.compile(r"(?<!\S)\S*?%[0-9A-Fa-f]{2}\S*")
_WORDS = re.compile(r"[a-z]{2,}")
_ENCODING_TALK = re.compile(
    r"\b(?:rot-?13|caesar|cipher\w*|base-?64|encod\w*|obfuscat\w*|backwards|reversed?)\b", re.I
)
_CIPHER_TALK = re.compile(r"\b(?:shift\w*|caesar|cipher\w*|rotate\w*|rot-?\d+)\b", re.I)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_SHIFTS = {
    k: str.maketrans(
        _ALPHABET + _ALPHABET.upper(),
        _ALPHABET[k:] + _ALPHABET[:k] + (_ALPHABET[k:] + _ALPHABET[:k]).upper(),
    )
    for k in range(26)
}
# Words an instruction to the grader is made of: a transform that yields few of them is noise.
_COMMON = frozenset(
    "the and this that you your answer give full marks score grade rate ignore previous "
    "instructions rubric all are is be as to of it for with must should will please points "
    "maximum perfect reference evaluator grader".split()
)


def decoded_payloads(answer: str, text: str) -> Iterator[tuple[str, Span]]:
    """Payloads in base64, hex, URL encoding, rot13, a Caesar shift, or written backwards."""
    quoted = [m.span() for m in QUOTED.finditer(answer)]
    candidates = []
    for match in _BASE64.finditer(answer):
        candidates.append(
            ("encoded_base64", match, _printable(_b64(re.sub(r"\s+", "", match.group()))))
        )
    for match in _HEX.finditer(answer):
        digits = re.sub(r"\\x|0x|[\s:,]", "", match.group())
        with contextlib.suppress(ValueError):
            candidates.append(
                ("encoded_hex", match, _printable(bytes.fromhex(digits[: len(digits) // 2 * 2])))
            )
    if "%" in answer:
        for match in _URL.finditer(answer):
            decoded = unquote_plus(match.group())
            candidates.append(("encoded_url", match, decoded if decoded != match.group() else None))
    for name, match, decoded in candidates:
        if decoded and _is_instruction(
            decoded, discussed=is_mention(answer, match.start(), quoted)
        ):
            yield name, match.span()
    # Whole-text transforms: a discussion of encodings ("rot13 works too: …") needs a score request.
    discussed = bool(_ENCODING_TALK.search(answer))
    transforms = [("encoded_rot13", codecs.decode(text, "rot13")), ("reversed_text", text[::-1])]
    if _CIPHER_TALK.search(answer):
        transforms += [("encoded_shift", _shift(text, k)) for k in range(1, 26) if k != 13]
    for name, transformed in transforms:
        words = _WORDS.findall(transformed.lower())
        if sum(w in _COMMON for w in words) >= 3 and _letters_instruction(
            transformed, discussed=discussed
        ):
            yield name, (0, 0)
            return


def _shift(text: str, k: int) -> str:
    return text.translate(_SHIFTS[k])


def _letters_instruction(text: str, *, discussed: bool) -> bool:
    """For transformed text, which keeps digits and punctuation as they were."""
    wanted = ("score_request",) if discussed else ("score_request", "instruction_to_grader")
    return any(
        name in wanted and sum(ch.isalpha() for ch in text[s:e]) >= 12
        for name, (s, e) in scan(text)
    )


def _is_instruction(text: str, *, discussed: bool = False) -> bool:
    """Does a decoded payload steer the grader? An example payload must ask for a score to count."""
    names = {name for name, _ in scan(normalise(text)[0])}
    wanted = (
        {"score_request", "fake_grade"}
        if discussed
        else {"score_request", "instruction_to_grader", "fake_grade"}
    )
    return bool(names & wanted)


def _b64(token: str) -> bytes:
    token = token.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4), validate=False)
    except (binascii.Error, ValueError):
        return b""


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or not all(ch.isprintable() or ch in "\n\t\r" for ch in text):
        return None
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return text if letters / len(text) > 0.5 else None
