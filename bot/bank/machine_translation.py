"""Translating a bank entry with the LLM the first time a user needs it in a language the
shipped translations don't cover (an imported bank, say). Stored in the database, so each entry
is translated once per language."""

import json
import logging
from typing import Protocol

from bot.bank.models import Question
from bot.bank.translations import TranslatedEntry
from bot.llm.chat import ChatModel, LLMUnavailable
from bot.llm.prompts import PromptLibrary

log = logging.getLogger(__name__)


class TranslationStore(Protocol):
    """Where machine translations are kept, by content hash and language (the database)."""

    async def machine_translation(self, content_hash: str, language: str) -> dict | None: ...
    async def save_machine_translation(
        self, question_id: str, content_hash: str, language: str, entry: dict
    ) -> None: ...


class MachineTranslator:
    PROMPT = "translate"

    def __init__(
        self, chat: ChatModel, prompts: PromptLibrary, repository: TranslationStore
    ) -> None:
        self._chat = chat
        self._prompts = prompts
        self._repo = repository

    async def translate(self, question: Question, language: str) -> TranslatedEntry | None:
        """The stored translation, or a new one; None if the LLM can't make one now."""
        digest = question.content_hash(self._prompts.get(self.PROMPT).tag)
        stored = await self._repo.machine_translation(digest, language)
        if stored is not None:
            return TranslatedEntry.model_validate(stored)
        entry = {
            "question": question.question,
            "key_points": question.key_points,
            "follow_ups": question.follow_ups,
            "reference": question.reference,
        }
        prompt = self._prompts.get(self.PROMPT).render(
            language=language, entry=json.dumps(entry, ensure_ascii=False, indent=2)
        )
        try:
            completion = await self._chat.structured(TranslatedEntry, [("human", prompt)])
        except LLMUnavailable as exc:
            log.warning("could not translate %s to %s: %s", question.id, language, exc.reason)
            return None
        translated = completion.value
        if len(translated.key_points) != len(question.key_points):
            return None  # not item for item: unusable for grading
        await self._repo.save_machine_translation(
            question.id, digest, language, translated.model_dump()
        )
        return translated
