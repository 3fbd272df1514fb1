"""Practice in a channel or DM: `next`, `review`, `hint`, `reveal`, `skip`, `ask`, `topics`."""

from bot.bank.models import Question
from bot.engine import render
from bot.engine.commands import Command
from bot.engine.context import Turn
from bot.engine.events import Reply
from bot.engine.flows import interviews
from bot.engine.scoring import MAX_HINTS, max_score, review_update
from bot.i18n.catalog import N_
from bot.storage.models import AttemptStatus, Served, ServedMode, ServedStatus, naive_utc

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
  last                        your last grade, and replies I owe you
  leaderboard                 the top scores here
  language <code>             reply in this language (e.g. es)
  appeal <why>                ask for a re-grade of your last answer
  topics                      the topics
  help                        this list""")


async def help_text(turn: Turn, command: Command) -> list[Reply]:
    return [Reply(turn.tr(HELP))]


async def topics(turn: Turn, command: Command) -> list[Reply]:
    names = sorted(turn.ctx.topics(turn.tenant))
    return [Reply(turn.tr("Topics: {topics}", topics=", ".join(names)))]


async def next_question(turn: Turn, command: Command, after: int | None = None) -> list[Reply]:
    """A practice question; inside a running interview, the interview's next step instead.
    `after`: the question whose card's "Next question" button was pressed."""
    ctx = turn.ctx
    moved = await interviews.next_step(turn, after)
    if moved is not None:
        return moved
    now = naive_utc(ctx.clock.now())
    history = await ctx.repo.practice_history(turn.tenant, turn.user.id, now)
    due = [] if command.args else _in_bank(turn, history.due)
    picked = due[:1] or await turn.pick_questions(command.args, seen=history.seen)
    if not picked:
        return [Reply(turn.tr("No questions match that. Type `topics` to see them."))]
    question = picked[0]
    served = await ctx.repo.serve(
        tenant_id=turn.tenant,
        user_id=turn.user.id,
        question_id=question.id,
        channel=turn.incoming.channel,
        thread=None if turn.incoming.is_dm else turn.incoming.thread,
        mode=ServedMode.PRACTICE,
    )
    heading = turn.tr("Review · {topic}", topic=question.topic) if due else None
    local = await ctx.local_question(question, turn.language)
    return [render.question_reply(turn.tr, local, served.id, heading=heading)]


async def _due(turn: Turn) -> list[Question]:
    ctx = turn.ctx
    ids = await ctx.repo.due_reviews(turn.tenant, turn.user.id, naive_utc(ctx.clock.now()))
    return _in_bank(turn, ids)


def _in_bank(turn: Turn, question_ids: list[str]) -> list[Question]:
    """The questions still in the bank, in the order given."""
    bank = {question.id: question for question in turn.ctx.questions(turn.tenant)}
    return [bank[question_id] for question_id in question_ids if question_id in bank]


async def review(turn: Turn, command: Command) -> list[Reply]:
    if await _due(turn):
        return await next_question(turn, Command("next"))
    upcoming = await turn.ctx.repo.next_review(turn.tenant, turn.user.id)
    if upcoming is None:
        return [Reply(turn.tr("No reviews yet: answer a few questions first."))]
    date = upcoming.date().isoformat()
    return [Reply(turn.tr("No reviews due. The next one is due on {date}.", date=date))]


async def _current(turn: Turn, served: Served | None) -> Served | None:
    """The question a hint/reveal/skip is about: the one open here or, from the channel a
    question's thread belongs to, the user's latest open question in that channel."""
    if served is not None:
        return served
    incoming, repo = turn.incoming, turn.ctx.repo
    here = await repo.open_served(turn.tenant, turn.user.id, incoming.channel, incoming.thread)
    if here is None and incoming.thread is None:
        return await repo.latest_open(turn.tenant, turn.user.id, incoming.channel)
    return here


async def hint(turn: Turn, command: Command, served: Served | None = None) -> list[Reply]:
    served = await _current(turn, served)
    if served is None or served.status != ServedStatus.OPEN:
        return [_private(turn.tr("No question is open. Type `next` for one."))]
    if served.hints >= MAX_HINTS:
        return [_private(turn.tr("No more hints for this one. Answer it, or `reveal`."))]
    question = turn.ctx.question(turn.tenant, served.question_id)
    hints = await turn.ctx.repo.add_hint(served.id)
    if hints == 1:
        text = turn.tr("Hint: think about {ideas}.", ideas=", ".join(question.tags[:4]))
    else:
        rubric = served.follow_up_rubric  # a follow-up's hint names one of its own points
        point = (
            rubric["key_points"][0]
            if rubric and rubric.get("key_points")
            else turn.ctx.localized(question, turn.language).key_points[0]
        )
        text = turn.tr("Hint: a strong answer says that {point}", point=_lower_first(point))
    note = turn.tr("You can now score at most {max}/10.", max=f"{max_score(hints):g}")
    return [Reply(f"{text}\n{note}", visibility="ephemeral")]


async def reveal(turn: Turn, command: Command, served: Served | None = None) -> list[Reply]:
    ctx = turn.ctx
    served = await _current(turn, served)
    if served is None:
        attempt = await ctx.repo.last_attempt(turn.tenant, turn.user.id)
        if attempt is None:
            return [_private(turn.tr("No question is open. Type `next` for one."))]
        served = await ctx.repo.served(attempt.served_id)
        assert served is not None
    question = ctx.question(turn.tenant, served.question_id)
    revealed = await ctx.repo.close_with_attempt(
        served.id,
        ServedStatus.REVEALED,
        tenant_id=served.tenant_id,
        user_id=turn.user.id,
        question_id=served.question_id,
        answer="",
        language=turn.language,
        status=AttemptStatus.REVEALED,
        created_at=naive_utc(ctx.clock.now()),
        score=0.0,
    )
    if revealed is not None:
        await ctx.repo.review(
            review_update(ctx, served.tenant_id, turn.user.id, served.question_id, 0.0)
        )
    reference = Reply(
        ctx.localized(question, turn.language).reference,
        title=turn.tr("Reference answer"),
        buttons=(render.Button("next", turn.tr("Next question"), "primary"),),
    )
    in_interview = await interviews.after_reveal(
        turn, served, reference, was_open=revealed is not None
    )
    return in_interview or [reference]


async def skip(turn: Turn, command: Command, served: Served | None = None) -> list[Reply]:
    served = await _current(turn, served)
    in_interview = await interviews.skip(turn, served) if served is not None else None
    if in_interview is not None:
        return in_interview
    if served is None or not await turn.ctx.repo.close_served(served.id, ServedStatus.SKIPPED):
        return [_private(turn.tr("No question is open. Type `next` for one."))]
    return [_private(turn.tr("Skipped. Type `next` for another question."))]


async def ask(turn: Turn, command: Command) -> list[Reply]:
    hits = await turn.ctx.bank.search(command.rest, k=3, tenant=turn.tenant)
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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _private(text: str) -> Reply:
    return Reply(text, visibility="ephemeral")
