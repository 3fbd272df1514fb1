"""The command line as an operator uses it: real entry point, real files, real Chroma."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

MESSY = Path(__file__).parent / "bank" / "fixtures" / "messy-bank.md"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bank_list_json_has_the_fifty_questions(cli_env, capsys):
    code, out, _ = run(capsys, "bank", "list", "--json")
    questions = json.loads(out)
    assert code == 0
    assert [q["number"] for q in questions] == list(range(1, 51))
    for q in questions:
        assert q["reference"] and len(q["key_points"]) >= 3
        assert {"id", "topic", "difficulty", "question"} <= q.keys()


def test_dry_run_import_of_a_messy_bank_prints_the_same_json_shape(cli_env, capsys):
    code, out, err = run(capsys, "bank", "import", str(MESSY), "--dry-run", "--json")
    parsed = json.loads(out)
    assert code == 0
    assert sorted(q["number"] for q in parsed) == list(range(1, 11))
    _, listed, _ = run(capsys, "bank", "list", "--json")
    assert set(parsed[0]) == set(json.loads(listed)[0])
    assert "10 questions parsed (dry run, nothing written)" in err
    assert not (cli_env / "banks").exists() and not (cli_env / "chroma").exists()


def test_import_for_a_tenant_then_list_show_and_ingest(cli_env, capsys, tmp_path: Path):
    bank = tmp_path / "team.md"
    bank.write_text(
        "## Our stack\n\n### 1) What does our feature store cache?\n\n"
        "**Answer:** It caches user embeddings for ten minutes. It is keyed by user id. "
        "Misses fall back to the offline store.\n"
    )
    code, _, err = run(capsys, "bank", "import", str(bank), "--tenant", "acme")
    assert code == 0 and "1 questions imported for acme" in err
    _, out, _ = run(capsys, "bank", "list", "--json", "--tenant", "acme")
    ids = [q["id"] for q in json.loads(out)]
    assert len(ids) == 51 and "our-feature-store-cache" in ids
    _, out, _ = run(capsys, "bank", "list", "--json")
    assert len(json.loads(out)) == 50  # other tenants don't see it
    code, out, _ = run(capsys, "bank", "show", "our-feature-store-cache", "--tenant", "acme")
    assert code == 0 and "It caches user embeddings" in out and "our-stack" in out
    _, out, _ = run(capsys, "ingest")
    assert "global: 50 added" in out and "acme: 0 added, 0 updated" in out
    _, out, _ = run(capsys, "ingest")
    assert out.count("(0 embedded)") == 2


def test_bank_show_accepts_the_number_the_chat_shows(cli_env, capsys):
    _, listed, _ = run(capsys, "bank", "list", "--json")
    seventh = next(q for q in json.loads(listed) if q["number"] == 7)
    code, by_number, _ = run(capsys, "bank", "show", "7")
    assert code == 0 and by_number.startswith(f"#7 {seventh['id']}")
    _, by_id, _ = run(capsys, "bank", "show", seventh["id"])
    assert by_number == by_id
    code, _, err = run(capsys, "bank", "show", "999")
    assert code == 2 and "no question with number 999" in err


def test_bank_list_into_a_closed_pipe_exits_quietly(cli_env):
    """`interview-bot bank list | head -3`: the reader is gone before we write; no traceback."""
    script = Path(sys.executable).with_name("interview-bot")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(script), "bank", "list"], stdout=write_end, stderr=subprocess.PIPE, timeout=60
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr.decode() == ""


def test_bank_check_passes_on_the_shipped_bank(cli_env, capsys):
    code, out, _ = run(capsys, "bank", "check")
    assert code == 0 and out.startswith("ok: 50 questions")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: a\nquestion: [oops\n", "bad.yaml:3: malformed YAML"),
        ("- id: a\n  number: 1\n", "bad.yaml:1: missing field 'topic'"),
        ("just a string\n", "bad.yaml:1: must hold a question mapping"),
    ],
)
def test_bad_bank_files_give_one_clear_line(cli_env, capsys, tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    code, _, err = run(capsys, "bank", "check", str(bad))
    assert code == 2
    assert expected in err and "Traceback" not in err and err.count("\n") == 1


def test_user_errors_never_show_a_traceback(cli_env, capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, "bank", "show", "no-such-question")
    assert code == 2 and "no question with id 'no-such-question'" in err
    code, _, err = run(capsys, "bank", "import", str(tmp_path / "missing.md"))
    assert code == 2 and "no such file" in err
    monkeypatch.setenv("EMBEDDING_MODEL_DIR", str(tmp_path / "empty"))
    code, _, err = run(capsys, "ingest")
    assert code == 2 and "EMBEDDING_MODEL_DIR=" in err and "missing: model.onnx" in err
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "1")
    monkeypatch.setenv("EMBEDDING_MODEL_DIR", str(Path(__file__).parents[1].parent / "x"))
    code, _, err = run(capsys, "bank", "list")
    assert code == 0  # listing reads files; it needs neither the model nor Chroma
    code, _, err = run(capsys, "bank", "import", str(MESSY), "--tenant", "bad tenant!")
    assert code == 2 and "invalid tenant" in err


def test_unreachable_chroma_server_is_one_clear_line(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "1")
    code, _, err = run(capsys, "ingest")
    assert code == 2 and "cannot reach the Chroma server at CHROMA_HOST=127.0.0.1" in err


def test_invalid_setting_is_named(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("CHROMA_PORT", "not-a-port")
    code, _, err = run(capsys, "bank", "list")
    assert code == 2 and "CHROMA_PORT" in err


def test_console_script_runs_the_terminal_chat_from_a_pipe(cli_env):
    script = Path(sys.executable).with_name("interview-bot")
    done = subprocess.run(
        [str(script)], input="help\nnext\nreveal\n", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No DISCORD_TOKEN or SLACK_BOT_TOKEN is set")  # says how
    assert "next [topic]" in done.stdout and "== Reference answer ==" in done.stdout


def test_language_replay_prints_one_decision_per_message(cli_env, capsys, tmp_path):
    chat = tmp_path / "chat.jsonl"
    lines = [
        {"user": "u1", "text": "hola, ¿qué tal? quiero practicar embeddings", "locale": "en-US"},
        {"user": "u1", "text": "me gustaría una pregunta sobre atención", "locale": "en-US"},
        {"user": "u2", "text": "next", "locale": "de-DE"},
    ]
    chat.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    code, out, _ = run(capsys, "language", "replay", str(chat))
    decisions = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(decisions) == 3
    assert decisions[0]["language"] == "es" and decisions[0]["switched"]  # "¿" is unmistakable
    assert decisions[1]["language"] == "es" and not decisions[1]["switched"]
    assert decisions[2]["language"] == "de"  # too short to detect: the locale decides
