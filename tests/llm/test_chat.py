import subprocess
import sys

# A fresh interpreter, so LangChain and openai are not imported yet: the first call imports them.
# An import hook notes which thread first imports each; it loads nothing itself.
FIRST_CALL = r"""
import asyncio, sys, threading

first_import = {}

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("openai", "langchain_core") and name not in first_import:
            first_import[name] = threading.current_thread() is threading.main_thread()
        return None

sys.meta_path.insert(0, Watch())

from pydantic import BaseModel
from bot.llm.breaker import CircuitBreaker
from bot.llm.chat import ChatModel, LLMOptions, LLMUnavailable

class Verdict(BaseModel):
    score: int

async def main():
    options = LLMOptions(model="m", base_url="http://127.0.0.1:9/v1", api_key="k", max_attempts=1)
    chat = ChatModel(options, CircuitBreaker())
    try:
        await chat.structured(Verdict, [("user", "grade this")])
    except LLMUnavailable:
        pass  # nothing listens on port 9: only where the client was built matters here
    await chat.aclose()
    print(" ".join(f"{name}={on_loop}" for name, on_loop in sorted(first_import.items())))

asyncio.run(main())
"""


def test_the_first_llm_call_builds_its_client_off_the_event_loop() -> None:
    """The first grade after a start imports LangChain and openai (a second or more). Done on
    the event loop, every other user's turn and Slack's 3-second acknowledgements waited."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["langchain_core=False", "openai=False"]  # imported, and not on the loop
