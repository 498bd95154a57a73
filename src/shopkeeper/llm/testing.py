"""Test doubles that implement the model protocol: no network, no weights, deterministic.

- :class:`ScriptedModel` answers with the responses it was given, in order;
- :class:`FunctionModel` answers with whatever a function of the conversation returns;
- :class:`TestModel` (the ``test`` model of the registry) calls every tool once, then sums up.

All three record the requests they got and stream by splitting their text into deltas.

>>> from shopkeeper.llm.base import Message, ToolCall
>>> m = ScriptedModel(["你好", [ToolCall(id="1", name="sales_summary", arguments={"days": 7})]])
>>> m.request([Message(role="user", content="hi")]).text
'你好'
>>> m.request([]).tool_calls[0].name
'sales_summary'
>>> len(m.requests)
2
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelResponse,
    ModelSettings,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolSpec,
)

Script = ModelResponse | str | list[ToolCall]
"""One scripted answer: a full response, a text, or the tool calls to make."""


@dataclass(frozen=True)
class RecordedRequest:
    """What a test double was asked."""

    messages: list[Message]
    tools: list[ToolSpec]
    settings: ModelSettings | None


def split_text(text: str, size: int = 4) -> list[str]:
    """Text in small pieces, as a stream would deliver it.

    >>> split_text("生意管家好", 2)
    ['生意', '管家', '好']
    """
    return [text[i : i + size] for i in range(0, len(text), size)]


class _Double:
    """Common part of the doubles: a name, request recording and streaming by splitting."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.requests: list[RecordedRequest] = []

    @property
    def name(self) -> str:
        """The ``provider:model`` name of this double."""
        return self._name

    @property
    def external(self) -> bool:
        """Never: nothing leaves the process."""
        return False

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """Record the request and answer it."""
        self.requests.append(RecordedRequest(list(messages), list(tools), settings))
        return self._answer(list(messages), list(tools))

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """The answer's text in pieces, then the whole answer."""
        response = self.request(messages, tools, settings)
        for piece in split_text(response.text):
            yield TextDelta(text=piece)
        yield response

    def _answer(self, messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        raise NotImplementedError


class ScriptedModel(_Double):
    """Returns the scripted responses in order; raises :class:`ModelError` when they run out."""

    def __init__(self, responses: Sequence[Script], *, name: str = "test:scripted") -> None:
        super().__init__(name)
        self._script = list(responses)
        self._next = 0

    @property
    def remaining(self) -> int:
        """Scripted responses not yet used."""
        return len(self._script) - self._next

    def _answer(self, messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        if self._next >= len(self._script):
            raise ModelError(
                f"ScriptedModel {self._name!r} ran out of responses: it was scripted with "
                f"{len(self._script)} and got request #{self._next + 1} (last message: "
                f"{messages[-1].content[:80] if messages else ''!r})"
            )
        item = self._script[self._next]
        self._next += 1
        if isinstance(item, ModelResponse):
            return item
        if isinstance(item, str):
            return ModelResponse(text=item, model_name=self._name, finish_reason="stop")
        return ModelResponse(
            tool_calls=list(item), model_name=self._name, finish_reason="tool_calls"
        )


AnswerFunction = Callable[[list[Message], list[ToolSpec]], ModelResponse]


class FunctionModel(_Double):
    """Answers with ``fn(messages, tools)``."""

    def __init__(self, fn: AnswerFunction, *, name: str = "test:function") -> None:
        super().__init__(name)
        self._fn = fn

    def _answer(self, messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        return self._fn(messages, tools)


def example_arguments(schema: dict[str, Any]) -> dict[str, Any]:
    """The simplest arguments a JSON schema accepts: required properties only, filled with
    their default, first enum value, or a plain value of their type.

    >>> example_arguments({"type": "object", "required": ["days", "by"], "properties": {
    ...     "days": {"type": "integer", "minimum": 1}, "by": {"enum": ["gmv", "units"]}}})
    {'days': 1, 'by': 'gmv'}
    """
    props: dict[str, Any] = schema.get("properties") or {}
    return {name: _example(props.get(name) or {}) for name in schema.get("required") or []}


def _example(prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    if prop.get("enum"):
        return prop["enum"][0]
    if "anyOf" in prop:
        return _example(prop["anyOf"][0])
    kind = prop.get("type", "string")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind in ("integer", "number"):
        return prop.get("minimum", 0)
    values: dict[str, Any] = {"boolean": False, "array": [], "object": {}, "null": None}
    return values.get(kind, "a")


class TestModel(_Double):
    """Calls every tool once (with :func:`example_arguments`), then answers with a JSON summary
    of the tool results — or with ``text``. The ``test`` model of the registry.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, *, text: str | None = None, name: str = "test") -> None:
        super().__init__(name)
        self.text = text

    def _answer(self, messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
        results = {
            m.name or m.tool_call_id: m.content
            for m in messages[last_user + 1 :]
            if m.role == "tool"
        }
        called = any(m.tool_calls for m in messages[last_user + 1 :])
        if tools and not called:
            calls = [
                ToolCall(id=f"call_{i}", name=t.name, arguments=example_arguments(t.parameters))
                for i, t in enumerate(tools)
            ]
            return ModelResponse(
                tool_calls=calls, model_name=self._name, finish_reason="tool_calls"
            )
        text = self.text if self.text is not None else json.dumps(results, ensure_ascii=False)
        return ModelResponse(text=text, model_name=self._name, finish_reason="stop")
