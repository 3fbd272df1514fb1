"""Prompt templates as files (`prompts/<name>.md`), each with a version in its front matter."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

import yaml

from bot.errors import ConfigError

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: Template

    @property
    def tag(self) -> str:
        """`name@version`, recorded with every grade made from this prompt."""
        return f"{self.name}@{self.version}"

    def render(self, **values: object) -> str:
        """Fill every placeholder; a missing one is a bug, so it raises."""
        return self.template.substitute({key: str(value) for key, value in values.items()})


class PromptLibrary:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._load = cache(self._read)

    def get(self, name: str) -> Prompt:
        return self._load(name)

    def _read(self, name: str) -> Prompt:
        path = self._folder / f"{name}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"prompt {name!r} not found at {path}") from exc
        match = _FRONT_MATTER.match(text)
        meta = yaml.safe_load(match.group(1)) if match else None
        if not isinstance(meta, dict) or "version" not in meta:
            raise ConfigError(f"{path}: missing front matter with a version")
        return Prompt(name, str(meta["version"]), Template(text[match.end() :].strip()))
