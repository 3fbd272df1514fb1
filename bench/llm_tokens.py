"""Tokens per grade against the real local model, in both structured-output modes.

Run: EMBEDDING_MODEL_DIR=../shared/models/all-MiniLM-L6-v2/onnx python bench/llm_tokens.py
     [--port N] [--questions K]

Starts `../shared/llm/start.sh` on a free port (or uses a server already on `--port`), grades one
answer to each of the first K bank questions (3 by default) in `json_schema` and
`function_calling` modes, and prints the prompt and completion tokens the server counted and the
seconds per call (wall clock: noisy on 2 shared cores). The budget is 1,200 prompt tokens per
grade of a bank question. Prompt tokens include what the server adds: the tool list, and the
schema the shim repeats in the system message. Then it estimates the prompt of every bank
question: its messages' tokens plus the largest overhead the measured calls showed (the random
boundary token tokenizes differently in each call, so a real prompt may differ by a few tokens).
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.bank.loader import load_bank
from bot.config import Settings
from bot.grading.llm import LLMGrader
from bot.grading.models import GradeRequest
from bot.llm.breaker import CircuitBreaker
from bot.llm.chat import ChatModel, LLMOptions
from bot.llm.prompts import PromptLibrary
from bot.resources import resource_dir

START = Path(__file__).resolve().parents[2] / "shared" / "llm" / "start.sh"
MODEL = "smollm2-135m-instruct"
BUDGET = 1200


def _arg(name: str, default: int | None) -> int | None:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _start() -> tuple[int, Path]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = subprocess.run(["bash", str(START), str(port)], capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"the local LLM did not start: {started.stderr.strip()[-300:]}")
    return port, Path(started.stdout.strip().splitlines()[-1])


def _request(question) -> GradeRequest:
    """An answer of typical length: two of the question's key points."""
    return GradeRequest(
        question=question.question,
        reference=question.reference,
        key_points=tuple(question.key_points),
        answer=question.key_points[0] + " " + question.key_points[-1],
        question_id=question.id,
    )


async def _count(client: httpx.AsyncClient, port: int, messages: list[tuple[str, str]]) -> int:
    """Tokens of the messages' text alone (llama-cpp-python's tokenizer endpoint)."""
    text = "\n".join(content for _, content in messages)
    reply = await client.post(
        f"http://127.0.0.1:{port}/extras/tokenize/count", json={"input": text}
    )
    reply.raise_for_status()
    return int(reply.json()["count"])


async def measure(port: int, questions: int) -> None:
    settings = Settings(_env_file=None)
    bank = load_bank(settings.bank_dir)
    print(f"{'mode':17s} {'question':28s} prompt  completion  total  seconds")
    overheads: dict[str, list[int]] = {}
    async with httpx.AsyncClient(timeout=60) as client:
        for mode in ("json_schema", "function_calling"):
            options = LLMOptions(
                model=MODEL,
                base_url=f"http://127.0.0.1:{port}/v1",
                api_key="local",
                timeout=180,
                max_attempts=1,
                structured_method=mode,
            )
            chat = ChatModel(options, CircuitBreaker())
            grader = LLMGrader(chat, PromptLibrary(resource_dir("prompts")))
            try:
                for question in bank[:questions]:
                    request = _request(question)
                    started = time.perf_counter()
                    judgement = await grader.judge(request)
                    seconds = time.perf_counter() - started
                    prompt = judgement.prompt_tokens
                    text = await _count(client, port, grader.messages(request, judgement.boundary))
                    overheads.setdefault(mode, []).append(prompt - text)
                    over = "  OVER BUDGET" if prompt > BUDGET else ""
                    completion = judgement.tokens - prompt
                    print(
                        f"{mode:17s} {question.id[:28]:28s} {prompt:6d}  {completion:10d}  "
                        f"{judgement.tokens:5d}  {seconds:7.1f}{over}"
                    )
            finally:
                await chat.aclose()
        # Every bank question, without waiting for a reply: the messages' tokens plus what the
        # measured calls added on top of them (chat template, tools or schema), per mode.
        print(f"\nall {len(bank)} bank questions, estimated prompt tokens (messages + overhead)")
        lengths = []
        for question in bank:
            messages = grader.messages(_request(question), "0123456789abcdef")
            lengths.append((await _count(client, port, messages), question.id))
        for mode, extra in overheads.items():
            overhead = max(extra)
            estimates = sorted(((n + overhead, q) for n, q in lengths), reverse=True)
            over = sum(n > BUDGET for n, _ in estimates)
            median = estimates[len(estimates) // 2][0]
            print(
                f"  {mode:17s} overhead {overhead:4d}  median {median:5d}"
                f"  max {estimates[0][0]:5d} ({estimates[0][1]})  over {BUDGET}: {over}"
            )


def main() -> None:
    port, pidfile = _arg("--port", None), None
    if port is None:
        port, pidfile = _start()
    try:
        asyncio.run(measure(port, _arg("--questions", 3) or 3))
    finally:
        if pidfile is not None:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)


if __name__ == "__main__":
    main()
