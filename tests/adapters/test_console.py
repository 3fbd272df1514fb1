import asyncio
import io
from pathlib import Path

from bot.app import App
from bot.terminal import run_console


async def test_console_session_shows_a_question_a_grade_and_stats(ingested_app: App):
    ingested_app.bank  # noqa: B018 - the bank is read below to build a sensible answer
    first = io.StringIO("next\n")
    out = io.StringIO()
    await run_console(ingested_app, first, out)
    asked = next(q for q in ingested_app.bank.questions() if q.question in out.getvalue())
    session = io.StringIO(f"skip\nnext\n{' '.join(asked.key_points)}\nstats\nquit\nnext\n")
    stdout = io.StringIO()
    assert await run_console(ingested_app, session, stdout) == 0
    output = stdout.getvalue()
    assert "Skipped." in output
    assert "Score:" in output and "/10" in output
    assert "Answers graded: 1" in output
    chart = next(line for line in output.splitlines() if line.startswith("  chart: "))
    image = await asyncio.to_thread(Path(chart.removeprefix("  chart: ")).read_bytes)
    assert image.startswith(b"\x89PNG")
    assert output.count("Reply with your answer.") == 1  # nothing is read after `quit`
    assert "  [1] Hint" in output  # buttons become numbered options
    assert not any(line.startswith("> ") for line in output.splitlines())  # no prompt on a pipe


async def test_numbered_option_presses_the_button(ingested_app: App):
    stdout = io.StringIO()
    await run_console(ingested_app, io.StringIO("next\n1\n"), stdout)
    assert "Hint: think about" in stdout.getvalue()
