import io

from bot.adapters.console import run_console


async def test_console_reads_a_pipe_line_by_line(ingested_app):
    stdin = io.StringIO("help\nnext\nskip\nquit\nnext\n")
    stdout = io.StringIO()
    assert await run_console(ingested_app, stdin, stdout) == 0
    output = stdout.getvalue()
    assert "ask <text>" in output
    assert output.count("Type your answer.") == 1  # nothing is read after `quit`
    assert "Skipped." in output
    assert not any(line.startswith("> ") for line in output.splitlines())  # no prompt on a pipe
