"""The user's own settings and data: `language`, `remind`, `digest`, `forget me`."""

from dataclasses import replace

from bot.engine.commands import Command
from bot.engine.context import Turn, owner_of
from bot.engine.events import Reply
from bot.i18n.catalog import N_
from bot.i18n.detect import AUTO, LanguageState
from bot.i18n.locale import primary_language

PREFERENCE_MESSAGES = {
    ("remind", True): N_("I'll DM you when your daily streak is at risk."),
    ("remind", False): N_("No more streak reminders."),
    ("digest", True): N_("I'll DM you a daily count of your due reviews."),
    ("digest", False): N_("No more review digests."),
}


async def set_language(turn: Turn, command: Command) -> list[Reply]:
    ctx = turn.ctx
    codes = ", ".join(ctx.catalog.languages)
    if not command.args:
        return [
            Reply(
                turn.tr("Languages: {codes}. `language auto` follows what you write.", codes=codes)
            )
        ]
    code = primary_language(command.args[0]) or ""
    code = AUTO if code == "reset" else code
    if code != AUTO and code not in ctx.catalog.languages:
        return [
            Reply(turn.tr("I don't speak {code} yet. Languages: {codes}", code=code, codes=codes))
        ]
    state = LanguageState.from_dict(turn.user.language_state)
    state = replace(state, explicit=None if code == AUTO else code)
    await ctx.repo.save_language_state(turn.user.id, state.to_dict())
    if code == AUTO:
        return [Reply(turn.tr("I'll follow the language you write in."))]
    tr = ctx.translator(code)
    name = tr.language_name(code)
    return [Reply(tr("I'll reply in {language} from now on.", language=name))]


async def preference(turn: Turn, command: Command) -> list[Reply]:
    """`remind on|off` and `digest on|off`."""
    value = (command.args[0] if command.args else "on").lower()
    if value not in {"on", "off"}:
        return [Reply(turn.tr("Use `{name} on` or `{name} off`.", name=command.name))]
    await turn.ctx.repo.set_preference(turn.user.id, command.name, value == "on")
    message = PREFERENCE_MESSAGES[(command.name, value == "on")]
    return [Reply(turn.tr(message), visibility="ephemeral")]


async def forget(turn: Turn, command: Command) -> list[Reply]:
    """Delete the user's data in this tenant only: the same user id in another workspace
    or server may be someone else, and is in any case not asked here."""
    ctx = turn.ctx
    forgotten = await ctx.repo.forget(turn.incoming.tenant, turn.incoming.user)
    if ctx.regrades is not None:  # queued re-grades would send the answers out again
        ctx.regrades.discard(str(attempt) for attempt in forgotten.attempts)
    if forgotten.user_id is not None:
        await ctx.grader.forget(owner_of(forgotten.user_id))
    return [
        Reply(
            turn.tr(
                "Done: your answers, scores, stats and reviews here are deleted "
                "({count} answers). Other workspaces and servers keep theirs: say "
                "`forget me` there too.",
                count=len(forgotten.attempts),
            ),
            visibility="ephemeral",
        )
    ]
