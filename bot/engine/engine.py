"""All behaviour behind every adapter: commands, practice, hints, grading, stats.

`handle(incoming)` is the one entry point. Messages of one user are handled one at a time (a lock
per user), and an open question is closed with a conditional update before its answer is graded,
so two messages at once, or two bot instances, never grade the same question twice. The answer is
stored (status pending) before grading starts.
"""

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.bank.machine_translation import MachineTranslator
from bot.bank.models import Question
from bot.bank.service import BankService
from bot.bank.translations import TranslatedEntry
from bot.engine import render
from bot.engine.access import Access
from bot.engine.commands import DIFFICULTIES, Command, parse
from bot.engine.events import Incoming, Reply
from bot.engine.localize import in_language
from bot.engine.ratelimit import RateLimiter
from bot.engine.validation import MAX_ANSWER_CHARS, clean, problem
from bot.errors import UserError
from bot.grading.grader import Grader
from bot.grading.llm import Appeal
from bot.grading.models import Grade, GradeRequest
from bot.grading.regrade import RegradeJob, RegradeQueue
from bot.i18n.catalog import N_, Catalog, Translator
from bot.i18n.detect import AUTO, LanguageDetector, LanguageState
from bot.scheduling.clock import Clock, SystemClock
from bot.scheduling.review import ReviewPlanner
from bot.storage.models import Attempt, Served, User, naive_utc
from bot.storage.repository import Repository, StorageUnavailable

log = logging.getLogger(__name__)

# Slash commands whose answers concern only the caller are shown to the caller only.
PRIVATE_COMMANDS = frozenset(
    {"help", "topics", "stats", "language", "appeal", "remind", "digest", "forget", "bank"}
)
NOT_SAVED = N_(
    "Sorry, I couldn't save that: the bot's storage isn't working right now, so nothing was "
    "recorded. Please send it again in a few minutes."
)
HINT_PENALTY = 0.2  # each hint lowers the attainable score by 20%
MAX_HINTS = 2
ASK_MIN_SCORE = 0.35
HELP = N_("""Commands:
  next [topic] [difficulty]   a question (then type your answer)
  hint                        a hint (each one lowers the score you can reach)
  reveal                      the reference answer
  skip                        drop the question
  ask <question>              answers from the question bank
  interview start [n] [topic] a mock interview (in a direct message)
  interview stop              end it
  stats                       your scores
  leaderboard                 the top scores here
  language <code>             reply in this language (e.g. es)
  appeal <why>                ask for a re-grade of your last answer
  topics                      the topics
  help                        this list""")

Notify = Callable[["Delivery", list[Reply]], Awaitable[None]]


@dataclass(frozen=True)
class Delivery:
    """Where to send a message the user didn't just ask for (a re-grade)."""

    tenant: str
    channel: str
    thread: str | None
    user: str


@dataclass
class Turn:
    incoming: Incoming
    user: User
    language: str
    tr: Translator


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
    ) -> None:
        self._bank = bank
        self._repo = repository
        self._grader = grader
        self._catalog = catalog
        self._regrades = regrades
        self._default_language = default_language
        self._random = random.Random(seed)
        self._locks: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)
        self._notify: list[Notify] = []
        self._clock = clock or SystemClock()
        self._reviews = reviews or ReviewPlanner()
        self._detector = detector
        self._limiter = limiter
        self._machine = machine_translator
        self._machine_entries: dict[tuple[str, str], TranslatedEntry] = {}
        self._on_message = on_message
        self._access = Access(repository)
        # Messages the user didn't ask for wait here until the adapters are listening (a grade
        # made while resuming after a restart would otherwise reach nobody).
        self._held: list[tuple[Delivery, list[Reply]]] | None = None
        if regrades is not None:
            regrades.add_listener(self._on_regraded)

    def add_notifier(self, notify: Notify) -> Callable[[], None]:
        """Register where unasked messages go; returns a function that unregisters it."""
        self._notify.append(notify)
        return lambda: self._notify.remove(notify) if notify in self._notify else None

    def hold_notifications(self) -> None:
        """Keep unasked messages until `release_notifications` (adapters are starting)."""
        if self._held is None:
            self._held = []

    async def release_notifications(self) -> None:
        """Every adapter is listening: send what was held, and from now on send at once."""
        held, self._held = self._held or [], None
        for delivery, replies in held:
            await self.notify(delivery, replies)

    async def notify(self, delivery: Delivery, replies: list[Reply]) -> None:
        if self._held is not None:
            self._held.append((delivery, replies))
            return
        for notify in list(self._notify):
            try:
                await notify(delivery, replies)
            except Exception:  # one platform failing must not stop the others
                log.exception("a notifier failed")

    # ---- entry points

    async def handle(self, incoming: Incoming) -> list[Reply]:
        if self._on_message is not None:
            self._on_message(platform_of(incoming.tenant))
        async with self._locks[(incoming.tenant, incoming.user)]:
            try:
                return await self._handle(incoming)
            except StorageUnavailable as exc:
                log.error("storage unavailable (%s); the user is told nothing was saved", exc)
                language = _locale(incoming.locale) or self._default_language
                return [Reply(self._catalog.translator(language)(NOT_SAVED))]

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        user = await self._repo.user(incoming.tenant, incoming.user, incoming.user_name)
        language = await self._language(user, incoming)
        turn = Turn(incoming, user, language, self._catalog.translator(language))
        try:
            return await self._route(turn)
        except UserError as exc:
            return [Reply(str(exc))]

    async def attach_thread(self, served_id: int, thread: str) -> None:
        """An adapter opened a thread for a question: answers are expected there."""
        await self._repo.attach_thread(served_id, thread)

    async def resume(self) -> int:
        """After a restart: grade answers stored but never graded, queue provisional ones."""
        count = 0
        for attempt in await self._repo.unfinished_attempts():
            request = await self._request_for(attempt)
            if request is None:
                continue
            count += 1
            if attempt.status == "pending":
                grade = await self._grader.grade(request)
                score = await self._save(attempt, grade)
                await self._announce(attempt, score, N_("Your answer was graded: {score}/10."))
            if self._regrades is not None and (attempt.provisional or attempt.status == "pending"):
                self._regrades.submit(RegradeJob(str(attempt.id), request))
        return count

    # ---- routing

    async def _route(self, turn: Turn) -> list[Reply]:
        incoming = turn.incoming
        if incoming.action:
            return await self._action(turn, incoming.action)
        text = incoming.text.strip()
        served = await self._repo.open_served(
            incoming.tenant, turn.user.id, incoming.channel, incoming.thread
        )
        daily = None
        if served is None and incoming.thread:
            daily = await self._repo.daily_by_thread(incoming.tenant, incoming.thread)
        expecting_answer = served is not None or daily is not None
        topics = self._topics(incoming.tenant)
        command = parse(text, topics, strict=expecting_answer and not incoming.command)
        if command is not None:
            replies = await self._command(turn, command)
            if incoming.command and not incoming.is_dm and command.name in PRIVATE_COMMANDS:
                replies = [replace(reply, visibility="ephemeral") for reply in replies]
            return replies
        if served is not None:
            return await self._answer(turn, served, incoming.text)
        if daily is not None:
            from bot.engine.flows.daily import answer_daily

            return await answer_daily(self, turn, daily)
        if not text:
            return [Reply(turn.tr("Type `help` to see what I can do."))]
        return [Reply(turn.tr("No question is open here. Type `next` for one, or `help`."))]

    async def _command(self, turn: Turn, command: Command) -> list[Reply]:
        from bot.engine.flows import daily_config, interview, progress

        handlers = {
            "help": self._help,
            "topics": self._list_topics,
            "next": self._next,
            "hint": self._hint,
            "reveal": self._reveal,
            "skip": self._skip,
            "ask": self._ask,
            "language": self._set_language,
            "appeal": self._appeal,
            "review": self._review,
            "remind": self._preference,
            "forget": self._forget,
            "digest": self._preference,
            "bank": self._bank_command,
        }
        flows = {
            "interview": interview.command,
            "daily": daily_config.command,
            "stats": progress.stats,
            "leaderboard": progress.leaderboard,
        }
        if command.name in flows:
            return await flows[command.name](self, turn, command)
        handler = handlers.get(command.name)
        if handler is None:
            return [Reply(turn.tr("That command isn't available here yet. Type `help`."))]
        return await handler(turn, command)

    async def _action(self, turn: Turn, action: str) -> list[Reply]:
        name, _, argument = action.partition(":")
        if name == "next":
            return await self._next(turn, Command("next"))
        tenant, user_id = turn.incoming.tenant, turn.user.id
        if name in {"hint", "reveal", "skip"}:
            served = await self._access.served(tenant, user_id, argument)
            if served is None:
                return [_private(turn.tr("That button belongs to someone else's question."))]
            method = {"hint": self._hint, "reveal": self._reveal, "skip": self._skip}[name]
            return await method(turn, Command(name), served)
        if name == "vote":
            direction, _, attempt_id = argument.partition(":")
            if direction in {"up", "down"}:
                attempt = await self._access.attempt(tenant, user_id, attempt_id)
                if attempt is None:
                    return [_private(turn.tr("That button belongs to someone else's question."))]
                await self._repo.vote(attempt.id, user_id, 1 if direction == "up" else -1)
                return [_private(turn.tr("Thanks, your feedback on the grade is recorded."))]
        if name == "answer":
            served = await self._access.served(tenant, user_id, argument)
            if served is None or served.status != "open":
                return [_private(turn.tr("That question is no longer open. Type `next` for one."))]
            return await self._answer(turn, served, turn.incoming.text)
        return [Reply(turn.tr("That button is no longer valid."), visibility="ephemeral")]

    # ---- commands

    async def _help(self, turn: Turn, command: Command) -> list[Reply]:
        return [Reply(turn.tr(HELP))]

    async def _list_topics(self, turn: Turn, command: Command) -> list[Reply]:
        topics = sorted(self._topics(turn.incoming.tenant))
        return [Reply(turn.tr("Topics: {topics}", topics=", ".join(topics)))]

    async def _next(self, turn: Turn, command: Command) -> list[Reply]:
        due = [] if command.args else await self._due(turn)
        picked = due[:1] or await self.pick_questions(turn, command.args)
        if not picked:
            return [Reply(turn.tr("No questions match that. Type `topics` to see them."))]
        question = picked[0]
        served = await self._repo.serve(
            tenant_id=turn.incoming.tenant,
            user_id=turn.user.id,
            question_id=question.id,
            channel=turn.incoming.channel,
            thread=None if turn.incoming.is_dm else turn.incoming.thread,
            mode="practice",
        )
        heading = turn.tr("Review · {topic}", topic=question.topic) if due else None
        await self.prepare_language(question, turn.language)
        local = self.localized(question, turn.language)
        return [render.question_reply(turn.tr, local, served.id, heading=heading)]

    async def _due(self, turn: Turn) -> list[Question]:
        now = self._clock.now()
        ids = await self._repo.due_reviews(turn.incoming.tenant, turn.user.id, naive_utc(now))
        return [q for q in map(lambda i: self._maybe_question(turn.incoming.tenant, i), ids) if q]

    async def _review(self, turn: Turn, command: Command) -> list[Reply]:
        if await self._due(turn):
            return await self._next(turn, Command("next"))
        upcoming = await self._repo.next_review(turn.incoming.tenant, turn.user.id)
        if upcoming is None:
            return [Reply(turn.tr("No reviews yet: answer a few questions first."))]
        return [
            Reply(
                turn.tr(
                    "No reviews due. The next one is due on {date}.",
                    date=upcoming.date().isoformat(),
                )
            )
        ]

    async def _preference(self, turn: Turn, command: Command) -> list[Reply]:
        value = (command.args[0] if command.args else "on").lower()
        if value not in {"on", "off"}:
            return [Reply(turn.tr("Use `{name} on` or `{name} off`.", name=command.name))]
        await self._repo.set_preference(turn.user.id, command.name, value == "on")
        messages = {
            ("remind", True): N_("I'll DM you when your daily streak is at risk."),
            ("remind", False): N_("No more streak reminders."),
            ("digest", True): N_("I'll DM you a daily count of your due reviews."),
            ("digest", False): N_("No more review digests."),
        }
        return [Reply(turn.tr(messages[(command.name, value == "on")]), visibility="ephemeral")]

    async def _forget(self, turn: Turn, command: Command) -> list[Reply]:
        """Delete the user's data in this tenant only: the same user id in another workspace
        or server may be someone else, and is in any case not asked here."""
        forgotten = await self._repo.forget(turn.incoming.tenant, turn.incoming.user)
        if self._regrades is not None:  # queued re-grades would send the answers out again
            self._regrades.discard(str(attempt) for attempt in forgotten.attempts)
        if forgotten.user_id is not None:
            await self._grader.forget(owner_of(forgotten.user_id))
        return [
            _private(
                turn.tr(
                    "Done: your answers, scores, stats and reviews here are deleted "
                    "({count} answers). Other workspaces and servers keep theirs: say "
                    "`forget me` there too.",
                    count=len(forgotten.attempts),
                )
            )
        ]

    async def pick_questions(
        self, turn: Turn, filters: tuple[str, ...], count: int = 1
    ) -> list[Question]:
        """Questions new to the user in this tenant; once the whole filtered set was seen, the
        cycle starts again."""
        pool = self.bank_questions(turn.incoming.tenant, filters)
        seen = await self._repo.seen_question_ids(turn.incoming.tenant, turn.user.id)
        fresh = [q for q in pool if q.id not in seen]
        picked = self._random.sample(fresh, min(count, len(fresh)))
        if len(picked) < count:
            rest = [q for q in pool if q not in picked]
            picked += self._random.sample(rest, min(count - len(picked), len(rest)))
        return picked

    async def _current(self, turn: Turn, served: Served | None) -> Served | None:
        """The question a hint/reveal/skip is about: the one open here or, from the channel a
        question's thread belongs to, the user's latest open question in that channel."""
        if served is not None:
            return served
        incoming = turn.incoming
        here = await self._repo.open_served(
            incoming.tenant, turn.user.id, incoming.channel, incoming.thread
        )
        if here is None and incoming.thread is None:
            return await self._repo.latest_open(incoming.tenant, turn.user.id, incoming.channel)
        return here

    async def _hint(
        self, turn: Turn, command: Command, served: Served | None = None
    ) -> list[Reply]:
        served = await self._current(turn, served)
        if served is None or served.status != "open":
            return [
                Reply(turn.tr("No question is open. Type `next` for one."), visibility="ephemeral")
            ]
        if served.hints >= MAX_HINTS:
            return [
                Reply(
                    turn.tr("No more hints for this one. Answer it, or `reveal`."),
                    visibility="ephemeral",
                )
            ]
        question = self.question(turn.incoming.tenant, served.question_id)
        hints = await self._repo.add_hint(served.id)
        if hints == 1:
            text = turn.tr("Hint: think about {ideas}.", ideas=", ".join(question.tags[:4]))
        else:
            text = turn.tr(
                "Hint: a strong answer says that {point}",
                point=_lower_first(self.localized(question, turn.language).key_points[0]),
            )
        cap = _max_score(hints)
        note = turn.tr("You can now score at most {max}/10.", max=f"{cap:g}")
        return [Reply(f"{text}\n{note}", visibility="ephemeral")]

    async def _reveal(
        self, turn: Turn, command: Command, served: Served | None = None
    ) -> list[Reply]:
        served = await self._current(turn, served)
        if served is None:
            attempt = await self._repo.last_attempt(turn.incoming.tenant, turn.user.id)
            if attempt is None:
                return [
                    Reply(
                        turn.tr("No question is open. Type `next` for one."), visibility="ephemeral"
                    )
                ]
            served = await self._repo.served(attempt.served_id)
            assert served is not None
        question = self.question(turn.incoming.tenant, served.question_id)
        if await self._repo.close_served(served.id, "revealed"):
            await self._repo.add_attempt(
                served_id=served.id,
                tenant_id=served.tenant_id,
                user_id=turn.user.id,
                question_id=served.question_id,
                answer="",
                language=turn.language,
                status="revealed",
                created_at=naive_utc(self._clock.now()),
                score=0.0,
            )
            await self._schedule_review(served.tenant_id, turn.user.id, served.question_id, 0.0)
        return [
            Reply(
                self.localized(question, turn.language).reference,
                title=turn.tr("Reference answer"),
                buttons=(render.Button("next", turn.tr("Next question"), "primary"),),
            )
        ]

    async def _skip(
        self, turn: Turn, command: Command, served: Served | None = None
    ) -> list[Reply]:
        served = await self._current(turn, served)
        if served is None or not await self._repo.close_served(served.id, "skipped"):
            return [
                Reply(turn.tr("No question is open. Type `next` for one."), visibility="ephemeral")
            ]
        return [
            Reply(turn.tr("Skipped. Type `next` for another question."), visibility="ephemeral")
        ]

    async def _ask(self, turn: Turn, command: Command) -> list[Reply]:
        hits = await self._bank.store.search(command.rest, k=3, tenant=turn.incoming.tenant)
        close = [hit for hit in hits if hit.score >= ASK_MIN_SCORE]
        if not close:
            return [
                Reply(
                    turn.tr(
                        "Nothing in the question bank is close to that, so I can't answer "
                        "it from the bank. Try other words, or `topics`."
                    )
                )
            ]
        best = close[0].question
        points = "\n".join(f"- {point}" for point in best.key_points)
        others = ", ".join(f"#{hit.question.number}" for hit in close[1:])
        text = turn.tr(
            "From the bank, question #{number}: {question}",
            number=best.number,
            question=best.question,
        )
        text += f"\n{points}"
        if others:
            text += "\n" + turn.tr("Related questions: {others}", others=others)
        return [Reply(text, title=turn.tr("From the question bank"))]

    async def _set_language(self, turn: Turn, command: Command) -> list[Reply]:
        codes = ", ".join(self._catalog.languages)
        if not command.args:
            return [
                Reply(
                    turn.tr(
                        "Languages: {codes}. `language auto` follows what you write.", codes=codes
                    )
                )
            ]
        code = command.args[0].replace("_", "-").split("-")[0]
        code = AUTO if code == "reset" else code
        if code != AUTO and code not in self._catalog.languages:
            return [
                Reply(
                    turn.tr("I don't speak {code} yet. Languages: {codes}", code=code, codes=codes)
                )
            ]
        state = LanguageState.from_dict(turn.user.language_state)
        state = replace(state, explicit=None if code == AUTO else code)
        await self._repo.save_language_state(turn.user.id, state.to_dict())
        if code == AUTO:
            return [Reply(turn.tr("I'll follow the language you write in."))]
        tr = self._catalog.translator(code)
        name = tr.language_name(code)
        return [Reply(tr("I'll reply in {language} from now on.", language=name))]

    async def _appeal(self, turn: Turn, command: Command) -> list[Reply]:
        if not command.rest:
            return [Reply(turn.tr("Tell me why: `appeal <your argument>`."))]
        attempt = await self._repo.last_attempt(turn.incoming.tenant, turn.user.id)
        if attempt is None or attempt.grade is None:
            return [Reply(turn.tr("There is no graded answer to appeal."))]
        if not self._grader.uses_llm:
            await self._repo.add_appeal(attempt.id, command.rest, None, False)
            return [
                Reply(
                    turn.tr(
                        "Appeals are re-graded by the AI grader, which isn't set up "
                        "here. Your appeal is recorded for the admins."
                    )
                )
            ]
        request = await self._request_for(attempt)
        assert request is not None
        previous = attempt.score or 0.0
        regrade = await self._grader.grade(request, appeal=Appeal(command.rest, previous))
        served = await self._repo.served(attempt.served_id)
        new_score = _apply_hints(regrade.score, served.hints if served else 0)
        accepted = not regrade.provisional and new_score > previous
        await self._repo.add_appeal(attempt.id, command.rest, regrade.public_json(), accepted)
        if accepted:
            await self._repo.save_grade(attempt.id, regrade.public_json(), new_score)
            return [
                Reply(
                    turn.tr(
                        "The re-grade agrees with you: your score is now {score}/10.",
                        score=f"{new_score:g}",
                    )
                )
            ]
        return [
            Reply(
                turn.tr(
                    "The re-grade gave {new}/10, so your score stays {old}/10. Your "
                    "appeal is recorded for the admins.",
                    new=f"{new_score:g}",
                    old=f"{previous:g}",
                )
            )
        ]

    async def _bank_command(self, turn: Turn, command: Command) -> list[Reply]:
        if not turn.incoming.is_admin:
            return [
                Reply(turn.tr("Only admins can change the question bank."), visibility="ephemeral")
            ]
        tenant = turn.incoming.tenant
        if command.args[0].lower() == "remove":
            question_id = command.rest.strip()
            if await self._bank.remove(question_id, tenant):
                return [Reply(turn.tr("Removed {id}.", id=question_id))]
            return [Reply(turn.tr("No imported question has the id {id}.", id=question_id))]
        if not turn.incoming.attachments:
            return [Reply(turn.tr("Attach a Markdown or YAML bank file to `bank import`."))]
        lines = []
        for attachment in turn.incoming.attachments:
            outcome = await self._bank.import_file(
                attachment.data, source=attachment.name, tenant=tenant
            )
            lines.append(
                turn.tr(
                    "{file}: {count} questions imported.",
                    file=attachment.name,
                    count=outcome.saved,
                )
            )
            lines += [f"  {issue}" for issue in outcome.result.issues[:20]]
        return [Reply("\n".join(lines))]

    # ---- answers

    async def answer(self, turn: Turn, served: Served, text: str) -> list[Reply]:
        return await self._answer(turn, served, text)

    def bank_questions(self, tenant: str, filters: tuple[str, ...] = ()) -> list[Question]:
        pool = self._bank.questions(tenant)
        for word in filters:
            if word in DIFFICULTIES:
                pool = [q for q in pool if q.difficulty == DIFFICULTIES[word]]
            else:
                pool = [q for q in pool if word in q.topic or word in q.tags]
        return pool

    async def _answer(self, turn: Turn, served: Served, text: str) -> list[Reply]:
        issue = problem(text)
        if issue is not None:
            return [Reply(turn.tr(issue, length=len(text), limit=f"{MAX_ANSWER_CHARS:,}"))]
        if self._limiter is not None and not await self._limiter.allow(
            f"{turn.incoming.tenant}:{turn.incoming.user}"
        ):
            return [
                Reply(
                    turn.tr(
                        "You're answering very fast. Wait a minute, then send your "
                        "answer again; the question is still open."
                    )
                )
            ]
        if not await self._repo.close_served(served.id, "answered"):
            return [Reply(turn.tr("That question was already answered. Type `next` for another."))]
        key_points = None
        if served.parent_id is not None:  # a follow-up probes what the first answer missed
            earlier = await self._repo.attempts_for_served([served.parent_id])
            missing = (earlier[-1].grade or {}).get("missing") if earlier else None
            key_points = tuple(missing) if missing else None
        try:
            attempt, grade, score = await self.grade_answer(
                turn, served, clean(text), key_points=key_points
            )
        except StorageUnavailable:
            # Not stored: the question opens again, so the same answer can be sent later.
            with contextlib.suppress(*StorageUnavailable):
                await self._repo.reopen_served(served.id)
            raise
        if grade is None:
            return [
                Reply(
                    turn.tr(
                        "Your answer is saved, but grading failed. It will be graded "
                        "as soon as possible."
                    )
                )
            ]
        question = self.question(served.tenant_id, served.question_id)
        local = self.localized(question, turn.language)
        shown = grade.model_copy(
            update={
                "covered": in_language(grade.covered, question, local),
                "missing": in_language(grade.missing, question, local),
            }
        )
        reply = render.grade_reply(
            turn.tr, shown, score, attempt.id, served.id, _max_score(served.hints)
        )
        if served.mode == "interview":
            from bot.engine.flows import interview

            return await interview.after_answer(self, turn, served, grade, reply)
        return [reply]

    async def grade_answer(
        self,
        turn: Turn,
        served: Served,
        answer: str,
        *,
        question: Question | None = None,
        key_points: tuple[str, ...] | None = None,
    ) -> tuple[Attempt, Grade | None, float]:
        """Store the answer, then grade it. The stored attempt survives any grading failure."""
        question = question or self.question(served.tenant_id, served.question_id)
        await self.prepare_language(question, turn.language)
        attempt = await self._repo.add_attempt(
            served_id=served.id,
            tenant_id=served.tenant_id,
            user_id=turn.user.id,
            question_id=served.question_id,
            answer=answer,
            language=turn.language,
            created_at=naive_utc(self._clock.now()),
        )
        local = self.localized(question, turn.language)
        translated = local is not question
        request = GradeRequest(
            question=served.follow_up or question.question,
            reference=question.reference,
            key_points=key_points or tuple(question.key_points),
            answer=answer,
            language=turn.language,
            question_id=question.id if key_points is None else None,
            tenant=served.tenant_id,
            local_key_points=tuple(local.key_points) if translated and key_points is None else None,
            local_reference=local.reference if local.reference != question.reference else None,
            owner=owner_of(turn.user.id),
        )
        try:
            grade = await self._grader.grade(request)
            score = await self._save(attempt, grade, hints=served.hints)
        except Exception:  # the answer is stored: it is graded again at the next start
            log.exception("grading failed; attempt %s stays pending", attempt.id)
            return attempt, None, 0.0
        if grade.provisional and self._regrades is not None:
            self._regrades.submit(RegradeJob(str(attempt.id), request))
        return attempt, grade, score

    async def _save(self, attempt: Attempt, grade: Grade, *, hints: int | None = None) -> float:
        if hints is None:
            served = await self._repo.served(attempt.served_id)
            hints = served.hints if served else 0
        score = _apply_hints(grade.score, hints)
        await self._repo.save_grade(attempt.id, grade.public_json(), score)
        await self._schedule_review(attempt.tenant_id, attempt.user_id, attempt.question_id, score)
        return score

    async def _schedule_review(
        self, tenant: str, user_id: int, question_id: str, score: float
    ) -> None:
        existing = await self._repo.review_card(user_id, question_id)
        card, due = self._reviews.review(
            existing.card if existing else None, score, self._clock.now()
        )
        await self._repo.save_review_card(tenant, user_id, question_id, card, naive_utc(due))

    async def _request_for(self, attempt: Attempt) -> GradeRequest | None:
        question = self._maybe_question(attempt.tenant_id, attempt.question_id)
        served = await self._repo.served(attempt.served_id)
        if question is None or served is None or not attempt.answer:
            return None
        return GradeRequest(
            question=served.follow_up or question.question,
            reference=question.reference,
            key_points=tuple(question.key_points),
            answer=attempt.answer,
            language=attempt.language,
            question_id=question.id,
            tenant=attempt.tenant_id,
            owner=owner_of(attempt.user_id),
        )

    async def _on_regraded(self, job: RegradeJob, grade: Grade) -> None:
        attempt = await self._repo.attempt(int(job.key))
        if attempt is None:  # forgotten while it was being re-graded: drop what was cached
            if job.request.owner is not None:
                await self._grader.forget(job.request.owner)
            return
        score = await self._save(attempt, grade)
        await self._announce(
            attempt, score, N_("Your answer was re-graded by the AI grader: {score}/10.")
        )

    async def _announce(self, attempt: Attempt, score: float, message: str) -> None:
        """Tell the user about a grade they didn't wait for, where they answered."""
        served = await self._repo.served(attempt.served_id)
        if served is None:
            return
        external = await self._repo.external_id(attempt.user_id)
        tr = self._catalog.translator(attempt.language)
        delivery = Delivery(attempt.tenant_id, served.channel, served.thread, external)
        await self.notify(delivery, [Reply(tr(message, score=f"{score:g}"), score=score)])

    async def due_count(self, tenant: str, user: str) -> int:
        row = await self._repo.user(tenant, user)
        return len(await self._repo.due_reviews(tenant, row.id, naive_utc(self._clock.now())))

    async def daily_summary(self, post) -> list[Reply]:
        """The day-after post in a daily question's thread."""
        config = await self._repo.channel_config(post.tenant_id, post.channel)
        tr = self._catalog.translator((config.language if config else None) or "en")
        results = await self._repo.daily_results(post.id)
        question = self.question(post.tenant_id, post.question_id)
        lines = [tr("{count} answered yesterday's question.", count=len(results))]
        for rank, (user, name, score) in enumerate(results[:3], 1):
            lines.append(f"{rank}. {name or user}: {score:g}/10")
        lines += ["", tr("Reference answer:"), self.localized(question, tr.language).reference]
        return [Reply("\n".join(lines), title=tr("Yesterday's question"))]

    # ---- helpers

    async def _language(self, user: User, incoming: Incoming) -> str:
        """Explicit choice > detected switch > platform locale > channel default > English.

        Detection needs enough text and two agreeing messages in a row to switch
        (`bot.i18n.detect`); its state is stored per user."""
        config = await self._repo.channel_config(incoming.tenant, incoming.channel)
        default = (config.language if config else None) or self._default_language
        state = LanguageState.from_dict(user.language_state)
        if self._detector is None or incoming.action or state.explicit:
            # An explicit choice wins anyway: no need to run detection on every message.
            return state.explicit or state.detected or _locale(incoming.locale) or default
        decision = self._detector.decide(
            state, incoming.text, locale=incoming.locale, default=default
        )
        if decision.state != state:
            user.language_state = decision.state.to_dict()
            await self._repo.save_language_state(user.id, user.language_state)
        return decision.language if decision.language in self._catalog.languages else default

    def _topics(self, tenant: str) -> set[str]:
        return {q.topic for q in self._bank.questions(tenant)}

    def localized(self, question: Question, language: str) -> Question:
        """The question as a user of `language` reads it (English where not translated)."""
        fallback = self._machine_entries.get((question.id, language))
        return self._bank.translations.localize(question, language, fallback)

    async def prepare_language(self, question: Question, language: str) -> None:
        """With an LLM, translate an entry the shipped translations lack (once; stored)."""
        key = (question.id, language)
        if (
            self._machine is None
            or language == "en"
            or key in self._machine_entries
            or self._bank.translations.entry(language, question.id) is not None
        ):
            return
        entry = await self._machine.translate(question, language)
        if entry is not None:
            self._machine_entries[key] = entry

    def question(self, tenant: str, question_id: str) -> Question:
        question = self._maybe_question(tenant, question_id)
        if question is None:
            raise UserError("That question is no longer in the bank. Type `next` for another.")
        return question

    def _maybe_question(self, tenant: str, question_id: str) -> Question | None:
        return next((q for q in self._bank.questions(tenant) if q.id == question_id), None)

    @property
    def clock(self) -> Clock:
        return self._clock

    def find_question(self, tenant: str, question_id: str) -> Question | None:
        """The question, or None if it left the bank."""
        return self._maybe_question(tenant, question_id)

    @property
    def repository(self) -> Repository:
        return self._repo

    @property
    def grader(self) -> Grader:
        return self._grader

    @property
    def languages(self) -> tuple[str, ...]:
        return self._catalog.languages

    def translator(self, language: str) -> Translator:
        return self._catalog.translator(language)


def owner_of(user_id: int) -> str:
    """Whose answer a grade request carries, as the verdict cache records it."""
    return f"user:{user_id}"


def _private(text: str) -> Reply:
    return Reply(text, visibility="ephemeral")


def _max_score(hints: int) -> float:
    return round(10 * max(0.0, 1 - HINT_PENALTY * hints), 1)


def _apply_hints(score: float, hints: int) -> float:
    return round(score * max(0.0, 1 - HINT_PENALTY * hints), 1)


def platform_of(tenant: str) -> str:
    """Adapters name tenants `<platform>:<id>`; anything else is the console or the CLI."""
    return tenant.split(":", 1)[0] if ":" in tenant else "console"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _locale(locale: str | None) -> str | None:
    return locale.replace("_", "-").split("-")[0].lower() if locale else None
