"""The router behind every adapter: `handle(incoming)` in, replies out.

It owns what every message needs before a flow runs: the per-user lock (messages of one user are
handled one at a time), the user row, the reply language, and dispatch to a flow in
`bot.engine.flows`. Flows see only the `Turn`/`Context` (`bot.engine.context`), never the router.
"""

import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from bot.bank.follow_ups import FollowUpRubrics
from bot.bank.machine_translation import MachineTranslator
from bot.bank.models import Question
from bot.bank.service import BankService
from bot.clock import Clock, SystemClock
from bot.engine.commands import NOT_A_COMMAND, Command, loose, parse, problem
from bot.engine.context import Context, Turn, TurnError
from bot.engine.events import ChannelSettings, Incoming, Reply
from bot.engine.flows import (
    account,
    answers,
    bank_admin,
    daily,
    daily_config,
    interviews,
    open_work,
    owed,
    practice,
    progress,
)
from bot.engine.locks import KeyedLocks
from bot.engine.notify import Delivery, Notify, Outbox
from bot.engine.ratelimit import RateLimiter
from bot.engine.review import ReviewPlanner
from bot.engine.validation import (
    MAX_ANSWER_CHARS,
    MAX_MESSAGE_CHARS,
    TOO_LONG,
    valid_action,
)
from bot.engine.validation import (
    problem as answer_text_problem,
)
from bot.errors import UserError
from bot.grading.grader import Grader
from bot.grading.regrade import RegradeQueue
from bot.i18n.catalog import N_, Catalog, Translator
from bot.i18n.detect import LanguageDetector, LanguageState, script_language
from bot.i18n.hints import FUNCTION_WORDS
from bot.i18n.locale import primary_language
from bot.storage.models import DailyPost, ServedStatus, naive_utc
from bot.storage.repositories.turns import TurnState
from bot.storage.repository import Repository, StorageUnavailable

log = logging.getLogger(__name__)

# Slash commands whose answers concern only the caller are shown to the caller only.
PRIVATE_COMMANDS = frozenset(
    {"help", "topics", "stats", "language", "appeal", "remind", "digest", "forget", "bank", "last"}
)
NOT_SAVED = N_(
    "Sorry, I couldn't save that: the bot's storage isn't working right now, so nothing was "
    "recorded. Please send it again in a few minutes."
)
FAILED = N_("Sorry, that didn't work: {reason}")

Flow = Callable[[Turn, Command], Awaitable[list[Reply]]]
COMMANDS: dict[str, Flow] = {
    "help": practice.help_text,
    "topics": practice.topics,
    "next": practice.next_question,
    "hint": practice.hint,
    "reveal": practice.reveal,
    "skip": practice.skip,
    "ask": practice.ask,
    "review": practice.review,
    "appeal": answers.appeal,
    "language": account.set_language,
    "remind": account.preference,
    "digest": account.preference,
    "forget": account.forget,
    "bank": bank_admin.bank,
    "interview": interviews.command,
    "daily": daily_config.command,
    "stats": progress.stats,
    "leaderboard": progress.leaderboard,
    "last": owed.last,
}
ON_QUESTION = {"hint": practice.hint, "reveal": practice.reveal, "skip": practice.skip}
__all__ = ["ConversationEngine", "Delivery", "Notify", "platform_of"]


class ConversationEngine:
    def __init__(
        self,
        bank: BankService,
        repository: Repository,
        grader: Grader,
        catalog: Catalog,
        *,
        regrades: RegradeQueue | None = None,
        default_language: str = "en",
        seed: int | None = None,
        clock: Clock | None = None,
        reviews: ReviewPlanner | None = None,
        detector: LanguageDetector | None = None,
        limiter: RateLimiter | None = None,
        on_message: Callable[[str], None] | None = None,
        machine_translator: MachineTranslator | None = None,
        follow_up_rubrics: FollowUpRubrics | None = None,
    ) -> None:
        self.context = Context(
            bank=bank,
            repo=repository,
            grader=grader,
            catalog=catalog,
            outbox=Outbox(),
            clock=clock or SystemClock(),
            reviews=reviews or ReviewPlanner(),
            regrades=regrades,
            detector=detector,
            limiter=limiter,
            machine=machine_translator,
            default_language=default_language,
            random=random.Random(seed),
            follow_ups=follow_up_rubrics or FollowUpRubrics(),
        )
        self._locks = KeyedLocks()
        self._on_message = on_message
        if regrades is not None:
            regrades.add_listener(partial(answers.on_regraded, self.context))

    # ---- entry points

    async def handle(self, incoming: Incoming) -> list[Reply]:
        if self._on_message is not None:
            self._on_message(platform_of(incoming.tenant))
        async with self._locks.hold((incoming.tenant, incoming.user)):
            try:
                return await self._handle(incoming)
            except StorageUnavailable as exc:
                log.error("storage unavailable (%s); the user is told nothing was saved", exc)
                language = primary_language(incoming.locale) or self.context.default_language
                return [Reply(self.translator(language)(NOT_SAVED))]

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        ctx, repo = self.context, self.context.repo
        where = (incoming.tenant, incoming.user, incoming.user_name)
        state = await repo.turn_state(*where, incoming.channel, incoming.thread)
        if state is None:  # first message, or a new display name: write the user row first
            await repo.user(*where)
            state = await repo.turn_state(*where, incoming.channel, incoming.thread)
            assert state is not None
        if len(incoming.text) > MAX_MESSAGE_CHARS:
            # Refused before anything reads the text: no detection, parsing or grading.
            tr = ctx.translator(await self._language(state, incoming, detect=False))
            limit = f"{MAX_MESSAGE_CHARS:,}"
            length = f"{len(incoming.text):,}"
            return [Reply(tr(TOO_LONG, length=length, limit=limit))]
        if incoming.action is not None and not valid_action(incoming.action):
            tr = ctx.translator(await self._language(state, incoming, detect=False))
            return [_private(tr("That button is no longer valid."))]
        # A typed command is no sample of how the user writes (and `/language` sets it itself).
        language = await self._language(state, incoming, detect=incoming.typed is None)
        tr = ctx.translator(language)
        turn = Turn(ctx, incoming, state.user, language, tr, interviewing=state.interviewing)
        try:
            replies = await self._route(turn, state)
        except TurnError as exc:
            return [Reply(turn.tr(exc.message, **exc.params))]
        except UserError as exc:  # its detail is English; the sentence around it is not
            return [Reply(turn.tr(FAILED, reason=str(exc)))]
        # What never reached the user comes with their next message (kept again if it fails).
        return (await owed.owed(turn) if state.owed else []) + replies

    async def undelivered(
        self, delivery: Delivery, replies: list[Reply], reason: str
    ) -> list[Reply]:
        """An adapter could not deliver `replies` (after retries and other routes): they are
        kept for the user, with `reason`. Returns a mention-free note to post where it can."""
        return await owed.keep(self.context, delivery, replies, reason)

    async def waiting_places(self, tenant_prefix: str) -> list[Delivery]:
        """Where an answer is awaited (open questions), for adapters that must read back what
        they missed (a new gateway session)."""
        rows = await self.context.repo.waiting_places(tenant_prefix)
        return [Delivery(tenant, channel, thread, user) for tenant, channel, thread, user in rows]

    async def attach_thread(self, served_id: int, thread: str) -> None:
        """An adapter opened a thread for a question: answers are expected there."""
        await self.context.repo.attach_thread(served_id, thread)

    async def resume(self) -> int:
        """After a restart: grade answers stored but never graded, queue provisional ones, and
        tell users on chat platforms whose interview was interrupted (by DM)."""
        count = await answers.resume(self.context)
        await open_work.announce(self.context)
        return count

    async def open_work(self, tenant: str, user: str, channel: str) -> list[Reply]:
        """What the user has open in `channel`, to say at start (the terminal chat); [] if
        nothing is."""
        return await open_work.summary(self.context, tenant, user, channel)

    # ---- routing

    async def _route(self, turn: Turn, state: TurnState) -> list[Reply]:
        incoming = turn.incoming
        if incoming.action:
            return await self._action(turn, incoming.action)
        text = incoming.text.strip()
        served, post = state.served, state.daily_post
        expecting_answer = served is not None or post is not None
        topics = turn.ctx.topics(incoming.tenant)
        if incoming.typed is not None or incoming.command:
            # A slash command is never an answer: a wrong one is refused, the question stays open.
            command = incoming.typed or parse(text, topics, strict=False) or loose(text)
            if command is None or command.name not in COMMANDS:
                return [_private(turn.tr(NOT_A_COMMAND))]
            wrong = problem(command, topics, turn.ctx.catalog.languages)
            if wrong is not None:
                return [_private(turn.tr(wrong.message, **wrong.params))]
        else:
            command = parse(text, topics, strict=expecting_answer)
        if command is not None:
            replies = await self._command(turn, command)
            slash = incoming.command or incoming.typed is not None
            if slash and not incoming.is_dm and command.name in PRIVATE_COMMANDS:
                replies = [replace(reply, visibility="ephemeral") for reply in replies]
            return replies
        if served is not None:
            return await answers.answer(turn, served, incoming.text)
        if post is not None:
            return await daily.answer_daily(turn, post)
        if not text:
            return [Reply(turn.tr("Type `help` to see what I can do."))]
        tr = self._written_in(turn)
        return [Reply(tr("No question is open here. Type `next` for one, or `help`."))]

    def _written_in(self, turn: Turn) -> Translator:
        """For a reply to free text: the language the message is written in when detection can
        tell (one message doesn't switch the user's language, but is answered in its own), unless
        the user chose a language."""
        ctx = self.context
        state = LanguageState.from_dict(turn.user.language_state)
        if ctx.detector is None or state.explicit:
            return turn.tr
        text = turn.incoming.text
        detected = ctx.detector.detect(text)
        if detected is None or detected == turn.language or detected not in ctx.catalog.languages:
            return turn.tr
        # One Latin-script message is often misread ("I'd like to practise…" as French): it
        # counts only when unmistakable, or when it uses that language's own function words.
        words = {word.lower() for word in re.findall(r"[^\W\d_]+", text)}
        if not (
            script_language(text) == detected
            or ctx.detector.unmistakable(text, detected)
            or words & FUNCTION_WORDS.get(detected, frozenset())
        ):
            return turn.tr
        return ctx.translator(detected)

    async def _command(self, turn: Turn, command: Command) -> list[Reply]:
        flow = COMMANDS.get(command.name)
        if flow is None:
            return [Reply(turn.tr("That command isn't available here yet. Type `help`."))]
        return await flow(turn, command)

    async def _action(self, turn: Turn, action: str) -> list[Reply]:
        name, _, argument = action.partition(":")
        if name == "next":  # "next", or "next:<served id>" on a card about that question
            after = int(argument) if argument.isdigit() else None
            return await practice.next_question(turn, Command("next"), after)
        access, tenant, user_id = turn.ctx.access, turn.tenant, turn.user.id
        if name in ON_QUESTION:
            served = await access.served(tenant, user_id, argument)
            if served is None:
                return [_private(turn.tr("That button belongs to someone else's question."))]
            return await ON_QUESTION[name](turn, Command(name), served)
        if name == "vote":
            direction, _, attempt_id = argument.partition(":")
            if direction in {"up", "down"}:
                attempt = await access.attempt(tenant, user_id, attempt_id)
                if attempt is None:
                    return [_private(turn.tr("That button belongs to someone else's question."))]
                await turn.ctx.repo.vote(attempt.id, user_id, 1 if direction == "up" else -1)
                return [_private(turn.tr("Thanks, your feedback on the grade is recorded."))]
        if name == "daily":
            return await daily.answer_by_button(turn, argument)
        if name == "answer":
            served = await access.served(tenant, user_id, argument)
            if served is None or served.status != ServedStatus.OPEN:
                return [_private(turn.tr("That question is no longer open. Type `next` for one."))]
            return await answers.answer(turn, served, turn.incoming.text)
        return [_private(turn.tr("That button is no longer valid."))]

    async def _language(self, state: TurnState, incoming: Incoming, *, detect: bool = True) -> str:
        """Explicit choice > detected switch > platform locale > channel default > English.

        Detection needs enough text and two agreeing messages in a row to switch
        (`bot.i18n.detect`); its state is stored per user."""
        ctx, user, config = self.context, state.user, state.config
        default = (config.language if config else None) or ctx.default_language
        state = LanguageState.from_dict(user.language_state)
        if not detect or ctx.detector is None or incoming.action or state.explicit:
            # An explicit choice wins anyway: no need to run detection on every message.
            return state.explicit or state.detected or primary_language(incoming.locale) or default
        decision = ctx.detector.decide(
            state, incoming.text, locale=incoming.locale, default=default
        )
        if decision.state != state:
            user.language_state = decision.state.to_dict()
            await ctx.repo.save_language_state(user.id, user.language_state)
        return decision.language if decision.language in ctx.catalog.languages else default

    # ---- what adapters and the scheduler use

    def add_notifier(self, notify: Notify) -> Callable[[], None]:
        """Register where unasked messages go; returns a function that unregisters it."""
        return self.context.outbox.add(notify)

    def hold_notifications(self) -> None:
        """Keep unasked messages until `release_notifications` (adapters are starting)."""
        self.context.outbox.hold()

    async def release_notifications(self) -> None:
        """Every adapter is listening: send what was held, and from now on send at once."""
        await self.context.outbox.release()

    async def notify(self, delivery: Delivery, replies: list[Reply]) -> None:
        await self.context.outbox.send(delivery, replies)

    async def due_count(self, tenant: str, user: str) -> int:
        repo = self.context.repo
        row = await repo.user(tenant, user)
        return len(await repo.due_reviews(tenant, row.id, naive_utc(self.clock.now())))

    async def daily_summary(self, post: DailyPost) -> list[Reply]:
        """The day-after post in a daily question's thread."""
        return await daily.summary(self.context, post)

    async def channel_settings(self, tenant: str, channel: str) -> ChannelSettings:
        """A channel's settings, as an admin's settings form shows them."""
        config = await self.context.repo.channel_config(tenant, channel)
        if config is None:
            return ChannelSettings()
        return ChannelSettings(dict(config.daily or {}), config.grade_delivery, config.language)

    def answer_problem(self, text: str, language: str | None = None) -> str | None:
        """Why `text` can't be an answer, in words (for a form that refuses it before sending),
        or None when it can."""
        issue = answer_text_problem(text)
        if issue is None:
            return None
        tr = self.translator(language or self.context.default_language)
        return tr(issue, length=len(text), limit=f"{MAX_ANSWER_CHARS:,}")

    def bank_questions(self, tenant: str, filters: tuple[str, ...] = ()) -> list[Question]:
        return self.context.questions(tenant, filters)

    @property
    def clock(self) -> Clock:
        return self.context.clock

    @property
    def repository(self) -> Repository:
        return self.context.repo

    @property
    def grader(self) -> Grader:
        return self.context.grader

    @property
    def languages(self) -> tuple[str, ...]:
        return self.context.catalog.languages

    def translator(self, language: str) -> Translator:
        return self.context.catalog.translator(language)


def platform_of(tenant: str) -> str:
    """Adapters name tenants `<platform>:<id>`; anything else is the console or the CLI."""
    return tenant.split(":", 1)[0] if ":" in tenant else "console"


def _private(text: str) -> Reply:
    return Reply(text, visibility="ephemeral")
