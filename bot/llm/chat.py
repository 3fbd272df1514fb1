"""One OpenAI-compatible chat model (langchain-openai), with bounded retries and a breaker.

LangChain and openai are imported only when the first call is made, so a bot without an LLM
never pays for them.
Timeouts, 429 (honouring Retry-After), 5xx, connection errors, unparsable JSON and schema
violations are retried with jittered exponential backoff (tenacity); the whole call then either
returns or raises `LLMUnavailable`, and the circuit breaker counts it.
"""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from bot.llm.breaker import CircuitBreaker

if TYPE_CHECKING:
    import httpx
    from langchain_core.language_models import BaseChatModel

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")
StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
MAX_RETRY_AFTER = 30.0
MAX_DETAIL_CHARS = 120  # of a server's error message, in a failure reason


class LLMUnavailable(Exception):
    """The model could not give a usable answer after the allowed attempts (or the circuit is
    open). `reason` is short and safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidOutput(Exception):
    """The model answered, but not with what the schema or our checks accept. Retried.
    `detail` says what did not match, for the log (never the model's text itself)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class CutOff(InvalidOutput):
    """The reply stopped at the token cap before what matters in it was complete. Retried."""


@dataclass(frozen=True)
class LLMOptions:
    model: str
    base_url: str | None
    api_key: str
    timeout: float = 20.0
    max_attempts: int = 3
    deadline: float = 60.0
    max_backoff: float = 8.0
    structured_method: StructuredMethod = "json_schema"


@dataclass(frozen=True)
class Completion(Generic[T]):
    value: T
    tokens: int  # prompt and completion, as the server counts them
    attempts: int
    prompt_tokens: int = 0
    truncated: bool = False  # cut at the token cap; `value` is what `salvage` made of it


class Usage(NamedTuple):
    total: int
    prompt: int


class ChatModel:
    def __init__(self, options: LLMOptions, breaker: CircuitBreaker) -> None:
        self.options = options
        self.breaker = breaker
        self.tokens_used = 0
        self.retries = 0
        self.failures = 0
        self._http: httpx.AsyncClient | None = None

    @property
    def name(self) -> str:
        return self.options.model

    @cached_property
    def _model(self) -> "BaseChatModel":
        import httpx
        from langchain.chat_models import init_chat_model

        # Our own HTTP client: langchain-openai's shared default outlives the event loop it was
        # made in, and we want to close connections on shutdown.
        self._http = httpx.AsyncClient(timeout=self.options.timeout)
        return init_chat_model(
            self.options.model,
            model_provider="openai",  # any OpenAI-compatible endpoint, via langchain-openai
            base_url=self.options.base_url,
            api_key=self.options.api_key,
            temperature=0,
            timeout=self.options.timeout,
            max_retries=0,  # tenacity retries, so the breaker sees every failure
            http_async_client=self._http,
        )

    def warm_up(self) -> None:
        """Build the model client (imports LangChain and openai) ahead of the first call."""
        self._model  # noqa: B018 - a cached property

    async def _client(self) -> "BaseChatModel":
        """The model client, built in a thread the first time. Building it imports LangChain and
        openai, a second or more of work that on the event loop would hold every other turn and
        Slack's 3-second acknowledgements (as would waiting there for the start-up warm-up)."""
        if "_model" not in self.__dict__:
            await asyncio.to_thread(self.warm_up)
        return self._model

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
            self.__dict__.pop("_model", None)

    async def structured(
        self,
        schema: type[Model],
        messages: list[tuple[str, str]],
        *,
        max_tokens: int | None = None,
        salvage: Callable[[str], Model | None] | None = None,
    ) -> Completion[Model]:
        """The model's reply parsed into `schema` (pydantic validation included). `max_tokens`
        caps the reply: the schema bounds no string, so a small model could otherwise ramble
        inside one until the cap. `salvage(text)` makes what it can of a reply cut there; when
        it gives None, the cut reply counts as invalid output and is retried."""
        model = await self._client()
        import openai  # imported with the client, in its thread

        if max_tokens is not None:
            model = model.model_copy(update={"max_tokens": max_tokens})
        runnable = model.with_structured_output(
            schema, method=self.options.structured_method, include_raw=True
        )
        truncated = False

        def salvaged(text: str | None, usage: Usage) -> tuple[Model, Usage]:
            nonlocal truncated
            value = salvage(text) if salvage is not None and text else None
            if value is None:
                self.tokens_used += usage.total
                raise CutOff(f"the model's reply was cut at {max_tokens} tokens")
            truncated = True
            return value, usage

        async def call() -> tuple[Model, Usage]:
            try:
                result: dict[str, Any] = await runnable.ainvoke(messages)
            except openai.LengthFinishReasonError as exc:  # json_schema, cut at the cap
                return salvaged(_choice_text(exc.completion), _completion_usage(exc.completion))
            except ValidationError as exc:  # the json_schema path validates inside the client
                raise InvalidOutput(
                    f"the model's reply did not match {schema.__name__}", _mismatch(exc)
                ) from exc
            raw = result.get("raw")
            usage = _usage(raw)
            parsed = result.get("parsed")
            if result.get("parsing_error") is None and isinstance(parsed, schema):
                return parsed, usage
            if _finish_reason(raw) == "length":
                return salvaged(_raw_text(raw), usage)
            self.tokens_used += usage.total
            raise InvalidOutput(
                f"the model's reply did not match {schema.__name__}",
                _mismatch(result.get("parsing_error")),
            )

        value, usage, attempts = await self._attempts(call)
        return Completion(value, usage.total, attempts, usage.prompt, truncated=truncated)

    async def text(self, messages: list[tuple[str, str]]) -> Completion[str]:
        model = await self._client()

        async def call() -> tuple[str, Usage]:
            message = await model.ainvoke(messages)
            content = message.content if isinstance(message.content, str) else ""
            if not content.strip():
                raise InvalidOutput("the model's reply was empty")
            return content.strip(), _usage(message)

        value, usage, attempts = await self._attempts(call)
        return Completion(value, usage.total, attempts, usage.prompt)

    async def _attempts(self, call) -> tuple[Any, Usage, int]:
        """`call()` retried and counted by the breaker: its value, usage and the attempts made."""
        import openai  # heavy; only bots with an LLM pay for it

        if not self.breaker.allow():
            raise LLMUnavailable("circuit open")
        attempts = 0
        errors: list[BaseException] = []
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.options.max_attempts)
            | stop_after_delay(self.options.deadline),
            wait=self._wait,
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    try:
                        value, usage = await call()
                    except Exception as exc:
                        errors.append(exc)
                        raise
        except (openai.OpenAIError, InvalidOutput) as exc:
            self.failures += 1
            self.retries += attempts - 1
            self.breaker.record_failure()
            raise LLMUnavailable(describe_failures(errors or [exc])) from exc
        self.retries += attempts - 1
        self.tokens_used += usage.total
        self.breaker.record_success()
        return value, usage, attempts

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = _retry_after(exc)
        if hinted is not None:
            return min(hinted, MAX_RETRY_AFTER) + random.uniform(0, 0.25)
        return wait_random_exponential(multiplier=0.5, max=self.options.max_backoff)(state)


def _transient(exc: BaseException) -> bool:
    import openai

    return isinstance(
        exc,
        openai.APITimeoutError
        | openai.APIConnectionError
        | openai.RateLimitError
        | openai.InternalServerError
        | InvalidOutput,
    )


def _retry_after(exc: BaseException | None) -> float | None:
    import openai

    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers[name]) * scale
        except (KeyError, ValueError):
            continue
    return None


def _usage(message: Any) -> Usage:
    usage = getattr(message, "usage_metadata", None) or {}
    return Usage(int(usage.get("total_tokens", 0)), int(usage.get("input_tokens", 0)))


def _completion_usage(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(0, 0)
    return Usage(int(usage.total_tokens or 0), int(usage.prompt_tokens or 0))


def _choice_text(completion: Any) -> str | None:
    """The text of an OpenAI completion's first choice (a cut json_schema reply)."""
    choices = getattr(completion, "choices", None) or []
    return choices[0].message.content if choices else None


def _finish_reason(message: Any) -> str | None:
    metadata = getattr(message, "response_metadata", None) or {}
    return metadata.get("finish_reason")


def _raw_text(message: Any) -> str | None:
    """The JSON text of a cut reply: a tool call's arguments (LangChain files a cut call
    under `invalid_tool_calls`) or the message content."""
    for call in getattr(message, "invalid_tool_calls", None) or []:
        if isinstance(call.get("args"), str):
            return call["args"]
    content = getattr(message, "content", None)
    return content if isinstance(content, str) else None


def describe_failures(errors: list[BaseException]) -> str:
    """What went wrong, attempt by attempt, repeats merged: "HTTP 500 (grammar too large), then
    server closed the connection". The first error often says the most: a server that crashed
    answers the retries with refused connections."""
    described = [_describe(exc) for exc in errors]
    return ", then ".join(dict.fromkeys(described))


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, CutOff):
        return "reply cut at the token limit"
    if isinstance(exc, openai.APIStatusError):
        detail = " ".join(_server_message(exc).split())[:MAX_DETAIL_CHARS]
        return f"HTTP {exc.status_code} ({detail})" if detail else f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        # The transport's error, by name: openai's HTTP library differs between major versions,
        # and LangChain may wrap the client's error once more.
        causes = {kind.__name__ for error in _chain(exc) for kind in type(error).__mro__}
        if causes & {"RemoteProtocolError", "ReadError"}:
            return "server closed the connection without a response (did it crash?)"
        if "ConnectError" in causes:
            return "connection refused"
        return "connection failed"
    detail = exc.detail if isinstance(exc, InvalidOutput) else ""
    return f"invalid output ({detail})" if detail else "invalid output"


def _mismatch(error: BaseException | None) -> str:
    """Where a reply failed the schema, without its content: "correctness: Input should be a
    valid integer". A parse failure says only that it wasn't JSON; no tool call, that."""
    causes = _chain(error) if error is not None else []
    for cause in causes:
        if isinstance(cause, ValidationError):
            first = cause.errors(include_input=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "reply"
            return f"{where}: {first['msg']}"[:MAX_DETAIL_CHARS]
    return "not JSON" if causes else "no structured reply"


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and the errors it was raised from."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _server_message(exc: Any) -> str:
    """The message in an OpenAI-style error body, else the text the client made of it."""
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str):
            return message
    return str(exc.message)
