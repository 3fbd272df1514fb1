import subprocess
import sys

# A fresh interpreter, so LangChain and openai are not imported yet: the first call imports them.
FIRST_CALL = r"""
import asyncio, sys, time
from pydantic import BaseModel
from bot.llm.breaker import CircuitBreaker
from bot.llm.chat import ChatModel, LLMOptions, LLMUnavailable

class Verdict(BaseModel):
    score: int

async def main():
    options = LLMOptions(model="m", base_url="http://127.0.0.1:9/v1", api_key="k", max_attempts=1)
    chat = ChatModel(options, CircuitBreaker())
    longest, running = 0.0, True

    async def ticker():
        nonlocal longest
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)  # ticking
    began = time.perf_counter()
    try:
        await chat.structured(Verdict, [("user", "grade this")])
    except LLMUnavailable:
        pass  # nothing listens on port 9: the call itself is not what is measured
    took = time.perf_counter() - began
    running = False
    await ticking
    await chat.aclose()
    print(f"{took:.3f} {longest:.3f} {'langchain_core' in sys.modules}")

asyncio.run(main())
"""


def test_the_first_llm_call_loads_its_client_without_holding_other_turns() -> None:
    """The first grade after a start imports LangChain and openai (a second or more). Done on
    the event loop, every other user's turn and Slack's 3-second acknowledgements waited."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    took, longest, loaded = float(out[0]), float(out[1]), out[2] == "True"
    assert loaded  # the call did build the client
    assert longest < 0.5, f"the event loop stood still for {longest:.2f} s of the {took:.2f} s call"
