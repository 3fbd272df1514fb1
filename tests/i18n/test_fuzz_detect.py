"""Property-based: language detection takes any chat text, in bounded and linear time."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n.detect import SUPPORTED, LanguageDetector, LanguageState
from bot.i18n.noise import strip_noise
from tests.linear import assert_linear

PIECES = [
    "hola", "qué", "the", "attention", "LoRA", "q_proj", "r=8", "f(x)", "`code`", "```", "$$",
    "$x$", "\\[", "\\]", "\\begin{eq}", "\\end{eq}", "<@U1|bob>", "<@", ">", "<#C1>", "@bob",
    "a.b@c.de", "https://x.y/z", "www.", ":smile:", "42", "1.5e-3", "注意力", "внимание", "ñ",
    "ş", "ơ", " ", "\n", "    ", "def f():", "$ pip install x", "language", "es", "auto",
]  # fmt: skip
chat = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=300).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=300).map("".join),
    st.text(max_size=1000),
)


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@settings(max_examples=150, deadline=1000)
@given(text=chat)
def test_any_text_gets_a_supported_language_or_none(detector: LanguageDetector, text: str):
    decision = detector.decide(LanguageState(), text, locale="es-ES", default="fr")
    assert decision.language in SUPPORTED
    assert decision.detected is None or decision.detected in SUPPORTED


@settings(max_examples=12, deadline=None)
@given(piece=st.sampled_from(PIECES), glue=st.sampled_from(["", " ", "\n"]))
def test_a_repeated_piece_costs_linear_time(piece: str, glue: str):
    unit = piece + glue
    assert_linear(lambda n: strip_noise(unit * (n // len(unit) + 1) + "x1"), 1000, factor=10)
