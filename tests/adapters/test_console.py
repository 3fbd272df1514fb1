import asyncio
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

from bot.adapters.console_io import READ_LIMIT, read_line
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
    # The question left open, shown at start, then the next one; nothing is read after `quit`.
    assert output.count("Reply with your answer.") == 2
    assert "  [1] Hint" in output  # buttons become numbered options
    assert not any(line.startswith("> ") for line in output.splitlines())  # no prompt on a pipe


async def test_numbered_option_presses_the_button(ingested_app: App):
    stdout = io.StringIO()
    await run_console(ingested_app, io.StringIO("next\n1\n"), stdout)
    assert "Hint: think about" in stdout.getvalue()


RENDER_BANK = b"""## Terminal rendering

### 1) How does a serving stack keep GPUs busy under bursty chat traffic?

**Answer:** **Continuous batching** adds new requests to the running batch at every decoding
step, and a cap such as `max_num_seqs` bounds the memory a burst can take.
"""


async def _reveal_session(app: App, stdout) -> None:
    await run_console(app, io.StringIO("next terminal\nreveal\n"), stdout)


async def test_a_terminal_gets_rendered_markdown_and_a_pipe_the_plain_text(ingested_app: App):
    outcome = await ingested_app.bank.import_file(RENDER_BANK, source="render.md", tenant="console")
    assert outcome.result.errors == []
    piped = io.StringIO()
    await _reveal_session(ingested_app, piped)
    assert "**Continuous batching**" in piped.getvalue()  # a pipe gets what the engine wrote
    assert "`max_num_seqs`" in piped.getvalue()

    master, slave = os.openpty()  # a real terminal, as a user's would be
    screen = bytearray()
    reader = threading.Thread(target=_drain, args=(master, screen))
    reader.start()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        await _reveal_session(ingested_app, terminal)
    await asyncio.to_thread(reader.join, 10)
    os.close(master)
    shown = screen.decode("utf-8", "replace")
    assert "Continuous batching" in shown and "max_num_seqs" in shown
    assert "**" not in shown and "`" not in shown  # rendered, not raw Markdown
    assert "[1] " in shown  # the buttons are still numbered options


def _drain(master: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal was closed
            return
        if not chunk:
            return
        into.extend(chunk)


async def test_a_long_paste_is_cut_with_a_note_and_the_rest_is_not_read(ingested_app: App):
    paste = "Dropout zeroes attention weights. " * 300  # 10,200 characters on one line
    session = io.StringIO(f"next\n{paste}\nskip\n")
    stdout = io.StringIO()
    await run_console(ingested_app, session, stdout)
    output = stdout.getvalue()
    assert f"✂ Your message was cut after {READ_LIMIT:,} characters" in output
    assert f"Your answer is {READ_LIMIT:,} characters long" in output  # only the cut part arrived
    assert "Skipped." in output  # the rest of the long line was not taken as the next message


def test_a_terminal_line_at_its_limit_is_reported_as_cut():
    """A terminal in line mode drops what goes past 4,095 bytes; the reader notices."""
    master, slave = os.openpty()
    try:
        with open(slave, encoding="utf-8", closefd=False) as terminal:
            writer = threading.Thread(target=os.write, args=(master, b"x" * 5000 + b"\n"))
            writer.start()
            line = read_line(terminal, terminal=True)
            writer.join(timeout=10)
        assert line is not None and line.cut and len(line.text) == READ_LIMIT
    finally:
        os.close(slave)
        os.close(master)


def test_a_short_line_is_not_cut():
    line = read_line(io.StringIO("hello\n"), terminal=True)
    assert line is not None and line.text == "hello" and not line.cut
    assert read_line(io.StringIO(""), terminal=False) is None


async def test_a_cards_numbers_stay_valid_after_other_input(ingested_app: App):
    # A grade card ([1] Show reference [2] Next question [3] 👍 [4] 👎): a vote, then "Next
    # question"; on the next card, `language en`, then "Next question" again.
    session = "next\nsome answer\n4\n2\nanother answer\nlanguage en\n2\n"
    stdout = io.StringIO()
    await run_console(ingested_app, io.StringIO(session), stdout)
    output = stdout.getvalue()
    assert "Thanks, your feedback on the grade is recorded." in output
    assert "I'll reply in English from now on." in output
    assert "No question is open" not in output
    assert output.count("Reply with your answer.") == 3


async def test_start_says_what_is_still_open(ingested_app: App):
    first = io.StringIO()
    await run_console(ingested_app, io.StringIO("next\n"), first)
    restarted = io.StringIO()
    await run_console(ingested_app, io.StringIO("1\n"), restarted)  # the card's [1] Hint
    output = restarted.getvalue()
    assert "You have an open question (Question " in output
    assert "Hint: think about" in output  # the card is shown again, so its numbers work
    ended = io.StringIO()
    await run_console(ingested_app, io.StringIO("skip\ninterview start 3\n"), ended)
    assert "You have an open question" in ended.getvalue()
    later = io.StringIO()
    await run_console(ingested_app, io.StringIO(""), later)
    assert "You have an interview at question 1 of 3." in later.getvalue()
    assert "== Question 1 of 3 ==" in later.getvalue()
    await run_console(ingested_app, io.StringIO("interview stop\n"), io.StringIO())
    nothing = io.StringIO()
    await run_console(ingested_app, io.StringIO(""), nothing)
    assert "You have" not in nothing.getvalue()


PIPED_SESSION = [
    "ask What is attention dropout in Transformer models?",
    "next",
    "It is a kind of regularization.",
    "4",  # 👎 on the grade card
    "2",  # then its "Next question", after that other input
    "skip",
    "interview start 3",
    "It helps the model in some cases.",  # a partial answer: a follow-up comes
    "skip",  # skips the follow-up: question 2 of 3
    "next",  # skips question 2: question 3 of 3
    "It depends on the data.",
    "I don't know.",  # the follow-up's answer, graded; then the scorecard
]


def test_a_piped_console_session_on_a_fresh_data_folder(cli_env):
    """The terminal chat as a user drives it through a pipe, on a data folder of its own."""
    script = Path(sys.executable).with_name("interview-bot")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DISCORD_", "SLACK_"))
    }
    done = subprocess.run(
        [str(script), "console"],
        input="\n".join(PIPED_SESSION) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    print(done.stdout)  # the transcript (pytest -s shows it)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "From the bank, question #1: What is attention dropout in Transformer models?" in out
    assert "Thanks, your feedback on the grade is recorded." in out
    assert "No question is open" not in out  # "2" pressed "Next question"
    assert out.count("Reply with your answer.") == 2 + 3  # practice: 2, the interview: 3
    interview = out[out.index("Mock interview: 3 questions.") :]
    for step in ("Question 1 of 3", "Follow-up", "Skipped.", "Question 2 of 3", "Question 3 of 3"):
        assert step in interview
        interview = interview[interview.index(step) + len(step) :]
    assert "== Your grade ==\nScore: 0/10" in interview  # "I don't know." to the follow-up
    card = interview.split("== Interview scorecard ==")[1]
    assert card.count("/10") >= 3 and "You answered all" not in card  # one was skipped
    asked = [line for line in out.split("Mock interview")[1].splitlines() if "== Question" in line]
    assert asked == [f"== Question {n} of 3 ==" for n in (1, 2, 3)]  # never out to practice
