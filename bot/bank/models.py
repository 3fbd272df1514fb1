"""The schema of one bank entry (see knowledge/README.md)."""

import hashlib
import json
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

GLOBAL_TENANT = "global"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]


class Question(BaseModel):
    """One interview question with its reference answer and grading rubric."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    number: int = Field(ge=1)
    topic: Slug
    difficulty: int = Field(ge=1, le=3)
    question: Text
    reference: Text
    key_points: list[Text] = Field(min_length=1, max_length=7)
    follow_ups: list[Text] = Field(default_factory=list, max_length=3)
    # Item i: the key points an answer to follow_ups[i] should make (its own grading rubric).
    follow_up_points: list[list[Text]] = Field(default_factory=list, max_length=3)
    tags: list[Text] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _points_match_follow_ups(self) -> "Question":
        if len(self.follow_up_points) > len(self.follow_ups):
            raise ValueError("follow_up_points has more items than follow_ups")
        if any(not points for points in self.follow_up_points):
            raise ValueError("each item of follow_up_points needs at least one key point")
        return self

    def embedding_text(self) -> str:
        """What the store embeds: the question and its key points say what the entry is about."""
        return "\n".join([self.question, *self.key_points])

    def content_hash(self, model_id: str) -> str:
        """Changes when the entry or the embedding model changes; ingest skips the rest."""
        payload = json.dumps([model_id, self.model_dump(mode="json")], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_public_json(self) -> dict:
        return self.model_dump(mode="json")
