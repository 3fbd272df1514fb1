"""The prose of a chat message, for language detection: code, URLs, mentions, numbers, LaTeX,
acronyms and the English technical glossary (`bot.i18n.glossary`) removed.
"""

import re
import unicodedata
from bisect import bisect_left

from bot.i18n.glossary import Glossary

# Every pattern here runs on untrusted chat text, so none may backtrack more than linearly: a
# token pattern starts only where a token starts (`(?<!\S)`), a line pattern never crosses a
# line, and delimited spans (`\[ … \]`) are cut by `_strip_latex`, which looks for a missing
# closer once rather than once per opener.
_FENCED_CODE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LATEX_OPEN = re.compile(r"\$\$|\$|\\\[|\\\(|\\begin\{(\w+\*?)\}")
_LATEX_INLINE = re.compile(r"\$[^$\n]+\$")
_LATEX_END = re.compile(r"\\end\{(\w+\*?)\}")
_LATEX_CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_PLATFORM_TOKEN = re.compile(r"<(?:[@#!][^<>]*|a?:\w+:\d+|t:\d+(?::\w)?|https?://[^<>]*)>")
_MENTION = re.compile(r"(?<![\w@])@[\w.-]+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")
_CODE_LINE = re.compile(
    r"^(?:[ \t]{4,}|\t)\S.*$"  # indented block
    r"|^[^\S\n]*(?:>>>|\$ |#include|def |class \w+[:(]|import \w|from [\w.]+ import|return\b|"
    r"pip install|print\(|SELECT |for \w+ in .*:$|if .*:$|while .*:$).*$",
    re.MULTILINE,
)
# A token with code punctuation between word characters: model.generate(x), q_proj, r=8.
_CODE_TOKEN = re.compile(r"(?<!\S)(?:\S*\w[_=<>{}\[\]().\\|*^+]+\w\S*|\S*[_{}\[\]=<>|\\^]\S*)")
_NUMBER_TOKEN = re.compile(r"(?<!\S)\S*\d\S*")
# Acronyms and inner capitals: RAG, LLMs, LoRA, PyTorch (ASCII only, so Turkish İ is kept).
_ACRONYM = re.compile(r"(?<!\w)(?:[A-Z]{2,}s?|(?=[A-Za-z]*[a-z][A-Z])[A-Za-z]++)(?!\w)")
_SPACES = re.compile(r"\s+")


def strip_noise(text: str, glossary: Glossary | None = None) -> str:
    """The prose of a chat message: no code, URLs, mentions, numbers, LaTeX, acronyms or glossary
    terms, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    for pattern in (
        _FENCED_CODE,
        _INLINE_CODE,
        _strip_latex,
        _URL,
        _PLATFORM_TOKEN,
        _EMAIL,
        _MENTION,
        _EMOJI_CODE,
        _CODE_LINE,
        _LATEX_COMMAND,
        _CODE_TOKEN,
        _NUMBER_TOKEN,
        _ACRONYM,
    ):
        text = pattern(text) if callable(pattern) else pattern.sub(" ", text)
    if glossary is not None:
        text = glossary.remove(text)
    return _SPACES.sub(" ", text).strip()


def _strip_latex(text: str) -> str:
    """`text` without `$$…$$`, `$…$`, `\\[…\\]`, `\\(…\\)` and `\\begin{x}…\\end{x}`, each
    replaced by a space; the first closer after an opener ends it, as a lazy regex would."""
    ends: dict[str, list[int]] = {}
    for match in _LATEX_END.finditer(text):
        ends.setdefault(match.group(1), []).append(match.start())
    missing: set[str] = set()  # closers not found after some position: not after any later one
    pieces: list[str] = []
    kept = position = 0
    while (opener := _LATEX_OPEN.search(text, position)) is not None:
        end = _latex_end(text, opener, ends, missing)
        if end is None:
            position = opener.start() + 1
            continue
        pieces += [text[kept : opener.start()], " "]
        kept = position = end
    return "".join([*pieces, text[kept:]]) if pieces else text


def _latex_end(
    text: str, opener: re.Match[str], ends: dict[str, list[int]], missing: set[str]
) -> int | None:
    """Where the span `opener` starts ends, or None when it is not closed."""
    token = opener.group()
    if token == "$$":
        closed = _closer_after(text, "$$", opener.end(), missing)
        if closed is not None:
            return closed
        token = "$"  # then `$…$` is tried at the same place
    if token == "$":
        inline = _LATEX_INLINE.match(text, opener.start())
        return inline.end() if inline else None
    if token in _LATEX_CLOSERS:
        return _closer_after(text, _LATEX_CLOSERS[token], opener.end(), missing)
    name = opener.group(1)
    positions = ends.get(name, [])
    index = bisect_left(positions, opener.end())
    return positions[index] + len(name) + 6 if index < len(positions) else None


def _closer_after(text: str, closer: str, start: int, missing: set[str]) -> int | None:
    if closer in missing:
        return None
    found = text.find(closer, start)
    if found == -1:
        missing.add(closer)
        return None
    return found + len(closer)
