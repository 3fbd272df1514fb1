"""`interview-bot console`: the terminal chat (`bot.adapters.console`) on a started App."""

from typing import TextIO

from bot.adapters.console import chat
from bot.app import App


async def run_console(app: App, stdin: TextIO, stdout: TextIO, *, banner: str | None = None) -> int:
    app.engine.hold_notifications()  # until the chat listens: grades made while resuming
    await app.start()
    try:
        if app.show_progress:  # the progress bar, not the chat, has the terminal until indexed
            await app.bank.synced()
        return await chat(
            app.engine,
            stdin,
            stdout,
            images=app.settings.data_dir / "charts",
            language=app.settings.default_language,
            banner=banner,
        )
    finally:
        await app.aclose()
