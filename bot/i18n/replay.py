"""Replay a recorded chat through the reply-language decision (`interview-bot language replay`)."""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bot.i18n.detect import LanguageDetector, LanguageState


def replay(
    lines: Iterable[Mapping[str, Any]],
    *,
    detector: LanguageDetector,
    default: str | None = None,
) -> Iterator[dict[str, Any]]:
    """For each message ({"user", "text", "locale"}, in order) what the bot decides:
    {"language", "detected", "switched"}. State is kept per user, as the engine would store it.
    A line may carry its own "default" (the channel/tenant language); otherwise `default`."""
    states: dict[str, LanguageState] = {}
    for line in lines:
        user = str(line.get("user", ""))
        decision = detector.decide(
            states.get(user, LanguageState()),
            str(line.get("text", "")),
            locale=line.get("locale"),
            default=line.get("default", default),
        )
        states[user] = decision.state
        yield {
            "language": decision.language,
            "detected": decision.detected,
            "switched": decision.switched,
        }
