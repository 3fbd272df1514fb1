"""The terminal chat: one line in, the engine's replies out. Works with a pipe or a TTY.

Buttons are shown as numbered options; typing the number presses the button. The numbers stay
valid until a reply with buttons of its own replaces them, so a vote, `language xx` or `hint`
in between doesn't take the card's choices away.
"""

import asyncio
import getpass
from pathlib import Path
from typing import TextIO

from bot.adapters.console_io import READ_LIMIT, ReplyWriter, read_line
from bot.engine.engine import ConversationEngine
from bot.engine.events import Button, Incoming, Reply

PROMPT = "> "
CONSOLE_TENANT = "console"
CONSOLE_CHANNEL = "console"


async def chat(
    engine: ConversationEngine,
    stdin: TextIO,
    stdout: TextIO,
    *,
    images: Path,
    language: str = "en",
    banner: str | None = None,
) -> int:
    """Chat until stdin ends or `quit`; charts are saved under `images`, notes the chat itself
    makes are in `language`."""
    user = getpass.getuser()
    interactive = stdin.isatty()
    writer = ReplyWriter(stdout, images)
    tr = engine.translator(language)

    async def notify(_delivery, replies: list[Reply]) -> None:
        writer.replies(replies, [])

    engine.add_notifier(notify)
    if banner:
        writer.line(banner)
    writer.line("interview-bot: type `help` for commands, `next` for a question, `quit` to leave.")
    await engine.release_notifications()
    options: list[Button] = []
    # "You have an open question (Question 12)", with its card, when something is open.
    writer.replies(await engine.open_work(CONSOLE_TENANT, user, CONSOLE_CHANNEL), options)
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(read_line, stdin, terminal=interactive)
        if line is None or line.text.strip().lower() in {"quit", "exit"}:
            return 0
        text = line.text
        if line.cut:
            writer.line(
                tr(
                    "✂ Your message was cut after {limit} characters, the most a terminal "
                    "reads in one line; the rest was not read.",
                    limit=f"{READ_LIMIT:,}",
                )
            )
        incoming = Incoming(
            text=text, user=user, tenant=CONSOLE_TENANT, user_name=user, channel=CONSOLE_CHANNEL
        )
        choice = text.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(options):
            button = options[int(choice) - 1]
            incoming = Incoming(
                text="",
                user=user,
                tenant=CONSOLE_TENANT,
                user_name=user,
                channel=CONSOLE_CHANNEL,
                action=button.action,
            )
        replies = await engine.handle(incoming)
        shown: list[Button] = []
        writer.replies(replies, shown)
        if shown:  # a new card: its numbers replace the last card's
            options = shown
