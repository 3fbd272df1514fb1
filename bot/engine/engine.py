"""Routes a message to a command or to the answer of the question open in that place."""

import random
from dataclasses import dataclass

from bot.bank.models import Question
from bot.bank.service import BankService
from bot.engine.events import Incoming, Reply

ASK_MIN_SCORE = 0.35
HELP = """Commands:
  next [topic]   ask me a question (then type your answer)
  reveal         show the reference answer of the open question
  skip           drop the open question
  ask <text>     find the bank's questions closest to <text>
  topics         list the topics
  help           this list"""


@dataclass(frozen=True)
class _Place:
    tenant: str
    channel: str
    user: str


class ConversationEngine:
    def __init__(self, bank: BankService, *, seed: int | None = None) -> None:
        self._bank = bank
        self._open: dict[_Place, Question] = {}
        self._seen: dict[_Place, set[str]] = {}
        self._random = random.Random(seed)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        text = incoming.text.strip()
        place = _Place(incoming.tenant, incoming.channel, incoming.user)
        if not text:
            return [Reply("Type `help` to see what I can do.")]
        command, _, argument = text.partition(" ")
        handler = {
            "help": self._help,
            "next": self._next,
            "reveal": self._reveal,
            "skip": self._skip,
            "ask": self._ask,
            "topics": self._topics,
        }.get(command.lower())
        if handler is not None:
            return await handler(place, argument.strip())
        if place in self._open:
            return self._answer(place, text)
        return [Reply("I don't know that command. Type `help`, or `next` for a question.")]

    async def _help(self, place: _Place, argument: str) -> list[Reply]:
        return [Reply(HELP)]

    async def _topics(self, place: _Place, argument: str) -> list[Reply]:
        topics = sorted({q.topic for q in self._bank.questions(place.tenant)})
        return [Reply("Topics: " + ", ".join(topics))]

    async def _next(self, place: _Place, argument: str) -> list[Reply]:
        pool = self._bank.questions(place.tenant)
        if argument:
            pool = [q for q in pool if q.topic.startswith(argument.lower())]
            if not pool:
                return [Reply(f"No questions on '{argument}'. Type `topics` to see them.")]
        seen = self._seen.setdefault(place, set())
        fresh = [q for q in pool if q.id not in seen] or pool
        if len(fresh) == len(pool):
            seen.difference_update(q.id for q in pool)  # the whole set was seen: start over
        question = self._random.choice(fresh)
        seen.add(question.id)
        self._open[place] = question
        return [
            Reply(
                f"Question {question.number} ({question.topic}, difficulty "
                f"{question.difficulty}/3):\n{question.question}\n\nType your answer.",
                buttons=("reveal", "skip"),
            )
        ]

    def _answer(self, place: _Place, text: str) -> list[Reply]:
        question = self._open.pop(place)
        points = "\n".join(f"  - {point}" for point in question.key_points)
        return [
            Reply(
                f"Thanks, your answer is noted ({len(text.split())} words). "
                f"A strong answer covers:\n{points}",
                buttons=("next",),
            )
        ]

    async def _reveal(self, place: _Place, argument: str) -> list[Reply]:
        question = self._open.pop(place, None)
        if question is None:
            return [Reply("No question is open. Type `next` for one.")]
        return [Reply(f"Reference answer:\n{question.reference}", buttons=("next",))]

    async def _skip(self, place: _Place, argument: str) -> list[Reply]:
        if self._open.pop(place, None) is None:
            return [Reply("No question is open. Type `next` for one.")]
        return [Reply("Skipped. Type `next` for another question.")]

    async def _ask(self, place: _Place, argument: str) -> list[Reply]:
        if not argument:
            return [Reply("Usage: ask <what you want to know>")]
        hits = await self._bank.store.search(argument, k=3, tenant=place.tenant)
        close = [hit for hit in hits if hit.score >= ASK_MIN_SCORE]
        if not close:
            return [Reply("Nothing in the bank is close to that. Try other words, or `topics`.")]
        lines = [f"  #{h.question.number} {h.question.question} ({h.score:.2f})" for h in close]
        return [Reply("Closest questions in the bank:\n" + "\n".join(lines))]
