"""The interface catalog is complete for every language, with consistent placeholders.

Messages are extracted from the source the way `pybabel extract -k tr -k N_` does, so a new
user-visible string without translations fails here.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n.catalog import SUPPORTED, Catalog

ROOT = Path(__file__).parents[2]
LOCALES = ROOT / "bot" / "i18n" / "locales"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def messages() -> set[str]:
    found = extract_from_dir(str(ROOT / "bot"), keywords={"tr": None, "N_": None}, comment_tags=())
    return {message for _file, _line, message, _comments, _context in found if message}


COMPILE = "pybabel compile -d bot/i18n/locales -D messages"
TRANSLATED = [code for code in SUPPORTED if code != "en"]


def translations(language: str) -> dict[str, str]:
    """What the `.po` file translates: every message with a translation that isn't fuzzy."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"missing catalog {path}"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(language, messages):
    translated = translations(language)
    missing = sorted(messages - translated.keys())
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:3]}"
    for message in messages:
        expected = set(PLACEHOLDER.findall(message))
        assert set(PLACEHOLDER.findall(translated[message])) == expected, (language, message)


def test_translator_fills_placeholders_and_falls_back_to_english(tmp_path):
    catalog = Catalog(LOCALES)
    spanish = catalog.translator("es")
    assert spanish("Score: {score}/10", score=7) != "Score: 7/10"
    assert "7" in spanish("Score: {score}/10", score=7)
    assert catalog.translator("xx")("Score: {score}/10", score=7) == "Score: 7/10"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_bot_shows_what_the_po_file_says(language):
    """The bot reads the compiled `.mo`: one left behind by a `.po` edit would show old text."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.mo"
    assert path.is_file(), f"missing {path}: run {COMPILE}"
    with path.open("rb") as handle:
        compiled = {str(m.id): str(m.string) for m in read_mo(handle) if m.id}
    assert compiled == translations(language), f"{path} is out of date: run {COMPILE}"
    translator = Catalog(LOCALES).translator(language)
    assert all(translator(message) == text for message, text in compiled.items())
