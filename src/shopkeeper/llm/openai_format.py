"""The OpenAI chat-completions wire format: our protocol types to JSON and back, no I/O.

Shared by the HTTP client (:mod:`shopkeeper.llm.openai_compat`) and the in-process llama.cpp
model (:mod:`shopkeeper.llm.llamacpp`), which speak the same format.

>>> from shopkeeper.llm.base import Message, ToolCall
>>> wire = to_wire_messages([Message(role="assistant", tool_calls=[ToolCall(id="c1", name="top", arguments={"n": 3})])])
>>> wire[0]["tool_calls"][0]["function"]
{'name': 'top', 'arguments': '{"n": 3}'}
>>> parse_completion({"choices": [{"message": {"content": "好"}, "finish_reason": "stop"}]}, "m").text
'好'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelResponse,
    ModelSettings,
    ToolCall,
    ToolSpec,
    Usage,
)


def to_wire_message(message: Message) -> dict[str, Any]:
    """One :class:`Message` as an OpenAI chat message."""
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        wire["content"] = message.content or None
        wire["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": json.dumps(call.arguments, ensure_ascii=False),
                },
            }
            for call in message.tool_calls
        ]
    if message.role == "tool":
        wire["tool_call_id"] = message.tool_call_id
    elif message.name:
        wire["name"] = message.name
    return wire


def to_wire_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """A conversation as OpenAI chat messages."""
    return [to_wire_message(m) for m in messages]


def to_wire_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    """Tool specs as OpenAI ``tools`` entries (``type: function``)."""
    return [
        {
            "type": "function",
            "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
        }
        for t in tools
    ]


def request_body(
    model: str,
    messages: Sequence[Message],
    tools: Sequence[ToolSpec],
    settings: ModelSettings,
    *,
    stream: bool = False,
) -> dict[str, Any]:
    """The JSON body of one chat-completions request."""
    body: dict[str, Any] = {"model": model, "messages": to_wire_messages(messages)}
    if tools:
        body["tools"] = to_wire_tools(tools)
    if settings.temperature is not None:
        body["temperature"] = settings.temperature
    if settings.max_tokens is not None:
        body["max_tokens"] = settings.max_tokens
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


def parse_arguments(raw: object, tool: str, model_name: str) -> dict[str, Any]:
    """A tool call's arguments: a JSON object (given as a string, or already parsed).

    >>> parse_arguments('{"days": 7}', "sales", "m")
    {'days': 7}
    >>> parse_arguments("", "sales", "m")
    {}
    >>> parse_arguments("{days: 7", "sales", "m")
    Traceback (most recent call last):
    shopkeeper.llm.base.ModelError: model 'm' called tool 'sales' with arguments that are not a JSON object: '{days: 7'
    """
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    parsed: object = None
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = None
    if not isinstance(parsed, dict):
        excerpt = raw[:200] if isinstance(raw, str) else raw
        raise ModelError(
            f"model {model_name!r} called tool {tool!r} with arguments that are not a JSON "
            f"object: {excerpt!r}"
        )
    return parsed


def parse_usage(raw: object) -> Usage:
    """``usage`` of a response or of the last streamed chunk."""
    if not isinstance(raw, dict):
        return Usage()
    return Usage(
        input_tokens=int(raw.get("prompt_tokens") or 0),
        output_tokens=int(raw.get("completion_tokens") or 0),
    )


def _tool_call(raw: dict[str, Any], model_name: str) -> ToolCall:
    function = raw.get("function") or {}
    name = function.get("name")
    if not name:
        raise ModelError(f"model {model_name!r} returned a tool call without a name: {raw!r}")
    return ToolCall(
        id=str(raw.get("id") or f"call_{name}"),
        name=name,
        arguments=parse_arguments(function.get("arguments"), name, model_name),
    )


def error_message(data: object) -> str | None:
    """The error a provider put in a 200 body (``{"error": {...}}``), if any."""
    if isinstance(data, dict) and data.get("error"):
        err = data["error"]
        return str(err.get("message", err)) if isinstance(err, dict) else str(err)
    return None


def parse_completion(data: object, model_name: str) -> ModelResponse:
    """A chat-completions response body as a :class:`ModelResponse`."""
    if (problem := error_message(data)) is not None:
        raise ModelError(f"model {model_name!r} answered with an error: {problem}")
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not choices:
        raise ModelError(f"model {model_name!r} answered without choices: {str(data)[:300]!r}")
    choice = choices[0]
    message = choice.get("message") or {}
    return ModelResponse(
        text=message.get("content") or "",
        tool_calls=[_tool_call(c, model_name) for c in message.get("tool_calls") or []],
        usage=parse_usage(data.get("usage")),
        model_name=model_name,
        finish_reason=choice.get("finish_reason"),
    )


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class StreamAccumulator:
    """Folds streamed chunks into the final :class:`ModelResponse`.

    >>> acc = StreamAccumulator("m")
    >>> acc.feed({"choices": [{"delta": {"content": "Hi"}}]})
    'Hi'
    >>> acc.feed({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "f", "arguments": '{"a"'}}]}}]})
    >>> acc.feed({"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": ': 1}'}}]}, "finish_reason": "tool_calls"}]})
    >>> r = acc.response()
    >>> r.text, r.tool_calls[0].arguments, r.finish_reason
    ('Hi', {'a': 1}, 'tool_calls')
    """

    model_name: str
    text: list[str] = field(default_factory=list)
    calls: dict[int, _PartialCall] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None

    def feed(self, chunk: object) -> str | None:
        """Take one chunk; return its text delta, if any."""
        if (problem := error_message(chunk)) is not None:
            raise ModelError(f"model {self.model_name!r} streamed an error: {problem}")
        if not isinstance(chunk, dict):
            return None
        if chunk.get("usage"):
            self.usage = parse_usage(chunk["usage"])
        delta_text: str | None = None
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                delta_text = delta["content"]
                self.text.append(delta["content"])
            for raw in delta.get("tool_calls") or []:
                self._feed_call(raw)
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
        return delta_text

    def _feed_call(self, raw: dict[str, Any]) -> None:
        part = self.calls.setdefault(int(raw.get("index", len(self.calls))), _PartialCall())
        part.id = raw.get("id") or part.id
        function = raw.get("function") or {}
        part.name = function.get("name") or part.name
        if function.get("arguments"):
            part.arguments.append(function["arguments"])

    def response(self) -> ModelResponse:
        """The whole response, once the stream has ended."""
        calls = [
            _tool_call(
                {"id": p.id, "function": {"name": p.name, "arguments": "".join(p.arguments)}},
                self.model_name,
            )
            for _, p in sorted(self.calls.items())
        ]
        return ModelResponse(
            text="".join(self.text),
            tool_calls=calls,
            usage=self.usage,
            model_name=self.model_name,
            finish_reason=self.finish_reason,
        )
