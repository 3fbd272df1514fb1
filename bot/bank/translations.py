"""The bank in other languages: `knowledge/translations/<lang>.yaml`, beside the English bank.

Each file maps question ids to the translated question, key points and follow-ups (item i
translates item i), and sometimes the reference answer. Anything missing falls back to English.
"""

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from bot.bank.models import Question, Text
from bot.errors import BankError


class TranslatedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Text
    key_points: list[Text]
    follow_ups: list[Text] = []
    reference: Text | None = None


class BankTranslations:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._load = cache(self._read)

    def languages(self) -> list[str]:
        return sorted(path.stem for path in self._folder.glob("*.yaml"))

    def entry(self, language: str, question_id: str) -> TranslatedEntry | None:
        return self._load(language).get(question_id)

    def localize(
        self, question: Question, language: str, fallback: TranslatedEntry | None = None
    ) -> Question:
        """The question in `language` where a matching translation exists (the shipped one, else
        `fallback`), else as it is."""
        entry = self.entry(language, question.id) if language != "en" else None
        entry = entry or (fallback if language != "en" else None)
        if entry is None or len(entry.key_points) != len(question.key_points):
            return question  # a translation out of step with the English entry is not used
        follow_ups = (
            entry.follow_ups
            if len(entry.follow_ups) == len(question.follow_ups)
            else question.follow_ups
        )
        return question.model_copy(
            update={
                "question": entry.question,
                "key_points": entry.key_points,
                "follow_ups": follow_ups,
                "reference": entry.reference or question.reference,
            }
        )

    def has_reference(self, language: str, question_id: str) -> bool:
        entry = self.entry(language, question_id)
        return entry is not None and entry.reference is not None

    def _read(self, language: str) -> dict[str, TranslatedEntry]:
        path = self._folder / f"{language}.yaml"
        if not path.is_file():
            return {}
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            return {
                question_id: TranslatedEntry.model_validate(entry)
                for question_id, entry in (data.get("questions") or {}).items()
            }
        except (yaml.YAMLError, ValueError, AttributeError) as exc:
            raise BankError(f"unreadable translation: {exc}", path=str(path)) from exc
