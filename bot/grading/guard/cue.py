"""Trigger-gated patterns: a cheap substring check decides which regexes are worth trying."""

import re
from collections.abc import Iterator


class Cue:
    """Alternative patterns, each tried only when one of its trigger substrings is in the text."""

    def __init__(self, *parts: tuple[str, str], flags: int = 0) -> None:
        self._parts = [
            (tuple(t.split("|")) if t else (), re.compile(p, re.I | flags)) for t, p in parts
        ]

    def _live(self, low: str):
        has = low.__contains__
        return [rx for triggers, rx in self._parts if not triggers or any(map(has, triggers))]

    def finditer(self, text: str, low: str) -> Iterator[re.Match[str]]:
        for rx in self._live(low):
            yield from rx.finditer(text)

    def search(self, text: str, low: str) -> bool:
        return any(rx.search(text) for rx in self._live(low))

    def at(self, text: str, low: str, starts: list[int]) -> Iterator[re.Match[str]]:
        """Matches that begin at one of the clause starts."""
        live = self._live(low)
        for start in starts if live else ():
            for rx in live:
                match = rx.match(text, start)
                if match:
                    yield match
