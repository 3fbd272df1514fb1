"""A scripted, OpenAI-compatible chat-completions server for tests.

The real ``openai`` client and langchain-openai's ``ChatOpenAI`` talk to it over loopback::

    async with ScriptedLLM(mode="honest") as llm:
        client = openai.AsyncOpenAI(base_url=llm.base_url, api_key="test", max_retries=0)
        ...
        llm.mode = "500"          # switch behaviour mid-test
        assert llm.counts["500"] == 1

Structured output is answered in the shape the request asks for:

* ``response_format: {"type": "json_schema", ...}`` -> the JSON string in ``message.content``;
* ``tools`` with a function -> one ``tool_calls`` entry with that function's name and the JSON
  string as ``arguments`` (``finish_reason: "tool_calls"``).

The JSON itself comes from a pluggable ``responder(request_body) -> dict`` (a coroutine function
works too; returning a ``str`` sends that text verbatim). The default responder fills the
requested schema with plausible values. ``stream: true`` is answered with server-sent events.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

Responder = Callable[[dict[str, Any]], "dict[str, Any] | str | Awaitable[dict[str, Any] | str]"]

MODES = frozenset(
    {
        "honest",
        "obedient",
        "slow",
        "429_then_ok",
        "500",
        "garbage",
        "schema_violation",
        "drop",
        "crash",
        "ramble",
    }
)
GARBAGE_TEXT = "Sure! Here is my grade: great job"
RAMBLE = "and so on, "  # what a small model repeats inside a string until the token cap
CRASH_MESSAGE = "the grammar has too many rules"
VIOLATION_SCORE = 42
DEFAULT_MAX_SCORE = 10


# --------------------------------------------------------------------------- schema helpers


def requested_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request asks the model to fill, or None for free text.

    Looks at ``response_format.json_schema.schema`` first, then at the parameters of the
    function the request's tools point to (the forced ``tool_choice``, else the first one).
    """
    fmt = body.get("response_format") or {}
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        return (fmt.get("json_schema") or {}).get("schema") or {}
    tool = requested_tool(body)
    if tool is not None:
        return tool.get("parameters") or {}
    return None


def requested_tool(body: dict[str, Any]) -> dict[str, Any] | None:
    """The function definition ({"name", "parameters", ...}) the reply should call, if any."""
    functions = [
        t["function"]
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("type", "function") == "function" and t.get("function")
    ]
    if not functions:
        return None
    choice = body.get("tool_choice")
    if choice == "none":
        return None
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        for fn in functions:
            if fn.get("name") == name:
                return fn
    return functions[0]


def _resolve(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s and pick the first non-null branch of anyOf/oneOf/allOf."""
    seen = 0
    while isinstance(schema, dict) and seen < 50:
        seen += 1
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            extra = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **extra} if extra else target
            continue
        for key in ("anyOf", "oneOf", "allOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                non_null = [o for o in options if _resolve(o, root).get("type") != "null"]
                chosen = (non_null or options)[0]
                extra = {k: v for k, v in schema.items() if k != key}
                schema = {**extra, **_resolve(chosen, root)}
                break
        else:
            return schema
    return schema if isinstance(schema, dict) else {}


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        if schema.get("enum"):
            return {str: "string", bool: "boolean", int: "integer", float: "number"}.get(
                type(schema["enum"][0])
            )
    return kind


def _bounds(schema: dict[str, Any]) -> tuple[float | None, float | None]:
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    if lo is None and isinstance(schema.get("exclusiveMinimum"), int | float):
        lo = schema["exclusiveMinimum"] + (1 if _type_of(schema) == "integer" else 1e-6)
    if hi is None and isinstance(schema.get("exclusiveMaximum"), int | float):
        hi = schema["exclusiveMaximum"] - (1 if _type_of(schema) == "integer" else 1e-6)
    return lo, hi


def _number(schema: dict[str, Any]) -> int | float:
    lo, hi = _bounds(schema)
    if lo is not None and hi is not None:
        value: float = (lo + hi) / 2
    else:
        value = 5
        if lo is not None:
            value = max(value, lo)
        if hi is not None:
            value = min(value, hi)
    if _type_of(schema) == "integer":
        return int(value) if lo is None or int(value) >= lo else int(value) + 1
    return value


def fill_schema(schema: Any, root: dict[str, Any] | None = None, _depth: int = 0) -> Any:
    """A plausible instance of ``schema``: numbers mid-range (or 5), strings "ok", etc."""
    root = root if root is not None else (schema if isinstance(schema, dict) else {})
    node = _resolve(schema, root)
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    if "default" in node and node["default"] is not None:
        return copy.deepcopy(node["default"])
    kind = _type_of(node)
    if kind in ("integer", "number"):
        return _number(node)
    if kind == "string":
        text = "ok"
        return text + "k" * max(0, int(node.get("minLength", 0)) - len(text))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if kind == "array":
        count = int(node.get("minItems", 0))
        if _depth > 8:
            return []
        return [fill_schema(node.get("items", {}), root, _depth + 1) for _ in range(count)]
    if kind == "object" or kind is None:
        props = node.get("properties") or {}
        out: dict[str, Any] = {}
        if _depth > 8:
            return out
        names = list(props) + [r for r in node.get("required", []) if r not in props]
        for name in names:
            out[name] = fill_schema(props.get(name, {"type": "string"}), root, _depth + 1)
        return out
    return "ok"


def generic_responder(body: dict[str, Any]) -> dict[str, Any]:
    """Default responder: fill the requested schema, or ``{"answer": "ok"}`` for free text."""
    schema = requested_schema(body)
    if schema is None:
        return {"answer": "ok"}
    value = fill_schema(schema)
    return value if isinstance(value, dict) else {"value": value}


SCORE_NAMES = ("score", "correctness", "completeness", "clarity", "rating")


def _is_score(name: str, node: dict[str, Any], value: Any) -> bool:
    if not any(part in name.lower() for part in SCORE_NAMES):
        return False
    kind = _type_of(node) if node else None
    if kind in ("integer", "number"):
        return True
    return kind is None and isinstance(value, int | float) and not isinstance(value, bool)


def _rewrite_scores(
    value: Any, schema: Any, root: dict[str, Any], new: Callable[[dict[str, Any]], Any]
) -> int:
    """Set every score-named numeric property to ``new(property_schema)``; return how many."""
    node = _resolve(schema, root) if schema else {}
    changed = 0
    if isinstance(value, dict):
        props = node.get("properties") or {}
        for key, item in value.items():
            sub = _resolve(props.get(key, {}), root)
            if _is_score(key, sub, item):
                value[key] = new(sub)
                changed += 1
            else:
                changed += _rewrite_scores(item, sub, root, new)
    elif isinstance(value, list):
        for item in value:
            changed += _rewrite_scores(item, node.get("items", {}), root, new)
    return changed


def _max_score(node: dict[str, Any]) -> int | float:
    _, hi = _bounds(node)
    top = DEFAULT_MAX_SCORE if hi is None else hi
    return int(top) if _type_of(node) == "integer" or isinstance(top, int) else top


def obey(value: Any, schema: dict[str, Any] | None) -> Any:
    """Full marks: every score-named number becomes its schema maximum (or 10)."""
    out = copy.deepcopy(value)
    _rewrite_scores(out, schema or {}, schema or {}, _max_score)
    return out


def violate(value: Any, schema: dict[str, Any] | None) -> Any:
    """Well-formed JSON that breaks ``schema``: scores of 42 and a required field missing."""
    schema = schema or {}
    out = copy.deepcopy(value)
    broken = _rewrite_scores(out, schema, schema, lambda _node: VIOLATION_SCORE)
    node = _resolve(schema, schema)
    if isinstance(out, dict):
        required = [r for r in node.get("required", []) if r in out]
        plain = [r for r in required if "score" not in r.lower()]
        if plain or required:
            del out[(plain or required)[-1]]
            broken += 1
        if not broken:  # nothing required, no scores: break the types instead
            for key, item in list(out.items()):
                out[key] = (
                    VIOLATION_SCORE if isinstance(item, str) else "not-a-" + type(item).__name__
                )
                broken += 1
    if not broken:
        return [VIOLATION_SCORE]
    return out


# --------------------------------------------------------------------------- the server


def in_schema_order(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`value` with its keys in the order of the schema's properties: a grammar-constrained
    server writes them in that order, which decides what a reply cut at the cap still holds."""
    order = list(_resolve(schema, schema).get("properties", {}))
    rank = {key: index for index, key in enumerate(order)}
    return dict(sorted(value.items(), key=lambda item: rank.get(item[0], len(order))))


def ramble(value: dict[str, Any], field: str = "feedback") -> dict[str, Any]:
    """`value` with its `field` (else its longest string) repeating itself without end, as a
    small model does; the server then cuts the reply at the request's token cap."""
    strings = [key for key, item in value.items() if isinstance(item, str)]
    if not strings:
        return value
    key = field if field in strings else max(strings, key=lambda key: len(value[key]))
    return {**value, key: value[key] + " " + RAMBLE * 2000}


def _error(status: int, message: str, kind: str, code: str | None = None, **headers: str):
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers or None)


def _estimate_tokens(value: Any) -> int:
    return max(1, len(json.dumps(value, default=str)) // 4)


class ScriptedLLM:
    """An OpenAI-compatible ``POST /v1/chat/completions`` on 127.0.0.1:<free port>.

    Attributes: ``base_url`` (".../v1"), ``mode`` (settable), ``requests`` (JSON bodies, in
    order), ``counts`` (Counter of requests per mode they were served in), ``served`` (list of
    ``(mode, body)``).
    """

    def __init__(
        self,
        mode: str = "honest",
        responder: Responder | None = None,
        *,
        slow_seconds: float = 30.0,
        model: str | None = None,
    ) -> None:
        self.mode = mode
        self.responder: Responder = responder or generic_responder
        self.slow_seconds = slow_seconds
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.served: list[tuple[str, dict[str, Any]]] = []
        self.counts: Counter[str] = Counter()
        self.base_url = ""
        self.port = 0
        self._seen_429 = False
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.app = web.Application()
        for path in ("/v1/chat/completions", "/chat/completions"):
            self.app.router.add_post(path, self._handle)

    # ---- lifecycle

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"unknown mode {value!r}; pick one of {sorted(MODES)}")
        self._mode = value

    async def start(self) -> ScriptedLLM:
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._site = site
        server = site._server
        assert server is not None and server.sockets, "the test server did not bind"
        self.port = server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        return self

    async def close(self) -> None:
        self._closing.set()  # wake any "slow" handler so shutdown does not wait for it
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> ScriptedLLM:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- request handling

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(
                400, "We could not parse the JSON body of your request.", "invalid_request_error"
            )
        if not isinstance(body, dict):
            return _error(400, "The request body must be a JSON object.", "invalid_request_error")
        mode = self.mode
        self.requests.append(body)
        self.served.append((mode, body))
        self.counts[mode] += 1

        if mode == "drop":  # a server that dies mid-request: the connection closes, no response
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError
        if mode == "crash":  # one 500, then the server is gone: new connections are refused
            server = self._site._server if self._site is not None else None
            if server is not None:
                server.close()
            return _error(500, CRASH_MESSAGE, "server_error", Connection="close")
        if mode == "500":
            return _error(
                500, "The server had an error while processing your request.", "server_error"
            )
        if mode == "429_then_ok" and not self._seen_429:
            self._seen_429 = True
            return _error(
                429,
                "Rate limit reached for requests. Please try again in 0s.",
                "requests",
                "rate_limit_exceeded",
                **{"Retry-After": "0", "retry-after-ms": "0"},
            )
        if mode == "slow":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=self.slow_seconds)
            if self._closing.is_set():
                return _error(503, "The test server is shutting down.", "server_error")

        schema = requested_schema(body)
        tool = requested_tool(body) if not _wants_json_schema(body) else None
        if mode == "garbage":
            text = GARBAGE_TEXT if tool is None else GARBAGE_TEXT + " {score: ten,"
        else:
            result = self.responder(body)
            if inspect.isawaitable(result):
                result = await result
            if mode == "obedient":
                result = obey(result, schema)
            elif mode == "schema_violation":
                result = violate(result, schema)
            elif mode == "ramble" and isinstance(result, dict):
                result = ramble(result)
            if isinstance(result, dict) and schema is not None:
                result = in_schema_order(result, schema)
            text = result if isinstance(result, str) else json.dumps(result)
        return await self._reply(request, body, text, tool)

    async def _reply(
        self, request: web.Request, body: dict[str, Any], text: str, tool: dict[str, Any] | None
    ) -> web.StreamResponse:
        created = int(time.time())
        completion_id = "chatcmpl-" + uuid.uuid4().hex[:24]
        model = body.get("model") or self.model or "scripted-llm"
        if tool is not None:
            call = {
                "id": "call_" + uuid.uuid4().hex[:24],
                "type": "function",
                "function": {"name": tool.get("name", "function"), "arguments": text},
            }
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [call],
                "refusal": None,
            }
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": text, "refusal": None}
            finish = "stop"
        cap = body.get("max_completion_tokens") or body.get("max_tokens")
        if cap and len(text) // 4 > cap:  # the reply stops at the cap, as a real server's does
            text = text[: cap * 4]
            finish = "length"
            if tool is not None:
                message["tool_calls"][0]["function"]["arguments"] = text
            else:
                message["content"] = text
        prompt_tokens = _estimate_tokens(body.get("messages", []))
        completion_tokens = max(1, len(text) // 4)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        base = {"id": completion_id, "created": created, "model": model, "system_fingerprint": None}
        if body.get("stream"):
            return await self._stream(request, base, message, finish, usage, body)
        payload = {
            **base,
            "object": "chat.completion",
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": usage,
        }
        return web.json_response(payload)

    async def _stream(
        self,
        request: web.Request,
        base: dict[str, Any],
        message: dict[str, Any],
        finish: str,
        usage: dict[str, int],
        body: dict[str, Any],
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)

        async def send(choices: list[dict[str, Any]], **extra: Any) -> None:
            chunk = {**base, "object": "chat.completion.chunk", "choices": choices, **extra}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        def piece(delta: dict[str, Any], finish_reason: str | None = None) -> list[dict[str, Any]]:
            return [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}]

        await send(piece({"role": "assistant", "content": "" if finish == "stop" else None}))
        if finish == "tool_calls":
            call = message["tool_calls"][0]
            args = call["function"]["arguments"]
            head = {"index": 0, "id": call["id"], "type": "function"}
            await send(
                piece(
                    {
                        "tool_calls": [
                            {
                                **head,
                                "function": {"name": call["function"]["name"], "arguments": ""},
                            }
                        ]
                    }
                )
            )
            for i in range(0, len(args), 16):
                await send(
                    piece(
                        {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 16]}}]}
                    )
                )
        else:
            text = message["content"] or ""
            for i in range(0, len(text), 16):
                await send(piece({"content": text[i : i + 16]}))
        await send(piece({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            await send([], usage=usage)
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _wants_json_schema(body: dict[str, Any]) -> bool:
    fmt = body.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") == "json_schema"
