"""The reply-language decision: what language the bot answers a user in, message by message."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import language_cli
from bot.bank.loader import load_bank
from bot.config import Settings
from bot.errors import UserError
from bot.i18n.detect import (
    AUTO,
    LanguageDetector,
    LanguageState,
    normalize_language,
    parse_language_command,
)
from bot.i18n.glossary import Glossary, build_glossary
from bot.i18n.hints import SHORT_PHRASES, letter_hint, normalize, phrase_hint
from bot.i18n.noise import strip_noise
from bot.i18n.replay import replay
from bot.i18n.scripts import script_language
from tests.linear import assert_linear

SPANISH_ANSWER = (
    "Uso LoRA adapters en attention layers del transformer, fine-tuning con prompt tuning, "
    "embeddings y RAG pipeline con vector store y reranker para el retrieval."
)
HINDI_ANSWER = (
    "मेरे हिसाब से fine-tuning में LoRA adapters attention layers पर लगाते हैं, और RAG pipeline "
    "में embeddings से retrieval होता है।"
)
ENGLISH = [
    "I think the KV cache stores keys and values so decoding only attends to the new token.",
    "Sorry, could you ask me the next question in English from now on please?",
]
SPANISH = [
    "Creo que el KV cache guarda las keys y values para no recalcular todo en cada paso.",
    "No estoy seguro, pero la quantization reduce la memoria y acelera bastante la inferencia.",
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    """One detector (glossary from the shipped bank, langdetect loaded once) for the module."""
    return LanguageDetector.for_bank(load_bank(Settings(_env_file=None).bank_dir))


def converse(
    detector: LanguageDetector,
    messages: list[str],
    *,
    locale: str | None = None,
    default: str | None = None,
    state: LanguageState | None = None,
) -> tuple[list[str], LanguageState]:
    """The reply language after each message, and the final state."""
    state = state or LanguageState()
    replies = []
    for text in messages:
        decision = detector.decide(state, text, locale=locale, default=default)
        replies.append(decision.language)
        state = decision.state
    return replies, state


# --- script shortcuts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("다음 질문 주세요", "ko"),
        ("네", "ko"),
        ("次の問題をお願いします", "ja"),
        ("はい", "ja"),
        ("我觉得注意力机制很重要", "zh"),
        ("你好", "zh"),  # short, but 你 is not Japanese
        ("मुझे नहीं पता", "hi"),
        ("لا أعرف الإجابة", "ar"),
        ("не знаю", "ru"),
    ],
)
def test_a_script_settles_the_language(detector, text, language):
    assert script_language(text) == language
    assert detector.detect(text) == language


def test_short_all_kanji_is_not_taken_for_chinese(detector):
    assert detector.detect("了解") is None  # Japanese "understood"; too short to tell


def test_english_quoting_a_foreign_word_is_not_a_script_switch():
    assert script_language("what does the word 注意 mean in this paper about attention") is None


# --- stripping and the glossary ----------------------------------------------------------------


def test_a_spanish_answer_full_of_english_ml_terms_stays_spanish(detector):
    unstripped = LanguageDetector(Glossary(), min_margin=0)
    assert unstripped.detect(SPANISH_ANSWER) == "en"  # why the glossary exists
    assert detector.detect(SPANISH_ANSWER) == "es"
    replies, _ = converse(detector, [SPANISH_ANSWER, SPANISH_ANSWER], locale="es-ES")
    assert replies == ["es", "es"]


def test_a_devanagari_hindi_answer_with_english_terms_stays_hindi(detector):
    assert detector.detect(HINDI_ANSWER) == "hi"
    replies, _ = converse(detector, [HINDI_ANSWER, HINDI_ANSWER], locale="hi")
    assert replies == ["hi", "hi"]


def test_code_urls_mentions_numbers_and_latex_do_not_count(detector):
    text = (
        "<@123456789> @maria ```python\nmodel = AutoModel.from_pretrained('bert-base')\n```\n"
        "see https://arxiv.org/abs/1706.03762 and $\\mathrm{softmax}(QK^T/\\sqrt{d_k})$ "
        "`q_proj` 42 0.1 GPT-4"
    )
    assert detector.clean(text) == "see and"
    assert detector.detect(text) is None


def test_the_glossary_comes_from_the_bank_it_is_given(tmp_path):
    source = Settings(_env_file=None).bank_dir / "01-attention-dropout.yaml"
    entry = source.read_text(encoding="utf-8").replace(
        "tags: [attention, dropout,", "tags: [zorblax-tuning, dropout,"
    )
    (tmp_path / "01-entry.yaml").write_text(entry, encoding="utf-8")
    glossary = build_glossary(load_bank(tmp_path))
    assert "zorblax-tuning" in glossary and "zorblax tuning" in glossary
    assert "zorblax tuning" not in build_glossary()  # curated terms only
    assert glossary.remove("el Zorblax-Tuning y los Transformers") == "el   y los  "


def test_the_shipped_glossary_has_tags_and_frequent_technical_tokens_but_not_plain_words():
    glossary = build_glossary(load_bank(Settings(_env_file=None).bank_dir))
    for term in ("kv-cache", "lora", "qlora", "self-attention", "bert", "word2vec", "embeddings"):
        assert term in glossary
    for word in ("the", "because", "text", "zero", "em", "de"):
        assert word not in glossary


# --- the minimum amount of text ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["ok", "next", "hint", "👍", "sure, why not", "k, dale"])
def test_short_messages_do_not_count(detector, text):
    assert detector.detect(text) is None
    state = LanguageState(candidate="fr", candidate_count=1)
    assert detector.decide(state, text, locale="es").state == state


def test_langdetect_is_not_asked_below_the_minimum(detector):
    assert detector.detect("la pregunta es rara") is None  # 16 letters of ambiguous Spanish


def test_known_chat_phrases_and_own_letters_count_despite_being_short(detector):
    assert detector.detect("gracias!") == "es"
    assert detector.detect("não sei") == "pt"
    assert detector.detect("tiếp") == "vi"
    assert detector.detect("ok, teşekkürler") == "tr"


def test_hint_phrases_belong_to_one_language_each():
    seen: dict[str, str] = {}
    for language, phrases in SHORT_PHRASES.items():
        for phrase in phrases:
            assert normalize(phrase) == phrase
            assert seen.setdefault(phrase, language) == language, phrase
    assert phrase_hint("next") is None  # no English list: commands are typed in English by all
    assert letter_hint("a naïve Bayes baseline") is None
    assert letter_hint("¿y el KV cache?") == "es"


# --- hysteresis --------------------------------------------------------------------------------


def test_one_english_message_does_not_flip_a_spanish_user_two_do(detector):
    replies, _ = converse(detector, [SPANISH[0], ENGLISH[0], SPANISH[1]], locale="es-ES")
    assert replies == ["es", "es", "es"]
    replies, state = converse(detector, [SPANISH[0], ENGLISH[0], ENGLISH[1]], locale="es-ES")
    assert replies == ["es", "es", "en"]
    assert state.detected == "en"


def test_a_short_message_between_two_agreeing_ones_does_not_reset_the_count(detector):
    replies, _ = converse(detector, [ENGLISH[0], "ok", ENGLISH[1]], locale="es")
    assert replies == ["es", "es", "en"]


def test_an_english_locale_user_writing_spanish_is_followed_on_the_second_message(detector):
    replies, _ = converse(detector, ["hola", *SPANISH], locale="en-US")
    assert replies == ["en", "es", "es"]


def test_ambiguous_english_does_not_switch_an_english_user_to_french(detector):
    messages = ["let's switch to questions about evaluation", "can I get an easier question please"]
    replies, _ = converse(detector, messages, locale="en-US")
    assert replies == ["en", "en"]


def test_switched_is_reported_once(detector):
    state = LanguageState()
    flags = []
    for text in [*SPANISH, SPANISH_ANSWER]:
        decision = detector.decide(state, text, locale="en-GB")
        flags.append(decision.switched)
        state = decision.state
    assert flags == [False, True, False]


# --- precedence --------------------------------------------------------------------------------


def test_precedence_explicit_then_detected_then_locale_then_default_then_english(detector):
    assert converse(detector, ["ok"])[0] == ["en"]
    assert converse(detector, ["ok"], default="de")[0] == ["de"]
    assert converse(detector, ["ok"], locale="fr-FR", default="de")[0] == ["fr"]
    replies, state = converse(detector, SPANISH, locale="fr-FR", default="de")
    assert replies[-1] == "es"
    replies, state = converse(detector, ["language it", *SPANISH], locale="fr", state=state)
    assert replies == ["it", "it", "it"]
    replies, _ = converse(detector, ["language auto"], locale="fr", state=state)
    assert replies == ["es"]


def test_an_unsupported_locale_falls_back_to_the_channel_default(detector):
    assert converse(detector, ["ok"], locale="nb-NO", default="pt")[0] == ["pt"]


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("es-ES", "es"),
        ("es-419", "es"),
        ("es-LA", "es"),
        ("pt-BR", "pt"),
        ("zh-CN", "zh"),
        ("zh-TW", "zh"),
        ("en-GB", "en"),
        ("ja", "ja"),
        ("pt_BR", "pt"),
        ("in", "id"),
        ("nb", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_locales_map_to_supported_codes(locale, language):
    assert normalize_language(locale) == language


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("language es", "es"),
        ("/language pt-BR", "pt"),
        ("Language FR", "fr"),
        ("language auto", AUTO),
        ("language xx", None),
        ("language is hard", None),
        ("what language is this", None),
    ],
)
def test_language_commands(text, choice):
    assert parse_language_command(text) == choice


# --- stored state ------------------------------------------------------------------------------


def test_state_round_trips_through_json(detector):
    _, state = converse(detector, ["language ko", SPANISH[0], "ok"], locale="en")
    assert state.explicit == "ko" and state.candidate == "es"
    assert LanguageState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_stored_state_from_an_older_or_foreign_version_is_tolerated():
    state = LanguageState.from_dict({"explicit": "xx", "detected": "pt-BR", "extra": 1})
    assert state == LanguageState(detected="pt")
    assert LanguageState.from_dict(None) == LanguageState()


# --- replay and its command --------------------------------------------------------------------


def test_replay_gives_one_decision_per_message_and_keeps_users_apart(detector):
    lines = [
        {"user": "ana", "text": SPANISH[0], "locale": "en-US"},
        {"user": "bob", "text": ENGLISH[0], "locale": "en-US"},
        {"user": "ana", "text": SPANISH[1], "locale": "en-US"},
        {"user": "bob", "text": "ok", "locale": "en-US"},
    ]
    assert list(replay(lines, detector=detector)) == [
        {"language": "en", "detected": "es", "switched": False},
        {"language": "en", "detected": "en", "switched": False},
        {"language": "es", "detected": "es", "switched": True},
        {"language": "en", "detected": None, "switched": False},
    ]


def replay_command(path: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    language_cli.add_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(["language", "replay", path])


def test_the_replay_command_prints_jsonl(tmp_path, capsys):
    chat = tmp_path / "chat.jsonl"
    lines = [{"user": "u", "text": text, "locale": "es-ES"} for text in [SPANISH[0], "ok"]]
    chat.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    assert language_cli.run(replay_command(str(chat))) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [
        {"language": "es", "detected": "es", "switched": False},
        {"language": "es", "detected": None, "switched": False},
    ]


def test_the_replay_command_locates_bad_lines(tmp_path):
    chat = tmp_path / "chat.jsonl"
    chat.write_text('{"user": "u", "text": "hola"}\nnot json\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"chat.jsonl:2: not JSON"):
        language_cli.run(replay_command(str(chat)))
    with pytest.raises(UserError, match="no such file"):
        language_cli.run(replay_command(str(tmp_path / "missing.jsonl")))


def test_importing_loads_no_langdetect_and_reads_no_data():
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: event == 'open' and opened.append(str(args[0])))\n"
        "import bot.i18n.detect, bot.i18n.glossary, bot.i18n.replay, bot.language_cli\n"
        "assert 'langdetect' not in sys.modules, 'langdetect imported'\n"
        "data = [p for p in opened if p.endswith(('.yaml', '.json')) or 'profiles' in p]\n"
        "assert not data, data\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_close_languages_are_told_apart_by_function_words():
    from bot.i18n.hints import function_word_vote

    assert (
        function_word_vote("quero praticar perguntas sobre isso, você pode?", ("es", "pt")) == "pt"
    )
    assert function_word_vote("quiero practicar, pero tengo poco tiempo", ("es", "pt")) == "es"
    assert function_word_vote("transformer attention", ("es", "pt")) is None


def test_one_unmistakable_message_moves_off_a_mere_locale(detector):
    from bot.i18n.detect import LanguageState

    vietnamese = "chào buổi sáng, cho mình một câu hỏi về embeddings hôm nay nhé"
    decision = detector.decide(LanguageState(), vietnamese, locale="en-US")
    assert decision.language == "vi" and decision.switched
    jalapeno = "I ate a jalapeño before the interview about transformers"
    assert detector.decide(LanguageState(), jalapeno, locale="en-US").language == "en"
    spanish_user = detector.decide(LanguageState(), "hola, ¿me das una pregunta?", locale="es-ES")
    settled = LanguageState(detected="es")
    russian_quote = detector.decide(settled, "он сказал: трансформеры работают", locale="es-ES")
    assert spanish_user.language == "es"
    assert russian_quote.language == "es"  # a detected language still needs two messages


# One word of many thousand characters froze the event loop for minutes: the token patterns
# tried every position of the word and scanned to its end from each.
@pytest.mark.parametrize(
    "unit", ["a", "a.", "é", "1", "<@", "\\[", "\\begin{x}", "aA", " \n", "x@", "$$a"]
)
def test_noise_stripping_takes_linear_time_on_hostile_text(unit: str):
    assert_linear(lambda n: strip_noise(unit * (n // len(unit)) + "1"), 2000, factor=8)


def test_linear_stripping_removes_what_it_removed_before():
    text = (
        "Uso $x^2$ y $$\\sum_i$$ y \\[a\\] y \\(b\\) \\begin{eq}x\\end{eq} fin; "
        "mail a.b+c@d.com, <@U123|bob>, LoRA, PyTorch, q_proj, r=8, model.generate(x), 42x"
    )
    assert strip_noise(text) == "Uso y y y fin; mail , , , ,"
