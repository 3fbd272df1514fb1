"""`grade` and `eval` as an operator runs them, offline (no LLM settings: no network)."""

import json
from pathlib import Path

from bot.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_grade_json_has_the_documented_fields(cli_env, capsys):
    answer = "Attention dropout zeroes attention weights after the softmax, off at inference."
    code, out, _ = run(
        capsys, "grade", "--question-id", "attention-dropout", "--answer", answer, "--json"
    )
    grade = json.loads(out)
    assert code == 0
    assert {
        "score",
        "grader",
        "provisional",
        "flags",
        "covered",
        "missing",
        "feedback",
        "language",
    } <= grade.keys()
    assert 0 <= grade["score"] <= 10 and grade["grader"] == "offline"


def test_grade_an_ad_hoc_question_and_refuse_empty_answers(cli_env, capsys):
    code, out, _ = run(
        capsys,
        "grade",
        "--question",
        "What is a stack?",
        "--reference",
        "A stack is a last-in first-out collection. Push adds on top. Pop removes the top item.",
        "--answer",
        "LIFO: push puts an item on top, pop takes it.",
    )
    assert code == 0 and out.startswith("Score: ")
    code, _, err = run(capsys, "grade", "--question-id", "attention-dropout", "--answer", "  ")
    assert code == 2 and "the answer is empty" in err


def test_eval_prints_agreement_and_writes_rows_in_order(cli_env, capsys, tmp_path: Path):
    data = tmp_path / "set.csv"
    reference = "A stack is a last-in first-out collection. Push adds on top. Pop removes the top."
    rows = [
        ("LIFO structure: push adds to the top and pop removes the top element.", 5),
        ("It is last in first out; you push and pop.", 4),
        ("A queue processes items first-in first-out.", 1),
        ("Bananas are yellow.", 0),
    ]
    lines = ["question,reference,answer,score"]
    lines += [f'"What is a stack?","{reference}","{answer}",{score}' for answer, score in rows]
    data.write_text("\n".join(lines) + "\n")
    out_file = tmp_path / "out.jsonl"
    code, out, _ = run(capsys, "eval", str(data), "--out", str(out_file))
    assert code == 0 and out.startswith("n=4 pearson_r=")
    written = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [w["row"] for w in written] == [1, 2, 3, 4]
    assert [w["human"] for w in written] == [5, 4, 1, 0]
    assert written[0]["predicted"] > written[3]["predicted"]


def test_eval_reports_bad_rows_by_line(cli_env, capsys, tmp_path: Path):
    data = tmp_path / "set.jsonl"
    data.write_text('{"question": "q", "reference": "r", "answer": "a", "score": 1}\nnot json\n')
    code, _, err = run(capsys, "eval", str(data))
    assert code == 2 and "set.jsonl:2: not valid JSON" in err


async def test_grade_and_eval_use_a_configured_llm(cli_env, capsys, monkeypatch, tmp_path: Path):
    import asyncio

    from tests.fakes import grader_responders
    from tests.fakes.openai_server import ScriptedLLM

    calibration = Path(__file__).parents[1] / "bench" / "data" / "calibration.jsonl"
    subset = tmp_path / "subset.jsonl"
    subset.write_text("".join(calibration.read_text().splitlines(keepends=True)[:12]))
    async with ScriptedLLM(responder=grader_responders.honest) as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        monkeypatch.setenv("LLM_MODEL", "scripted")
        answer = "Attention dropout zeroes post-softmax attention weights with probability p."
        argv = ["grade", "--question-id", "attention-dropout", "--answer", answer, "--json"]
        code = await asyncio.to_thread(main, argv)
        grade = json.loads(capsys.readouterr().out)
        assert code == 0 and grade["grader"] == "llm" and len(llm.requests) == 1

        out_file = tmp_path / "out.jsonl"
        code = await asyncio.to_thread(main, ["eval", str(subset), "--out", str(out_file)])
        out = capsys.readouterr().out
        assert code == 0 and "n=12 pearson_r=" in out and "graded by: llm 12" in out
        assert len(llm.requests) == 13

        llm.mode = "500"
        monkeypatch.setenv("LLM_RETRY_MAX_WAIT", "0")
        code = await asyncio.to_thread(main, ["eval", str(subset), "--out", str(out_file)])
        out = capsys.readouterr().out
        written = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert code == 0 and "offline (provisional) 12" in out
    assert [w["row"] for w in written] == list(range(1, 13))
    assert all(w["provisional"] and "llm_unavailable" in w["flags"] for w in written)
