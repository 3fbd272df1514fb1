"""The scripted OpenAI server answers the real openai and langchain-openai clients."""

from __future__ import annotations

import time

import openai
import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field, ValidationError

from tests.fakes.openai_server import GARBAGE_TEXT, ScriptedLLM, fill_schema


class Grade(BaseModel):
    """A grade for one interview answer."""

    score: int = Field(ge=0, le=10, description="overall score")
    accuracy_score: float = Field(ge=0, le=5)
    feedback: str
    missing_points: list[str]


MESSAGES = [{"role": "user", "content": "Grade this answer: transformers use attention."}]


def chat(llm: ScriptedLLM, **kwargs) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=llm.base_url,
        api_key="test",
        model="test-model",
        temperature=0,
        max_retries=kwargs.pop("max_retries", 0),
        **kwargs,
    )


async def test_openai_client_gets_an_honest_reply() -> None:
    async with ScriptedLLM(mode="honest") as llm:
        assert llm.base_url.startswith("http://127.0.0.1:") and llm.base_url.endswith("/v1")
        async with openai.AsyncOpenAI(base_url=llm.base_url, api_key="test", max_retries=0) as c:
            reply = await c.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert reply.object == "chat.completion"
    assert reply.model == "gpt-test"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.choices[0].message.content == '{"answer": "ok"}'
    assert reply.usage is not None
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert llm.requests[0]["messages"] == MESSAGES
    assert llm.counts == {"honest": 1}


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
async def test_structured_output_honest(method: str) -> None:
    async with ScriptedLLM(mode="honest") as llm:
        grade = await chat(llm).with_structured_output(Grade, method=method).ainvoke(MESSAGES)
    assert grade == Grade(score=5, accuracy_score=2.5, feedback="ok", missing_points=[])
    body = llm.requests[0]
    assert body["model"] == "test-model"
    if method == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
    else:
        assert body["tools"][0]["function"]["name"] == "Grade"


async def test_custom_responder_and_raw_tool_call_shape() -> None:
    def responder(body: dict) -> dict:
        return {"score": 7, "accuracy_score": 4, "feedback": "good", "missing_points": ["RoPE"]}

    async with ScriptedLLM(responder=responder) as llm:
        llm_with_tools = chat(llm).bind_tools([Grade], tool_choice="Grade")
        message = await llm_with_tools.ainvoke(MESSAGES)
    assert message.tool_calls[0]["name"] == "Grade"
    assert message.tool_calls[0]["args"]["missing_points"] == ["RoPE"]
    assert message.response_metadata["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
async def test_obedient_mode_gives_full_marks(method: str) -> None:
    async with ScriptedLLM(mode="obedient") as llm:
        grade = await chat(llm).with_structured_output(Grade, method=method).ainvoke(MESSAGES)
    assert (grade.score, grade.accuracy_score) == (10, 5)
    assert llm.counts == {"obedient": 1}


async def test_429_then_ok_is_retried_by_the_client() -> None:
    async with (
        ScriptedLLM(mode="429_then_ok") as llm,
        openai.AsyncOpenAI(base_url=llm.base_url, api_key="test", max_retries=1) as c,
    ):
        reply = await c.chat.completions.create(model="m", messages=MESSAGES)
    assert reply.choices[0].message.content == '{"answer": "ok"}'
    assert len(llm.requests) == 2


async def test_429_without_retries_raises_rate_limit_error() -> None:
    async with (
        ScriptedLLM(mode="429_then_ok") as llm,
        openai.AsyncOpenAI(base_url=llm.base_url, api_key="test", max_retries=0) as c,
    ):
        with pytest.raises(openai.RateLimitError) as caught:
            await c.chat.completions.create(model="m", messages=MESSAGES)
        assert caught.value.response.headers["retry-after"] == "0"
        assert caught.value.response.headers["retry-after-ms"] == "0"
        assert caught.value.body["code"] == "rate_limit_exceeded"
        await c.chat.completions.create(model="m", messages=MESSAGES)  # later calls are honest
    assert llm.counts == {"429_then_ok": 2}


async def test_500_raises_and_mode_can_switch_at_runtime() -> None:
    async with (
        ScriptedLLM(mode="500") as llm,
        openai.AsyncOpenAI(base_url=llm.base_url, api_key="test", max_retries=0) as c,
    ):
        with pytest.raises(openai.InternalServerError) as caught:
            await c.chat.completions.create(model="m", messages=MESSAGES)
        assert caught.value.status_code == 500
        assert caught.value.body["type"] == "server_error"
        llm.mode = "honest"
        reply = await c.chat.completions.create(model="m", messages=MESSAGES)
    assert reply.choices[0].message.content
    assert llm.counts == {"500": 1, "honest": 1}
    assert [mode for mode, _ in llm.served] == ["500", "honest"]


async def test_garbage_json_schema_raises() -> None:
    async with ScriptedLLM(mode="garbage") as llm:
        with pytest.raises(ValidationError, match="json_invalid"):
            await chat(llm).with_structured_output(Grade, method="json_schema").ainvoke(MESSAGES)
        assert llm.requests[0]["response_format"]["type"] == "json_schema"


async def test_garbage_function_calling_parses_to_none() -> None:
    """langchain does NOT raise here: unparsable tool arguments become an invalid_tool_call and
    with_structured_output(method="function_calling") returns None (parsing_error stays None)."""
    async with ScriptedLLM(mode="garbage") as llm:
        message = await chat(llm).bind_tools([Grade], tool_choice="Grade").ainvoke(MESSAGES)
        assert message.tool_calls == []
        assert message.invalid_tool_calls[0]["name"] == "Grade"
        assert message.invalid_tool_calls[0]["args"].startswith(GARBAGE_TEXT)
        structured = chat(llm).with_structured_output(Grade, method="function_calling")
        assert await structured.ainvoke(MESSAGES) is None
        raw = chat(llm).with_structured_output(Grade, method="function_calling", include_raw=True)
        result = await raw.ainvoke(MESSAGES)
    assert result["parsed"] is None and result["parsing_error"] is None
    assert result["raw"].invalid_tool_calls


async def test_streaming_replies() -> None:
    async with ScriptedLLM() as llm:
        grade = await (
            chat(llm, streaming=True)
            .with_structured_output(Grade, method="function_calling")
            .ainvoke(MESSAGES)
        )
        chunks = [c async for c in chat(llm, stream_usage=True).astream(MESSAGES)]
    assert grade == Grade(score=5, accuracy_score=2.5, feedback="ok", missing_points=[])
    assert "".join(str(c.content) for c in chunks) == '{"answer": "ok"}'
    assert any(c.usage_metadata and c.usage_metadata["total_tokens"] > 0 for c in chunks)


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
async def test_schema_violation_raises(method: str) -> None:
    async with ScriptedLLM(mode="schema_violation") as llm:
        with pytest.raises(ValidationError) as caught:
            await chat(llm).with_structured_output(Grade, method=method).ainvoke(MESSAGES)
    errors = {(e["loc"], e["type"]) for e in caught.value.errors()}
    assert errors == {
        (("score",), "less_than_equal"),
        (("accuracy_score",), "less_than_equal"),
        (("missing_points",), "missing"),
    }


async def test_slow_mode_times_out_and_server_stops_promptly() -> None:
    llm = ScriptedLLM(mode="slow", slow_seconds=5)
    async with llm:
        async with openai.AsyncOpenAI(
            base_url=llm.base_url, api_key="test", max_retries=0, timeout=0.5
        ) as c:
            with pytest.raises(openai.APITimeoutError):
                await c.chat.completions.create(model="m", messages=MESSAGES)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0
    assert llm.counts == {"slow": 1}


def test_generic_fill_schema() -> None:
    schema = Grade.model_json_schema()
    assert fill_schema(schema) == {
        "score": 5,
        "accuracy_score": 2.5,
        "feedback": "ok",
        "missing_points": [],
    }
    assert fill_schema({"type": "integer", "minimum": 6}) == 6
    assert fill_schema({"type": "object", "properties": {"flag": {"type": "boolean"}}}) == {
        "flag": False
    }
