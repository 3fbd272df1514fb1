"""The terminal chat: one line in, the engine's replies out. Works with a pipe or a TTY.

Buttons are shown as numbered options; typing the number presses the button.
"""

import asyncio
import getpass
from pathlib import Path
from typing import TextIO

from bot.engine.engine import ConversationEngine
from bot.engine.events import Button, Incoming, Reply

PROMPT = "> "
CONSOLE_TENANT = "console"


async def chat(
    engine: ConversationEngine,
    stdin: TextIO,
    stdout: TextIO,
    *,
    images: Path,
    banner: str | None = None,
) -> int:
    """Chat until stdin ends or `quit`; charts are saved under `images`."""
    user = getpass.getuser()
    interactive = stdin.isatty()

    async def notify(_delivery, replies: list[Reply]) -> None:
        _write(stdout, replies, [], images)

    engine.add_notifier(notify)
    if banner:
        stdout.write(banner + "\n")
    stdout.write(
        "interview-bot: type `help` for commands, `next` for a question, `quit` to leave.\n"
    )
    stdout.flush()
    await engine.release_notifications()
    options: list[Button] = []
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line or line.strip().lower() in {"quit", "exit"}:
            return 0
        text = line.rstrip("\n")
        incoming = Incoming(text=text, user=user, tenant=CONSOLE_TENANT, user_name=user)
        choice = text.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(options):
            button = options[int(choice) - 1]
            incoming = Incoming(
                text="", user=user, tenant=CONSOLE_TENANT, user_name=user, action=button.action
            )
        replies = await engine.handle(incoming)
        options = []
        _write(stdout, replies, options, images)


def _write(stdout: TextIO, replies: list[Reply], options: list[Button], images: Path) -> None:
    for reply in replies:
        if reply.title:
            stdout.write(f"== {reply.title} ==\n")
        stdout.write(reply.text + "\n")
        if reply.image is not None:  # a terminal can't show it: save it and say where
            images.mkdir(parents=True, exist_ok=True)
            path = images / (reply.image_name or "image.png")
            path.write_bytes(reply.image)
            stdout.write(f"  chart: {path.resolve()}\n")
        for button in reply.buttons:
            if button.action.startswith("answer:"):
                continue  # in a terminal, the next line is the answer
            options.append(button)
            stdout.write(f"  [{len(options)}] {button.label}\n")
    stdout.flush()
