"""Which language the bot replies in.

A raw langdetect guess per chat message is wrong too often (short texts, English ML terms inside
Spanish or Hindi answers), so a guess only counts when it is trustworthy and then only moves the
reply language once it repeats:

1. Noise is removed first: code, URLs, mentions, numbers, LaTeX, acronyms and the English
   technical glossary (`bot.i18n.noise`, `bot.i18n.glossary`).
2. A script settles the language on its own: Hangul is Korean, kana Japanese, Han without kana
   Chinese, Devanagari Hindi, Arabic script Arabic, Cyrillic Russian (none of the other supported
   languages uses these scripts; `bot.i18n.scripts`).
3. Latin-script text needs `MIN_LETTERS` letters left before it counts; it then goes to a seeded
   langdetect restricted to the supported languages. Exceptions, exact rather than statistical
   (`bot.i18n.hints`): letters only one language uses (ñ, ş, ơ) decide at any length, and a
   short message made of known chat phrases of one language ("gracias", "não sei") counts.
4. Hysteresis: the detected language changes only when `SWITCH_AFTER` consecutive qualifying
   messages agree on the same new language.
5. Precedence: an explicit `language xx` choice, then a detected switch, then the platform
   locale, then the channel/tenant default, then English.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n.glossary import BankEntry, Glossary, build_glossary
from bot.i18n.hints import function_word_vote, letter_hint, phrase_hint
from bot.i18n.locale import primary_language
from bot.i18n.noise import strip_noise
from bot.i18n.scripts import MIN_SCRIPT_CHARS, non_latin_dominates, script_counts, script_language

if TYPE_CHECKING:
    from langdetect.detector import Detector
    from langdetect.detector_factory import DetectorFactory

SUPPORTED: tuple[str, ...] = (
    "en", "es", "fr", "de", "pt", "it", "hi", "zh", "ja", "ko", "ru", "ar", "tr", "vi", "id",
)  # fmt: skip
FALLBACK = "en"
AUTO = "auto"  # `language auto`: drop the explicit choice, follow detection again
MIN_LETTERS = 20  # Latin letters left after stripping before langdetect is asked at all
CERTAIN_SCRIPT_CHARS = 6  # script characters that make one message enough to switch
MIN_MARGIN = 0.05  # langdetect's answer must lead the next language by this (see `margin`)
SWITCH_AFTER = 2  # consecutive qualifying messages that must agree before switching
DEFAULT_SEED = 0
SAMPLE_CHARS = 500  # of stripped prose that scripts and langdetect are run on

# langdetect names its Chinese profiles by script; both mean "zh" here.
_PROFILES: dict[str, str] = {code: code for code in SUPPORTED if code != "zh"} | {
    "zh-cn": "zh",
    "zh-tw": "zh",
}
# Locale names that are not a supported code followed by a region ("in" is Java's old Indonesian).
_LOCALE_ALIASES: dict[str, str] = {"in": "id"}

# --- stripping -------------------------------------------------------------------------------
# --- locales and commands --------------------------------------------------------------------


def normalize_language(value: str | None) -> str | None:
    """A supported code for a language tag or platform locale ("es-ES", "pt_BR", "zh-CN",
    "es-419", "ja"), or None when it is empty or not supported."""
    if not value:
        return None
    primary = primary_language(value) or ""
    primary = _LOCALE_ALIASES.get(primary, primary)
    return primary if primary in SUPPORTED else None


# The same codes the engine's command parser accepts (`es`, `pt-BR`, `auto`): `language es-`
# is no command there, so it must not switch the language here either.
_COMMAND = re.compile(
    r"^\s*[/!]?(?:language|lang)\s+([a-z]{2}(?:[-_][a-z0-9]{2,3})?|auto|reset|default)\s*$",
    re.IGNORECASE,
)


def parse_language_command(text: str) -> str | None:
    """The code chosen by a `language xx` command (`AUTO` for `language auto`), else None."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    word = match.group(1).lower()
    if word in {AUTO, "reset", "default"}:
        return AUTO
    return normalize_language(word)


# --- per-user state --------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageState:
    """What one user's reply language depends on across messages; stored as JSON. Detection
    goes on while an explicit choice holds, so `language auto` returns to what the user writes."""

    explicit: str | None = None  # chosen with `language xx`
    detected: str | None = None  # the language detection last switched to
    candidate: str | None = None  # a different language seen in the last qualifying messages
    candidate_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "explicit": self.explicit,
            "detected": self.detected,
            "candidate": self.candidate,
            "candidate_count": self.candidate_count,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "LanguageState":
        """Tolerant of missing keys and of codes no longer supported (they are dropped)."""
        data = data or {}
        candidate = normalize_language(data.get("candidate"))
        count = data.get("candidate_count", 0)
        return cls(
            explicit=normalize_language(data.get("explicit")),
            detected=normalize_language(data.get("detected")),
            candidate=candidate,
            candidate_count=max(0, int(count)) if candidate and isinstance(count, int) else 0,
        )


@dataclass(frozen=True)
class Decision:
    """The outcome for one message."""

    language: str  # what the bot replies in
    state: LanguageState  # to store for the next message
    detected: str | None  # what this message was detected as; None when it did not qualify
    switched: bool  # the reply language differs from the one before this message


def implicit_language(state: LanguageState, locale: str | None, default: str | None) -> str:
    """The reply language without the explicit choice: detected, locale, default, English."""
    return state.detected or normalize_language(locale) or normalize_language(default) or FALLBACK


def reply_language(state: LanguageState, locale: str | None, default: str | None) -> str:
    return state.explicit or implicit_language(state, locale, default)


def advance(
    state: LanguageState, detected: str | None, current: str, *, certain: bool = False
) -> LanguageState:
    """One hysteresis step. `current` is the implicit language; a message that did not qualify
    (`detected` None) leaves everything as it was, one that matches `current` clears the
    candidate, and `SWITCH_AFTER` agreeing ones in a row switch."""
    if detected is None:
        return state
    if detected == current:
        return replace(state, candidate=None, candidate_count=0)
    if certain and state.detected is None:
        # Away from a mere locale or default, one unmistakable message is enough (its script,
        # or letters only that language has, over a full sentence): nothing noisy to damp.
        return replace(state, detected=detected, candidate=None, candidate_count=0)
    count = state.candidate_count + 1 if detected == state.candidate else 1
    if count >= SWITCH_AFTER:
        return replace(state, detected=detected, candidate=None, candidate_count=0)
    return replace(state, candidate=detected, candidate_count=count)


def step(
    state: LanguageState,
    *,
    detected: str | None = None,
    command: str | None = None,
    locale: str | None = None,
    default: str | None = None,
    certain: bool = False,
) -> Decision:
    """The decision for one message, given what it was detected as or the `language xx`
    command it carries (see `parse_language_command`). Pure: `LanguageDetector.decide` supplies
    the detection."""
    before = reply_language(state, locale, default)
    if command is not None:
        new_state = replace(state, explicit=None if command == AUTO else command)
        detected = None
    else:
        current = implicit_language(state, locale, default)
        new_state = advance(state, detected, current, certain=certain)
    language = reply_language(new_state, locale, default)
    return Decision(language, new_state, detected, switched=language != before)


# --- the detector ----------------------------------------------------------------------------


class LanguageDetector:
    """Detects the language of chat messages; langdetect is loaded on first use, with only the
    supported languages' profiles and a fixed seed so that a text always gets the same answer."""

    def __init__(
        self,
        glossary: Glossary | None = None,
        *,
        seed: int = DEFAULT_SEED,
        min_letters: int = MIN_LETTERS,
        hints: bool = True,
        min_margin: float = MIN_MARGIN,
        profiles_dir: Path | None = None,
    ) -> None:
        self.glossary = glossary if glossary is not None else build_glossary()
        self.seed = seed
        self.min_letters = min_letters
        self.hints = hints  # letters and chat phrases of one language (`bot.i18n.hints`)
        self.min_margin = min_margin
        self._profiles_dir = profiles_dir
        # `decide` reads one message twice (detect, then unmistakable): the last text's stripped
        # prose and langdetect's answer for it are kept, so neither is computed twice.
        self._cleaned: tuple[str, str] | None = None
        self._guessed: tuple[str, str | None] | None = None

    @classmethod
    def for_bank(cls, entries: Iterable[BankEntry], **options: Any) -> "LanguageDetector":
        """A detector whose glossary includes the technical terms of a bank's entries."""
        return cls(build_glossary(entries), **options)

    @cached_property
    def _factory(self) -> "DetectorFactory":
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        folder = self._profiles_dir or Path(PROFILES_DIRECTORY)
        factory = DetectorFactory()
        factory.load_json_profile(
            [(folder / name).read_text(encoding="utf-8") for name in sorted(_PROFILES)]
        )
        factory.set_seed(self.seed)
        return factory

    def clean(self, text: str) -> str:
        """The prose detection reads: `text` without noise, at most `SAMPLE_CHARS` of it (a
        language shows in a few sentences; per-character scoring of more only costs time)."""
        if self._cleaned is not None and self._cleaned[0] == text:
            return self._cleaned[1]
        prose = strip_noise(text)[: 3 * SAMPLE_CHARS]  # the glossary goes word by word
        cleaned = strip_noise(prose, self.glossary)[:SAMPLE_CHARS]
        self._cleaned = (text, cleaned)
        return cleaned

    def detect(self, text: str) -> str | None:
        """The language of `text`, or None when the message should not count."""
        cleaned = self.clean(text)
        counts = script_counts(cleaned)
        if non_latin_dominates(counts):
            return script_language(cleaned)
        if self.hints and counts.get("latin", 0) >= MIN_SCRIPT_CHARS:
            by_letters = letter_hint(cleaned)
            if by_letters is not None:
                return by_letters
        if counts.get("latin", 0) >= self.min_letters:
            return self.guess(cleaned)
        return phrase_hint(cleaned) if self.hints else None

    def guess(self, text: str) -> str | None:
        """langdetect's answer for `text` (no stripping, no minimum) as a supported code, or
        None when it is not clearly ahead (see `margin`)."""
        if self._guessed is not None and self._guessed[0] == text:
            return self._guessed[1]
        answer = self._guess(text)
        self._guessed = (text, answer)
        return answer

    def _guess(self, text: str) -> str | None:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            name = detector.detect()
        except LangDetectException:  # no usable n-grams
            return None
        if self.min_margin > 0:
            lead, runner_up = self.margin(detector, name)
            if lead < self.min_margin:
                # A near tie between two close languages (es/pt, it/es, ...): their function
                # words usually settle it; otherwise the message doesn't count.
                if not self.hints or runner_up is None:
                    return None
                return function_word_vote(text, (_PROFILES[name], runner_up))
        return _PROFILES.get(name)

    def margin(self, detector: "Detector", name: str) -> tuple[float, str | None]:
        """How far profile `name` leads every other language's profile for the detector's text,
        in mean log-likelihood per n-gram (negative when it does not lead), and the runner-up.

        langdetect samples n-grams at random and reports near-certain probabilities even for a
        29-letter text that fits French almost as well as English; this deterministic score
        over all the text's n-grams tells a clear answer from a coin toss."""
        detector.cleaning_text()
        ngrams = detector._extract_ngrams()  # langdetect has no public n-gram accessor
        factory = self._factory
        smoothing = detector.alpha / detector.BASE_FREQ
        totals = dict.fromkeys(factory.langlist, 0.0)
        for ngram in ngrams:
            for other, probability in zip(
                factory.langlist, factory.word_lang_prob_map[ngram], strict=True
            ):
                totals[other] += math.log(smoothing + probability)
        code = _PROFILES.get(name)
        others = {
            _PROFILES[other]: total for other, total in totals.items() if _PROFILES[other] != code
        }
        runner_up = max(others, key=lambda other: others[other]) if others else None
        lead = (totals[name] - others[runner_up]) / max(1, len(ngrams)) if runner_up else 0.0
        return lead, runner_up

    def decide(
        self,
        state: LanguageState,
        text: str,
        *,
        locale: str | None = None,
        default: str | None = None,
    ) -> Decision:
        """The reply language for one message from a user in `state`, and the state to store.
        `locale` is the platform's (Discord/Slack) locale, `default` the channel/tenant one."""
        command = parse_language_command(text)
        detected = None if command is not None else self.detect(text)
        certain = detected is not None and self.unmistakable(text, detected)
        return step(
            state,
            detected=detected,
            command=command,
            locale=locale,
            default=default,
            certain=certain,
        )

    def unmistakable(self, text: str, detected: str) -> bool:
        """A full sentence whose script, or whose letters found in only one language, say
        `detected`, and (for Latin script) langdetect agrees."""
        cleaned = self.clean(text)
        counts = script_counts(cleaned)
        if non_latin_dominates(counts):
            return sum(counts.values()) - counts.get("latin", 0) >= CERTAIN_SCRIPT_CHARS
        if counts.get("latin", 0) < self.min_letters or not self.hints:
            return False
        return letter_hint(cleaned) == detected and self.guess(cleaned) == detected
