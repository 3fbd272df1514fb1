"""The text as a reader sees it, with a map back to the original's offsets."""

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
_CONFUSABLE = {
    **dict(zip("аеорсхуіјѕһԁԛԝɑɡıɩȷʏϲϳ", "aeopcxyijshdqwagiijycj", strict=True)),
    **dict(zip("АВЕКМНОРСТХЅІЈ", "ABEKMHOPCTXSIJ", strict=True)),
    **dict(zip("οινκτρυαΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "oivktpuaABEZHIKMNOPTYX", strict=True)),
}
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
}
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$!|]+")
_LEET_MIXED = re.compile(r"[A-Za-z][0-9@$!|]|[0-9@$!|][A-Za-z]")
_INVISIBLE_RX = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
_CONFUSABLE_RX = re.compile("[" + "".join(sorted(_CONFUSABLE)) + "]")
_HEXLIKE = re.compile(r"[0-9a-fA-F]{4,}")
_DIGIT_WORD = re.compile(r"(?<!\S)[013457]{2,3}(?!\S)")
_SPACED = re.compile(r"(?<!\w)(?<![A-Za-z] )(?:[A-Za-z] ){3,}[A-Za-z](?!\w)")
_ENCLOSED_RX = re.compile("[\U0001f130-\U0001f189\U0001f1e6-\U0001f1ff\U000e0020-\U000e007e]")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)
def _nfkc(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def normalise(text: str) -> tuple[str, list[int], list[bool]]:
    """The text as a reader sees it, a map from each character back to the original, and which
    characters were de-obfuscated.

    Invisible characters are dropped, compatibility forms folded (full-width, styled, enclosed
    letters), Cyrillic or Greek look-alikes inside Latin words made Latin, letters spaced out
    ("g i v e") joined, and leetspeak spelled out.
    """
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text)
        and not _INVISIBLE_RX.search(text)
        and not _ENCLOSED_RX.search(text)
    ):
        chars, index = list(text), list(range(len(text)))
        obf = [False] * len(chars)
    else:
        chars, index, obf = [], [], []
        hidden = False
        for i, char in enumerate(text):
            if char in _INVISIBLE:
                hidden = True
                continue
            folded = _fold(char)
            for piece in folded:
                chars.append(piece)
                index.append(i)
                obf.append(
                    hidden
                    or (
                        folded != char
                        and piece.isascii()
                        and (piece.isalpha() or ord(char) >= 0xE0000)
                    )
                )
            hidden = False
    if not text.isascii() and _CONFUSABLE_RX.search(text):
        joined = "".join(chars)
        words = list(_WORD.finditer(joined))
        for n, word in enumerate(words):
            token = word.group()
            if not _CONFUSABLE_RX.search(token):
                continue
            latin = any("a" <= c.lower() <= "z" for c in token)
            if not latin and all(c in _CONFUSABLE for c in token):
                latin = any(
                    words[k].group().isascii() for k in (n - 1, n + 1) if 0 <= k < len(words)
                )
            if latin:
                for k in range(word.start(), word.end()):
                    if chars[k] in _CONFUSABLE:
                        chars[k], obf[k] = _CONFUSABLE[chars[k]], True
    joined = "".join(chars)
    leeted = False
    for token in _LEET_TOKEN.finditer(joined):
        word = token.group()
        if (
            not _LEET_MIXED.search(word)
            or sum(c.isalpha() for c in word) < 2
            or _HEXLIKE.fullmatch(word)
        ):
            continue
        end = token.end()
        for k in range(token.start(), end):
            c = chars[k]
            inside = (
                k + 1 < end and chars[k + 1].isalpha() and (k == 0 or chars[k - 1] not in "<[{(/\\")
            )
            if c in _LEET and (c not in "!|" or inside):
                chars[k], obf[k] = _LEET[c], True
                leeted = True
    if leeted and _DIGIT_WORD.search(joined):
        joined = "".join(chars)
        tokens = list(re.finditer(r"\S+", joined))
        for n, token in enumerate(tokens):
            if _DIGIT_WORD.fullmatch(token.group()) and 0 < n < len(tokens) - 1:
                near = (tokens[n - 1].start(), tokens[n + 1].start())
                if all(obf[k] or any(obf[k : k + 6]) for k in near):
                    for k in range(token.start(), token.end()):
                        chars[k], obf[k] = _LEET.get(chars[k], chars[k]), True
        joined = "".join(chars)
    if _SPACED.search(joined):
        drop = {
            m.start() + k for m in _SPACED.finditer(joined) for k in range(1, len(m.group()), 2)
        }
        for k in range(len(chars)):
            if k in drop:
                chars[k] = ""
            elif k - 1 in drop or k + 1 in drop:
                obf[k] = True
        keep = [k for k in range(len(chars)) if chars[k]]
        chars, index, obf = (
            [chars[k] for k in keep],
            [index[k] for k in keep],
            [obf[k] for k in keep],
        )
    return "".join(chars), index, obf


def _fold(char: str) -> str:
    if ord(char) <= 0x7F:
        return char
    if 0xE0020 <= ord(char) <= 0xE007E:  # Unicode tag characters: invisible ASCII
        return chr(ord(char) - 0xE0000)
    if (
        0x1F130 <= ord(char) <= 0x1F189 and (ord(char) - 0x1F130) % 32 < 26
    ):  # squared, negative circled/squared
        return chr(ord("A") + (ord(char) - 0x1F130) % 32)
    if 0x1F1E6 <= ord(char) <= 0x1F1FF:  # regional indicators
        return chr(ord("A") + ord(char) - 0x1F1E6)
    return _nfkc(char)
