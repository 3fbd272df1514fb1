"""The interface text in every supported language: gettext catalogs (`.po`) read with Babel.

Message ids are the English text with `{name}` placeholders; a missing translation falls back to
English, and placeholders are filled after translation.
"""

from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

SUPPORTED = (
    "en",
    "es",
    "fr",
    "de",
    "pt",
    "it",
    "hi",
    "zh",
    "ja",
    "ko",
    "ru",
    "ar",
    "tr",
    "vi",
    "id",
)
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translated later, where it is shown."""
    return message


class Translator:
    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self._messages = messages

    def __call__(self, message: str, /, **params: object) -> str:
        text = self._messages.get(message) or message
        return text.format(**params) if params else text

    def language_name(self, code: str) -> str:
        """The name of language `code` in this translator's language ("fr" -> "French",
        or "Französisch" in German), from Babel's locale data; `code` itself if Babel has none."""
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(code).get_display_name(self.language) or code
        except (ValueError, UnknownLocaleError):
            return code


class Catalog:
    def __init__(self, locales_dir: Path, languages: Iterable[str] = SUPPORTED) -> None:
        self._dir = locales_dir
        self.languages = tuple(languages)
        self._loaded: dict[str, Translator] = {}

    def translator(self, language: str) -> Translator:
        if language not in self.languages:
            language = "en"
        if language not in self._loaded:
            self._loaded[language] = Translator(language, self._read(language))
        return self._loaded[language]

    def _read(self, language: str) -> dict[str, str]:
        path = self._dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if language == "en" or not path.is_file():
            return {}
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        return {
            str(message.id): str(message.string)
            for message in catalog
            if message.id
            and isinstance(message.string, str)
            and message.string
            and not message.fuzzy
        }
