"""The OpenAI-compatible client end to end against a loopback fake server (real HTTP, real SSE)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from shopkeeper.llm import base
from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelRequestsBlocked,
    ModelResponse,
    ModelRetryableError,
    ModelSettings,
    TextDelta,
    ToolCall,
    ToolSpec,
)
from shopkeeper.llm.openai_compat import OpenAICompatModel

from .fake_openai import FakeOpenAI, Reply, chunk, completion, serve, tool_call

TOOLS = [
    ToolSpec(
        name="sales_summary",
        description="Sales over the last days.",
        parameters={"type": "object", "properties": {"days": {"type": "integer"}}},
    )
]
ASK = [Message(role="system", content="你是店长"), Message(role="user", content="最近卖得怎样?")]


_OPEN: list[OpenAICompatModel] = []


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setattr(base, "ALLOW_MODEL_REQUESTS", True)  # this test's own loopback server
    with serve() as server:
        yield server
        while _OPEN:
            _OPEN.pop().close()


def model(fake: FakeOpenAI, **kwargs: object) -> OpenAICompatModel:
    options: dict[str, object] = {"api_key": "sk-test", "retries": 2, "backoff_s": 0.001}
    options.update(kwargs)
    m = OpenAICompatModel("openai-compatible:fake", fake.base_url, "fake", **options)  # type: ignore[arg-type]
    _OPEN.append(m)
    return m


def test_blocked_before_any_io() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=completion("x"))

    m = OpenAICompatModel(
        "openai:gpt-4o",
        "https://api.openai.com/v1",
        "gpt-4o",
        transport=httpx.MockTransport(handler),
    )
    _OPEN.append(m)
    with pytest.raises(ModelRequestsBlocked, match="ALLOW_MODEL_REQUESTS"):
        m.request(ASK)
    with pytest.raises(ModelRequestsBlocked):
        list(m.stream(ASK))
    assert calls == []


def test_text_and_tool_calls_round_trip(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(
            body=completion(
                None,
                [tool_call("c1", "sales_summary", '{"days": 7}')],
                usage=(120, 30),
                finish_reason="tool_calls",
            )
        ),
        Reply(body=completion("近7天卖了¥1,234")),
    )
    m = model(fake)
    first = m.request(ASK, TOOLS, ModelSettings(temperature=0.2, max_tokens=100, timeout_s=5))
    assert first.tool_calls == [ToolCall(id="c1", name="sales_summary", arguments={"days": 7})]
    assert (first.usage.input_tokens, first.usage.output_tokens) == (120, 30)
    assert first.finish_reason == "tool_calls"
    history = [
        *ASK,
        Message(role="assistant", tool_calls=first.tool_calls),
        Message(role="tool", tool_call_id="c1", name="sales_summary", content='{"gmv": 1234}'),
    ]
    second = m.request(history, TOOLS)
    assert second.text == "近7天卖了¥1,234"
    assert second.model_name == "openai-compatible:fake"

    sent = fake.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["Authorization"] == "Bearer sk-test"
    assert sent.body["model"] == "fake"
    assert sent.body["temperature"] == 0.2
    assert sent.body["max_tokens"] == 100
    assert sent.body["tools"][0] == {
        "type": "function",
        "function": {
            "name": "sales_summary",
            "description": "Sales over the last days.",
            "parameters": TOOLS[0].parameters,
        },
    }
    wire = fake.requests[1].body["messages"]
    assert wire[2]["tool_calls"][0]["function"] == {
        "name": "sales_summary",
        "arguments": '{"days": 7}',
    }
    assert wire[3] == {"role": "tool", "content": '{"gmv": 1234}', "tool_call_id": "c1"}


def test_bad_tool_arguments_are_a_clear_model_error(fake: FakeOpenAI) -> None:
    fake.reply(Reply(body=completion(None, [tool_call("c1", "sales_summary", "{days: 7")])))
    with pytest.raises(ModelError, match=r"'sales_summary' with arguments that are not a JSON"):
        model(fake).request(ASK, TOOLS)
    assert len(fake.requests) == 1  # not retried


def test_stream_text_tool_call_deltas_and_usage(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(
            events=[
                chunk({"role": "assistant", "content": "好的,"}),
                chunk({"content": "我查一下"}),
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "sales_summary", "arguments": ""},
                            }
                        ]
                    }
                ),
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"da'}}]}),
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'ys": 7}'}}]}),
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 1,
                                "id": "c2",
                                "function": {"name": "top_products", "arguments": "{}"},
                            }
                        ]
                    }
                ),
                chunk({}, finish_reason="tool_calls"),
                {"choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 9}},
                "[DONE]",
            ]
        )
    )
    events = list(model(fake).stream(ASK, TOOLS))
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    final = events[-1]
    assert deltas == ["好的,", "我查一下"]
    assert isinstance(final, ModelResponse)
    assert final.text == "好的,我查一下"
    assert [(c.id, c.name, c.arguments) for c in final.tool_calls] == [
        ("c1", "sales_summary", {"days": 7}),
        ("c2", "top_products", {}),
    ]
    assert (final.usage.input_tokens, final.usage.output_tokens) == (50, 9)
    assert final.finish_reason == "tool_calls"
    body = fake.requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


def test_429_then_success_is_retried(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(429, {"error": {"message": "rate limited"}}, headers={"Retry-After": "0"}),
        Reply(503, {"error": {"message": "overloaded"}}),
        Reply(body=completion("ok")),
    )
    slept: list[float] = []
    assert model(fake, sleep=slept.append).request(ASK).text == "ok"
    assert len(fake.requests) == 3
    assert slept[0] == 0.0  # the server's Retry-After
    assert len(slept) == 2


def test_429_then_success_when_streaming(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(429, {"error": {"message": "slow down"}}),
        Reply(events=[chunk({"content": "ok"}), "[DONE]"]),
    )
    events = list(model(fake).stream(ASK))
    assert events[-1] == ModelResponse(text="ok", model_name="openai-compatible:fake")


def test_500_forever_is_retryable_after_the_retries(fake: FakeOpenAI) -> None:
    fake.reply(Reply(500, {"error": {"message": "boom"}}, repeat=True))
    with pytest.raises(ModelRetryableError, match=r"after 3 attempt\(s\): HTTP 500: .*boom"):
        model(fake).request(ASK)
    assert len(fake.requests) == 3


def test_400_is_not_retried_and_quotes_the_body(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(400, {"error": {"message": "model 'fake' does not support tools"}}),
        Reply(body=completion("unused")),
    )
    with pytest.raises(ModelError, match=r"HTTP 400: .*does not support tools") as info:
        model(fake).request(ASK, TOOLS)
    assert not isinstance(info.value, ModelRetryableError)
    assert len(fake.requests) == 1


def test_401_is_a_plain_model_error(fake: FakeOpenAI) -> None:
    fake.reply(Reply(401, {"error": {"message": "Incorrect API key provided"}}))
    with pytest.raises(ModelError, match="401") as info:
        list(model(fake).stream(ASK))
    assert not isinstance(info.value, ModelRetryableError)


def test_timeout_is_retried_then_retryable(fake: FakeOpenAI) -> None:
    fake.reply(Reply(body=completion("late"), delay_s=0.5, repeat=True))
    with pytest.raises(ModelRetryableError, match="Timeout"):
        model(fake, retries=1).request(ASK, settings=ModelSettings(timeout_s=0.1))
    assert len(fake.requests) == 2


def test_connection_refused_is_retryable() -> None:
    with serve() as fake:
        url = fake.base_url  # a port that nobody listens on once the server stops
    base.ALLOW_MODEL_REQUESTS = True
    try:
        with (
            OpenAICompatModel("ollama:x", url, "x", retries=1, backoff_s=0.001) as m,
            pytest.raises(ModelRetryableError, match="ConnectError"),
        ):
            m.request(ASK)
    finally:
        base.ALLOW_MODEL_REQUESTS = False


def test_error_inside_a_200_body_and_garbage(fake: FakeOpenAI) -> None:
    fake.reply(
        Reply(body={"error": {"message": "content filter"}}),
        Reply(body="<html>gateway</html>"),
        Reply(body={"choices": []}),
    )
    m = model(fake)
    with pytest.raises(ModelError, match="content filter"):
        m.request(ASK)
    with pytest.raises(ModelError, match="not JSON"):
        m.request(ASK)
    with pytest.raises(ModelError, match="without choices"):
        m.request(ASK)


def test_message_wire_format_keeps_unicode() -> None:
    from shopkeeper.llm.openai_format import to_wire_message

    wire = to_wire_message(
        Message(role="assistant", tool_calls=[ToolCall(id="1", name="f", arguments={"q": "咖啡"})])
    )
    assert json.loads(wire["tool_calls"][0]["function"]["arguments"]) == {"q": "咖啡"}
    assert "咖啡" in wire["tool_calls"][0]["function"]["arguments"]
    assert wire["content"] is None
