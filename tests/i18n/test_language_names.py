"""Messages name languages ("French"), in the reader's language, instead of showing codes."""

from pathlib import Path

from bot.i18n.catalog import Catalog

LOCALES = Path(__file__).parents[2] / "bot" / "i18n" / "locales"


def test_language_names_are_in_the_readers_language():
    catalog = Catalog(LOCALES)
    assert catalog.translator("en").language_name("fr") == "French"
    assert catalog.translator("de").language_name("fr") == "Französisch"
    assert catalog.translator("ja").language_name("en") == "英語"


def test_an_unknown_code_is_shown_as_it_is():
    assert Catalog(LOCALES).translator("en").language_name("not a code") == "not a code"
