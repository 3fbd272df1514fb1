"""Trigger-gated patterns: a cheap substring check decides which regexes are worth trying."""

import re
from collections.abc import Iterator
from functools import cached_property

from bot.grading.guard.vocabulary import POLITE

_FILLERS = re.compile(POLITE, re.I)


class Cue:
    """Alternative patterns, each tried only when one of its trigger substrings is in the text."""

    def __init__(self, *parts: tuple[str, str], flags: int = 0) -> None:
        self._sources = parts
        self._flags = re.I | flags

    @cached_property
    def _parts(self) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
        """Compiled on first use, not at import: start-up doesn't pay for the guard's patterns."""
        return [
            (tuple(t.split("|")) if t else (), re.compile(p, self._flags)) for t, p in self._sources
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
        """Matches that begin at one of the clause starts.

        A pattern that opens with the polite fillers reads the same from every start inside a
        run of fillers ("and and … give"), so it is tried at the first start of the run only:
        trying it at each would take time quadratic in the run's length."""
        live = self._live(low)
        polite = [rx.pattern.startswith(POLITE) for rx in live]
        fillers_end = -1  # where the fillers after the last start tried by polite patterns end
        for start in starts if live else ():
            inside = start <= fillers_end
            if not inside:
                fillers_end = _FILLERS.match(text, start).end()
            for rx, skip in zip(live, polite, strict=True):
                if skip and inside:
                    continue
                match = rx.match(text, start)
                if match:
                    yield match
