"""Reply-language figures on bench/data/language_eval.jsonl (made by make_language_eval.py).

(a) users whose platform locale is the language they write in: wrong-language replies per 1,000
    messages (target <= 1);
(b) users whose locale is English but who write another language: % whose reply to their third
    message is in their language (target >= 99%).
Beside them: the naive baseline (langdetect on every message, all 55 profiles, the locale when it
finds nothing), the detector without its exact hints or without its margin check, and the
errors per language.

Run: python bench/language.py
"""

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.bank.loader import load_bank
from bot.config import Settings
from bot.i18n.detect import SUPPORTED, LanguageDetector, normalize_language
from bot.i18n.glossary import build_glossary
from bot.i18n.replay import replay

DATA = Path(__file__).with_name("data") / "language_eval.jsonl"
THIRD = 3


@dataclass(frozen=True)
class Split:
    """Which messages each figure is about."""

    rows: list[dict]
    own: list[int]  # (a): locale language == writing language
    thirds: list[int]  # (b): the third message of each English-locale, non-English user
    later: list[int]  # (b): their messages from the third on

    @classmethod
    def of(cls, rows: list[dict]) -> "Split":
        own, thirds, later = [], [], []
        seen: Counter[str] = Counter()
        for i, row in enumerate(rows):
            seen[row["user"]] += 1
            locale = normalize_language(row["locale"])
            if locale == row["expected"]:
                own.append(i)
            elif locale == "en":
                later += [i] if seen[row["user"]] >= THIRD else []
                thirds += [i] if seen[row["user"]] == THIRD else []
        return cls(rows, own, thirds, later)

    def wrong(self, replies: list[str], indices: list[int]) -> int:
        return sum(replies[i] != self.rows[i]["expected"] for i in indices)

    def per_thousand(self, replies: list[str], indices: list[int]) -> float:
        return 1000 * self.wrong(replies, indices) / max(1, len(indices))

    def followed(self, replies: list[str]) -> float:
        return 100 * (1 - self.wrong(replies, self.thirds) / max(1, len(self.thirds)))


def naive_replies(rows: list[dict]) -> list[str]:
    """langdetect's raw guess per message as the reply language ("zh-cn" -> "zh")."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    replies = []
    for row in rows:
        detector = factory.create()
        detector.append(row["text"])
        try:
            guess = detector.detect()
        except LangDetectException:
            guess = normalize_language(row["locale"]) or "en"
        replies.append("zh" if guess.startswith("zh") else guess)
    return replies


def main() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    split = Split.of(rows)
    glossary = build_glossary(load_bank(Settings().bank_dir))
    detector = LanguageDetector(glossary)
    detector.detect("warm up: load the profiles")
    start = time.perf_counter()
    decisions = list(replay(rows, detector=detector))
    elapsed_ms = (time.perf_counter() - start) * 1000
    bot = [d["language"] for d in decisions]
    naive = naive_replies(rows)

    users = {row["user"] for row in rows}
    print(f"data: {len(rows)} messages, {len(users)} users ({DATA.name})")
    print(
        f"(a) locale = writing language: {len(split.own)} messages, "
        f"{len({rows[i]['user'] for i in split.own})} users; wrong-language replies per 1,000: "
        f"{split.per_thousand(bot, split.own):.1f} (target <= 1); "
        f"naive langdetect: {split.per_thousand(naive, split.own):.1f}"
    )
    print(
        f"(b) English locale, another language: {len(split.thirds)} users; followed by their "
        f"third message: {split.followed(bot):.1f}% (target >= 99%); "
        f"naive: {split.followed(naive):.1f}%"
    )
    countable = _countable_by_third(rows, decisions)
    ready = [i for i in split.thirds if countable[rows[i]["user"]] >= 2]
    print(
        f"    users with two countable messages among their first three: {len(ready)}, of whom "
        f"followed: {len(ready) - split.wrong(bot, ready)}; the other "
        f"{len(split.thirds) - len(ready)} sent at most one (emoji, 'ok', bare code, ...)"
    )
    print(
        f"    from the third message on: {split.per_thousand(bot, split.later):.1f} wrong per "
        f"1,000 ({len(split.later)} messages); naive: {split.per_thousand(naive, split.later):.1f}"
    )
    for label, variant in (
        (
            "without the exact hints (letters, chat phrases)",
            LanguageDetector(glossary, hints=False),
        ),
        ("without the margin check", LanguageDetector(glossary, min_margin=0)),
    ):
        replies = [d["language"] for d in replay(rows, detector=variant)]
        print(
            f"    {label}: (a) {split.per_thousand(replies, split.own):.1f} per 1,000, "
            f"(b) {split.followed(replies):.1f}%"
        )
    print(f"speed: {elapsed_ms / len(rows):.2f} ms per message (stripping, detection, decision)")

    print("\nper language   (a) msgs  wrong  naive | (b) users  followed  msgs>=3  wrong  naive")
    for language in SUPPORTED:
        own = [i for i in split.own if rows[i]["expected"] == language]
        third = [i for i in split.thirds if rows[i]["expected"] == language]
        later = [i for i in split.later if rows[i]["expected"] == language]
        b_part = (
            f"{len(third):9d} {len(third) - split.wrong(bot, third):9d} {len(later):8d} "
            f"{split.wrong(bot, later):6d} {split.wrong(naive, later):6d}"
            if third
            else f"{'-':>9} {'-':>9} {'-':>8} {'-':>6} {'-':>6}"
        )
        print(
            f"  {language:11} {len(own):9d} {split.wrong(bot, own):6d} "
            f"{split.wrong(naive, own):6d} | {b_part}"
        )
    mistakes = Counter(
        (rows[i]["expected"], bot[i])
        for i in split.own + split.later
        if bot[i] != rows[i]["expected"]
    )
    print("bot mistakes (expected -> replied):", dict(mistakes.most_common()) or "none")


def _countable_by_third(rows: list[dict], decisions: list[dict]) -> Counter[str]:
    """Per user, how many of their first three messages were detected at all."""
    seen: Counter[str] = Counter()
    countable: Counter[str] = Counter()
    for row, decision in zip(rows, decisions, strict=True):
        seen[row["user"]] += 1
        if seen[row["user"]] <= THIRD and decision["detected"] is not None:
            countable[row["user"]] += 1
    return countable


if __name__ == "__main__":
    main()
