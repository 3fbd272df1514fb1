"""What every flow works with: the services of one engine (`Context`) and one message (`Turn`).

Flows are functions of a `Turn` (or of the `Context`, for work no message started); they never
see the router that dispatched them, so each can be read, and tested, on its own.
"""

from dataclasses import dataclass, field
from random import Random

from bot.bank.follow_ups import FollowUpRubrics
from bot.bank.machine_translation import MachineTranslator
from bot.bank.models import Question
from bot.bank.service import BankService
from bot.bank.translations import TranslatedEntry
from bot.clock import Clock, SystemClock
from bot.engine.access import Access
from bot.engine.commands import DIFFICULTIES
from bot.engine.events import Incoming
from bot.engine.notify import Outbox
from bot.engine.ratelimit import RateLimiter
from bot.engine.review import ReviewPlanner
from bot.errors import UserError
from bot.grading.grader import Grader
from bot.grading.regrade import RegradeQueue
from bot.i18n.catalog import N_, Catalog, Translator
from bot.i18n.detect import LanguageDetector
from bot.storage.models import User
from bot.storage.repository import Repository

QUESTION_GONE = N_("That question is no longer in the bank. Type `next` for another.")


class TurnError(UserError):
    """A message for the user, as a catalog id: the engine replies with it in their language."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass
class Context:
    """The services of one engine; built once (see `bot.engine.engine.ConversationEngine`)."""

    bank: BankService
    repo: Repository
    grader: Grader
    catalog: Catalog
    outbox: Outbox
    clock: Clock = field(default_factory=SystemClock)
    reviews: ReviewPlanner = field(default_factory=ReviewPlanner)
    regrades: RegradeQueue | None = None
    detector: LanguageDetector | None = None
    limiter: RateLimiter | None = None
    machine: MachineTranslator | None = None
    default_language: str = "en"
    random: Random = field(default_factory=Random)
    machine_entries: dict[tuple[str, str], TranslatedEntry] = field(default_factory=dict)
    follow_ups: FollowUpRubrics = field(default_factory=FollowUpRubrics)

    def __post_init__(self) -> None:
        self.access = Access(self.repo)

    def translator(self, language: str) -> Translator:
        return self.catalog.translator(language)

    # ---- the bank, as flows need it

    def questions(self, tenant: str, filters: tuple[str, ...] = ()) -> list[Question]:
        pool = self.bank.questions(tenant)
        for word in filters:
            if word in DIFFICULTIES:
                pool = [q for q in pool if q.difficulty == DIFFICULTIES[word]]
            else:
                pool = [q for q in pool if word in q.topic or word in q.tags]
        return pool

    def topics(self, tenant: str) -> set[str]:
        return {q.topic for q in self.bank.questions(tenant)}

    def find_question(self, tenant: str, question_id: str) -> Question | None:
        """The question, or None if it left the bank."""
        return next((q for q in self.bank.questions(tenant) if q.id == question_id), None)

    def question(self, tenant: str, question_id: str) -> Question:
        question = self.find_question(tenant, question_id)
        if question is None:
            raise TurnError(QUESTION_GONE)
        return question

    def localized(self, question: Question, language: str) -> Question:
        """The question as a user of `language` reads it (English where not translated)."""
        fallback = self.machine_entries.get((question.id, language))
        return self.bank.translations.localize(question, language, fallback)

    async def prepare_language(self, question: Question, language: str) -> None:
        """With an LLM, translate an entry the shipped translations lack (once; stored)."""
        key = (question.id, language)
        if (
            self.machine is None
            or language == "en"
            or key in self.machine_entries
            or self.bank.translations.entry(language, question.id) is not None
        ):
            return
        entry = await self.machine.translate(question, language)
        if entry is not None:
            self.machine_entries[key] = entry

    async def local_question(self, question: Question, language: str) -> Question:
        """`localized`, after translating the entry with the LLM if it must be."""
        await self.prepare_language(question, language)
        return self.localized(question, language)


@dataclass
class Turn:
    """One message being handled: who sent it, in which language to answer, and the services."""

    ctx: Context
    incoming: Incoming
    user: User
    language: str
    tr: Translator
    # False when the turn's first read found no interview of the user's running in the channel:
    # `next` then needn't look for one.
    interviewing: bool = True

    @property
    def tenant(self) -> str:
        return self.incoming.tenant

    async def pick_questions(
        self, filters: tuple[str, ...], count: int = 1, *, seen: set[str] | None = None
    ) -> list[Question]:
        """Questions new to the user in this tenant; once the whole filtered set was seen, the
        cycle starts again. `seen`: the ids served to the user, if already read."""
        ctx = self.ctx
        pool = ctx.questions(self.tenant, filters)
        if seen is None:
            seen = await ctx.repo.seen_question_ids(self.tenant, self.user.id)
        fresh = [q for q in pool if q.id not in seen]
        picked = ctx.random.sample(fresh, min(count, len(fresh)))
        if len(picked) < count:
            rest = [q for q in pool if q not in picked]
            picked += ctx.random.sample(rest, min(count - len(picked), len(rest)))
        return picked


def owner_of(user_id: int) -> str:
    """Whose answer a grade request carries, as the verdict cache records it."""
    return f"user:{user_id}"
