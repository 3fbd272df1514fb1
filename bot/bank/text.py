"""Text clean-up for answers pulled out of PDFs: LaTeX to plain text, slugs, sentences."""

import re

_LATEX_SYMBOLS = {
    r"\approx": "≈",
    r"\leq": "≤",
    r"\le": "≤",
    r"\geq": "≥",
    r"\ge": "≥",
    r"\neq": "≠",
    r"\cdot": "·",
    r"\times": "×",
    r"\sum": "Σ",
    r"\prod": "Π",
    r"\infty": "∞",
    r"\alpha": "α",
    r"\beta": "β",
    r"\lambda": "λ",
    r"\theta": "θ",
    r"\sigma": "σ",
    r"\rightarrow": "→",
    r"\to": "→",
    r"\log": "log",
    r"\exp": "exp",
    r"\max": "max",
    r"\min": "min",
}
_FRAC = re.compile(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_TEXT = re.compile(r"\\(?:text|mathrm|mathbf|operatorname)\s*\{([^{}]*)\}")
_SPACING = re.compile(r"\\[,;:! ]")
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"\$([^$\n]+?)\$")


def latex_to_text(formula: str) -> str:
    """Readable plain text for the simple formulas interview answers contain."""
    parts = [part.strip() for part in formula.split(r"\quad") if part.strip()]
    # PDF extraction often renders a formula twice (text layer, then source): keep one copy.
    text = parts[0] if parts else ""
    text = _TEXT.sub(r"\1", text)
    while _FRAC.search(text):
        text = _FRAC.sub(lambda m: f"({_group(m[1])} / {_group(m[2])})", text)
    text = _SPACING.sub(" ", text)
    for command in sorted(_LATEX_SYMBOLS, key=len, reverse=True):
        text = re.sub(re.escape(command) + r"(?![A-Za-z])", _LATEX_SYMBOLS[command], text)
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def _group(expression: str) -> str:
    expression = expression.strip()
    atomic = re.fullmatch(r"[\w.^]+(?:\([^()]*\))?", expression)
    return expression if atomic else f"({expression})"


def replace_math(text: str) -> str:
    """Turn `$$...$$` and `$...$` into plain-text formulas."""
    text = _DISPLAY_MATH.sub(lambda m: latex_to_text(m[1]), text)
    return _INLINE_MATH.sub(lambda m: latex_to_text(m[1]), text)


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "and",
        "or",
        "is",
        "are",
        "was",
        "what",
        "how",
        "why",
        "when",
        "which",
        "who",
        "does",
        "do",
        "did",
        "can",
        "you",
        "your",
        "with",
        "by",
        "as",
        "at",
        "from",
        "into",
        "be",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "between",
        "vs",
        "versus",
        "explain",
        "describe",
        "compare",
        "walk",
        "through",
        "would",
        "should",
        "using",
        "use",
        "like",
        "e",
        "g",
    ]
)


def slugify(text: str, max_words: int = 5) -> str:
    """A short id from the significant words of a question."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    significant = [word for word in words if word not in _STOPWORDS] or words
    return "-".join(significant[:max_words]) or "question"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(*])")


def split_sentences(paragraph: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(paragraph) if part.strip()]
