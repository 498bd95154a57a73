"""The LLM protocol: the few types every model (remote, local, offline, test double) speaks.

A model turns a conversation (:class:`Message` list) plus the tools it may call (:class:`ToolSpec`,
generated from the skill registry) into a :class:`ModelResponse`: text, tool calls, or both, with
its :class:`Usage`. ``stream`` yields :class:`TextDelta` events and ends with the full response.
Models are chosen by a ``"provider:model"`` string (see :mod:`shopkeeper.llm.registry`).

>>> r = ModelResponse(text="hi", model_name="offline:rules")
>>> r.usage.requests, r.tool_calls
(1, [])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from shopkeeper.errors import ShopkeeperError
from shopkeeper.text import Lang


class ModelError(ShopkeeperError, RuntimeError):
    """A model request failed (after the retries its provider allows)."""


class ModelRetryableError(ModelError):
    """A declared transient failure (timeout, 429, 5xx): worth retrying or falling back."""


class ModelRequestsBlocked(ModelError):
    """A real model request was attempted where requests are blocked (the test suite)."""


class ToolSpec(BaseModel):
    """A tool a model may call: a name, a description and a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class ToolCall(BaseModel):
    """One call the model asks for; ``arguments`` are parsed JSON, validated by the tool later."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Message(BaseModel):
    """One turn of a conversation, in the OpenAI chat shape."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class Usage(BaseModel):
    """What a request (or a whole run) used."""

    requests: int = 1
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            requests=self.requests + other.requests,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class ModelResponse(BaseModel):
    """A model's answer to one request."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model_name: str
    finish_reason: str | None = None


class ModelSettings(BaseModel):
    """Per-request knobs; ``None`` leaves the provider's default."""

    temperature: float | None = None
    max_tokens: int | None = None
    timeout_s: float = 60.0
    language: Lang | None = None
    """The language the answer should be written in (the merchant's)."""


class TextDelta(BaseModel):
    """A piece of streamed text."""

    text: str


StreamEvent = TextDelta | ModelResponse
"""``stream`` yields text deltas and ends with exactly one :class:`ModelResponse`."""


@runtime_checkable
class Model(Protocol):
    """What the agents call. Implementations: OpenAI-compatible HTTP, llama.cpp, offline, tests."""

    @property
    def name(self) -> str:
        """The ``provider:model`` string this model was made from."""
        ...

    @property
    def external(self) -> bool:
        """True when requests leave this machine (then personal data is masked first)."""
        ...

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """One request: the whole response at once."""
        ...

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """One request, streamed: text deltas, then the full :class:`ModelResponse`."""
        ...


ALLOW_MODEL_REQUESTS = True
"""When False, real model requests (HTTP, local weights) raise :class:`ModelRequestsBlocked`
before any I/O. The test suite sets it False; a test that needs a real request (the loopback fake
server) re-enables it for itself."""


def check_model_requests_allowed(model_name: str) -> None:
    """Raise :class:`ModelRequestsBlocked` when real model requests are switched off.

    >>> import shopkeeper.llm.base as base
    >>> base.ALLOW_MODEL_REQUESTS, saved = False, base.ALLOW_MODEL_REQUESTS
    >>> try:
    ...     check_model_requests_allowed("openai:gpt-4o")
    ... except ModelRequestsBlocked as exc:
    ...     print(exc)
    ... finally:
    ...     base.ALLOW_MODEL_REQUESTS = saved
    real model request to 'openai:gpt-4o' blocked: shopkeeper.llm.base.ALLOW_MODEL_REQUESTS is False (use shopkeeper.llm.testing models in tests)
    """
    if not ALLOW_MODEL_REQUESTS:
        raise ModelRequestsBlocked(
            f"real model request to {model_name!r} blocked: "
            "shopkeeper.llm.base.ALLOW_MODEL_REQUESTS is False "
            "(use shopkeeper.llm.testing models in tests)"
        )
