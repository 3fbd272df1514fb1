"""`bank import` (attached Markdown or YAML files) and `bank remove ID`, for admins."""

from bot.engine.commands import Command
from bot.engine.context import Turn
from bot.engine.events import Reply

MAX_ISSUES_SHOWN = 20


async def bank(turn: Turn, command: Command) -> list[Reply]:
    if not turn.incoming.is_admin:
        return [Reply(turn.tr("Only admins can change the question bank."), visibility="ephemeral")]
    service, tenant = turn.ctx.bank, turn.incoming.tenant
    if command.args[0].lower() == "remove":
        question_id = command.rest.strip()
        if await service.remove(question_id, tenant):
            return [Reply(turn.tr("Removed {id}.", id=question_id))]
        return [Reply(turn.tr("No imported question has the id {id}.", id=question_id))]
    if not turn.incoming.attachments:
        return [Reply(turn.tr("Attach a Markdown or YAML bank file to `bank import`."))]
    lines = []
    for attachment in turn.incoming.attachments:
        outcome = await service.import_file(attachment.data, source=attachment.name, tenant=tenant)
        lines.append(
            turn.tr(
                "{file}: {count} questions imported.", file=attachment.name, count=outcome.saved
            )
        )
        lines += [f"  {issue}" for issue in outcome.result.issues[:MAX_ISSUES_SHOWN]]
    return [Reply("\n".join(lines))]
