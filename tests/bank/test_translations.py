"""The shipped translations line up with the English bank, and questions localize."""

import pytest

from bot.bank.loader import load_bank
from bot.bank.translations import BankTranslations
from bot.config import Settings
from bot.i18n.catalog import SUPPORTED
from bot.resources import resource_dir

WITH_REFERENCES = {"es", "fr", "de", "pt", "hi", "zh", "ja"}


@pytest.fixture(scope="module")
def bank():
    return load_bank(Settings(_env_file=None).bank_dir)


@pytest.fixture(scope="module")
def translations():
    return BankTranslations(resource_dir("knowledge") / "translations")


@pytest.mark.parametrize("language", [code for code in SUPPORTED if code != "en"])
def test_every_question_is_translated_item_for_item(language, bank, translations):
    for question in bank:
        entry = translations.entry(language, question.id)
        assert entry is not None, (language, question.id)
        assert len(entry.key_points) == len(question.key_points), (language, question.id)
        assert len(entry.follow_ups) == len(question.follow_ups), (language, question.id)
        assert entry.question != question.question
        if language in WITH_REFERENCES:
            assert entry.reference, (language, question.id)


def test_localize_falls_back_to_english_where_there_is_no_translation(bank, translations):
    dropout = next(q for q in bank if q.id == "attention-dropout")
    spanish = translations.localize(dropout, "es")
    korean = translations.localize(dropout, "ko")
    assert spanish.question != dropout.question and spanish.reference != dropout.reference
    assert korean.question != dropout.question and korean.reference == dropout.reference
    assert translations.localize(dropout, "en") == dropout
    assert translations.localize(dropout, "xx") == dropout
