"""Slash-command names and descriptions in the user's Discord language, from the engine's catalog.

discord.py asks for every string of every command in every Discord locale when commands are
synced. A string without a translation (or in English) returns None, so Discord shows English.
Translated names are used only when they are valid command names; everything else is cut to
Discord's 100-character limit.
"""

import re
from collections.abc import Callable, Iterable

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.i18n.catalog import Translator
from bot.i18n.locale import primary_language

NAME = re.compile(r"^[-_\w]{1,32}$")
NAME_LOCATIONS = frozenset({Where.command_name, Where.group_name, Where.parameter_name})
TEXT_LIMIT = 100
# Discord locales that don't map to a catalog language by their prefix.
SKIPPED_LOCALES = frozenset({"zh-TW"})  # traditional Chinese; the catalog's `zh` is simplified


def language_of(locale: discord.Locale | str | None) -> str | None:
    """The catalog language for a Discord locale ("es-ES" -> "es"), or None."""
    if locale is None:
        return None
    code = locale.value if isinstance(locale, discord.Locale) else str(locale)
    if code in SKIPPED_LOCALES:
        return None
    return primary_language(code)


class CommandTranslator(app_commands.Translator):
    def __init__(self, translator: Callable[[str], Translator], languages: Iterable[str]) -> None:
        self._translator = translator
        self._languages = frozenset(languages) - {"en"}

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = language_of(locale)
        if language not in self._languages:
            return None
        assert language is not None
        text = self._translator(language)(string.message)
        if text == string.message:
            return None
        if context.location in NAME_LOCATIONS:
            return text if NAME.fullmatch(text) and text == text.lower() else None
        return text[:TEXT_LIMIT]
