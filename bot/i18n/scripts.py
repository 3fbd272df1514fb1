"""Scripts that settle a language on their own: Hangul is Korean, kana Japanese, Han without kana
Chinese, Devanagari Hindi, Arabic script Arabic, Cyrillic Russian (none of the other supported
languages uses these scripts).
"""

from collections.abc import Mapping

from bot.i18n.hints import has_chinese_only

MIN_SCRIPT_CHARS = 2  # kana+Han, Devanagari, Arabic, Cyrillic; one Hangul block is enough
MIN_HAN_CHARS = 4  # Han alone: short Japanese can be all kanji ("質問"), unless Chinese-only

_SCRIPT_RANGES: tuple[tuple[str, int, int], ...] = (
    ("hangul", 0xAC00, 0xD7AF),
    ("hangul", 0x1100, 0x11FF),
    ("hangul", 0x3130, 0x318F),
    ("kana", 0x3040, 0x30FF),
    ("kana", 0x31F0, 0x31FF),
    ("kana", 0xFF66, 0xFF9F),
    ("han", 0x4E00, 0x9FFF),
    ("han", 0x3400, 0x4DBF),
    ("han", 0xF900, 0xFAFF),
    ("han", 0x20000, 0x2FA1F),
    ("devanagari", 0x0900, 0x097F),
    ("arabic", 0x0600, 0x06FF),
    ("arabic", 0x0750, 0x077F),
    ("arabic", 0x08A0, 0x08FF),
    ("arabic", 0xFB50, 0xFDFF),
    ("arabic", 0xFE70, 0xFEFF),
    ("cyrillic", 0x0400, 0x052F),
)
_SCRIPT_LANGUAGE = {"hangul": "ko", "devanagari": "hi", "arabic": "ar", "cyrillic": "ru"}
_CJK_WEIGHT = 3  # one Han, kana or Hangul character carries about as much as three letters


def _script_of(char: str) -> str | None:
    code = ord(char)
    for script, low, high in _SCRIPT_RANGES:
        if low <= code <= high:
            return script
    if char.isalpha():
        return "latin"
    return None


def script_counts(text: str) -> dict[str, int]:
    """Characters per script ("latin" is any other letter); marks count with their script."""
    counts: dict[str, int] = {}
    for char in text:
        script = _script_of(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return counts


def _weighted_non_latin(counts: Mapping[str, int]) -> int:
    return sum(
        n * (_CJK_WEIGHT if s in {"han", "kana", "hangul"} else 1)
        for s, n in counts.items()
        if s != "latin"
    )


def non_latin_dominates(counts: Mapping[str, int]) -> bool:
    """At least a third of the text is in a non-Latin script (so not English quoting a word)."""
    weight = _weighted_non_latin(counts)
    return weight > 0 and weight * 2 >= counts.get("latin", 0)


def script_language(text: str) -> str | None:
    """The language a non-Latin script settles on its own, when that script dominates `text`
    and there is enough of it; None otherwise (Latin text, or too little)."""
    counts = script_counts(text)
    if not non_latin_dominates(counts):
        return None
    cjk = counts.get("han", 0) + counts.get("kana", 0)
    groups = {"cjk": cjk} | {s: n for s, n in counts.items() if s in _SCRIPT_LANGUAGE}
    script = max(groups, key=lambda s: groups[s])
    if script == "hangul":  # one syllable block is a word: 네, 응
        return "ko"
    if script != "cjk":
        return _SCRIPT_LANGUAGE[script] if groups[script] >= MIN_SCRIPT_CHARS else None
    if counts.get("kana", 0):
        return "ja" if cjk >= MIN_SCRIPT_CHARS else None
    if cjk >= MIN_HAN_CHARS or (cjk >= MIN_SCRIPT_CHARS and has_chinese_only(text)):
        return "zh"
    return None
