"""The terminal chat: one line in, the engine's replies out. Works with a pipe or a TTY."""

import asyncio
import getpass
from typing import TextIO

from bot.app import App
from bot.engine.events import Incoming

PROMPT = "> "


async def run_console(app: App, stdin: TextIO, stdout: TextIO) -> int:
    engine = app.engine
    interactive = stdin.isatty()
    stdout.write(
        "interview-bot: type `help` for commands, `next` for a question, Ctrl-D to quit.\n"
    )
    user = getpass.getuser()
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return 0
        if line.strip().lower() in {"quit", "exit"}:
            return 0
        for reply in await engine.handle(Incoming(text=line.rstrip("\n"), user=user)):
            stdout.write(reply.text + "\n")
            if reply.buttons:
                stdout.write("  [" + "] [".join(reply.buttons) + "]\n")
        stdout.flush()
