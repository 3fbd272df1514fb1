"""Generate bench/data/language_eval.jsonl: simulated chat with an ML interview bot.

Two groups of users, each a conversation in one language:
- "own": users whose platform locale is the language they write in (all 15 languages);
- "enloc": users whose locale is English (en-US, en-GB) but who write in another language.
Messages mix openers, short replies ("ok", "next", "no sé"), answers full of English ML terms,
meta questions, code snippets, pasted English (errors, quotes) and typing noise (missing accents,
lower case, mentions, emoji). `expected` is the language the user writes in, which is what the
bot should reply in, also for the pasted English lines.

Run: python bench/make_language_eval.py  (deterministic; rewrites the file)
"""

import json
import random
import unicodedata
from pathlib import Path

from language_phrases import CODE_SNIPPETS, ENGLISH_PASTES, PHRASES  # bench/ is on sys.path

OUT = Path(__file__).with_name("data") / "language_eval.jsonl"
SEED = 20240611
OWN_USERS = 10  # per language
ENGLISH_LOCALE_USERS = 8  # per non-English language
OWN_LOCALES: dict[str, list[str]] = {
    "en": ["en-US", "en-GB"],
    "es": ["es-ES", "es-419", "es-LA"],
    "fr": ["fr", "fr-FR"],
    "de": ["de", "de-DE"],
    "pt": ["pt-BR", "pt-PT"],
    "it": ["it", "it-IT"],
    "hi": ["hi"],
    "zh": ["zh-CN", "zh-TW"],
    "ja": ["ja", "ja-JP"],
    "ko": ["ko", "ko-KR"],
    "ru": ["ru", "ru-RU"],
    "ar": ["ar", "ar-SA"],
    "tr": ["tr", "tr-TR"],
    "vi": ["vi", "vi-VN"],
    "id": ["id", "id-ID"],
}
ENGLISH_LOCALES = ["en-US", "en-GB"]
# Languages people often type without diacritics, and how often.
NO_ACCENTS = {"es": 0.3, "pt": 0.25, "fr": 0.15, "it": 0.15, "tr": 0.1, "vi": 0.05}


class _Picker:
    """Draws from a list without repeats until it is used up: people rarely resend a message."""

    def __init__(self, items: list[str], rng: random.Random) -> None:
        self._items = items
        self._rng = rng
        self._left: list[str] = []

    def __call__(self) -> str:
        if not self._left:
            self._left = self._rng.sample(self._items, len(self._items))
        return self._left.pop()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("ı", "i").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _noise(text: str, language: str, rng: random.Random) -> str:
    if rng.random() < NO_ACCENTS.get(language, 0.0):
        text = _strip_accents(text)
    if rng.random() < 0.3 and text[:1].isupper():
        text = text[0].lower() + text[1:]
    if rng.random() < 0.05:
        text = f"<@{rng.randint(10**17, 10**18)}> {text}"
    if rng.random() < 0.05:
        text = f"{text} {rng.choice(['🙂', '😅', '🤔', ':sweat_smile:', '🙏'])}"
    return text


def conversation(language: str, rng: random.Random) -> list[str]:
    """A practice session: an opener, then rounds of (bot asks -> the user answers, asks for a
    hint or sends code) and (bot grades -> the user moves on, asks about it or pastes something)."""
    phrases = PHRASES[language]
    answer, short, meta = (_Picker(phrases[k], rng) for k in ("answers", "short", "meta"))
    messages: list[str] = []
    if rng.random() < 0.25:
        messages.append(phrases["openers"][-1])  # a bare greeting first
    messages.append(rng.choice(phrases["openers"][:-1]))
    length = rng.randint(8, 13)
    asked, pasted = True, language == "en"
    while len(messages) < length:
        if asked:  # reply to a question
            kind = rng.choices(["answer", "short", "code", "meta"], weights=[60, 20, 10, 10])[0]
        else:  # reply to a grade
            paste = 0 if pasted or len(messages) < 3 else 10
            kind = rng.choices(["short", "meta", "paste"], weights=[55, 35, paste])[0]
        asked = not asked
        if kind == "answer":
            text = " ".join(answer() for _ in range(rng.choices([1, 2, 3], weights=[5, 4, 2])[0]))
        elif kind == "code":
            snippet = rng.choice(CODE_SNIPPETS)
            intro = rng.choice(phrases["code_intros"])
            messages.append(snippet if rng.random() < 0.3 else f"{intro}\n{snippet}")
            continue
        elif kind == "paste":
            pasted = True
            messages.append(rng.choice(ENGLISH_PASTES))
            continue
        else:
            text = short() if kind == "short" else meta()
        messages.append(_noise(text, language, rng))
    return messages


def users(rng: random.Random) -> list[tuple[str, str, str]]:
    """(user id, locale, language) for every simulated user."""
    result = []
    for language, locales in OWN_LOCALES.items():
        for n in range(OWN_USERS):
            result.append((f"own-{language}-{n + 1}", locales[n % len(locales)], language))
        if language != "en":
            for n in range(ENGLISH_LOCALE_USERS):
                locale = rng.choice(ENGLISH_LOCALES)
                result.append((f"enloc-{language}-{n + 1}", locale, language))
    return result


def main() -> None:
    rng = random.Random(SEED)
    queues = []
    for user, locale, language in users(rng):
        rows = [
            {"user": user, "text": text, "locale": locale, "expected": language}
            for text in conversation(language, rng)
        ]
        queues.append(rows)
    lines = []
    while queues:  # interleave users as they would arrive; each user's order is kept
        queue = rng.choice(queues)
        lines.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    print(f"{len(lines)} messages, {len({line['user'] for line in lines})} users -> {OUT}")


if __name__ == "__main__":
    main()
