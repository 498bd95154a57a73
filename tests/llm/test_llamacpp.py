"""The in-process llama.cpp model: against a stand-in of xllamacpp's Server API, and (opt-in) a real
GGUF file when ``xllamacpp`` is installed and ``SHOPKEEPER_TEST_GGUF`` names one."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from shopkeeper.llm import base
from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelRequestsBlocked,
    ModelResponse,
    TextDelta,
    ToolSpec,
)
from shopkeeper.llm.llamacpp import LlamaCppModel
from shopkeeper.llm.registry import infer_model
from shopkeeper.settings import Settings

ASK = [Message(role="user", content="今天卖了多少?")]
TOOLS = [ToolSpec(name="sales_summary", description="Sales.")]


class FakeParams:
    def __init__(self) -> None:
        self.model = types.SimpleNamespace(path="")
        self.cpuparams = types.SimpleNamespace(n_threads=-1)
        self.cpuparams_batch = types.SimpleNamespace(n_threads=-1)


class FakeServer:
    """xllamacpp.Server's chat entry point: a dict in, a dict out (or chunks to a callback)."""

    instances: ClassVar[list[FakeServer]] = []

    def __init__(self, params: FakeParams) -> None:
        self.params = params
        self.bodies: list[dict[str, Any]] = []
        FakeServer.instances.append(self)

    def handle_chat_completions(
        self, body: dict[str, Any], callback: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any] | None:
        self.bodies.append(body)
        if body["messages"][-1]["content"] == "fail":
            return {"error": {"code": 400, "message": "the request exceeds the context size"}}
        if callback is None:
            return {
                "choices": [
                    {
                        "message": {
                            "content": None,
                            "tool_calls": [
                                {
                                    "id": "x",
                                    "function": {
                                        "name": "sales_summary",
                                        "arguments": '{"days": 1}',
                                    },
                                }
                            ],
                        },
                        "finish_reason": "tool_calls",
                    }
                ],
                "usage": {"prompt_tokens": 30, "completion_tokens": 8},
            }
        for piece in ["今天", "卖了", "¥100"]:
            if callback({"choices": [{"delta": {"content": piece}}]}):
                return None
        callback({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 3}})
        return None


@pytest.fixture
def fake_xllamacpp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    module = types.ModuleType("xllamacpp")
    module.__spec__ = importlib.machinery.ModuleSpec("xllamacpp", None)
    module.CommonParams = FakeParams  # type: ignore[attr-defined]
    module.Server = FakeServer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xllamacpp", module)
    monkeypatch.setattr(base, "ALLOW_MODEL_REQUESTS", True)
    FakeServer.instances.clear()
    gguf = tmp_path / "qwen.gguf"
    gguf.write_bytes(b"GGUF")
    return gguf


def test_loads_lazily_once_with_one_thread(fake_xllamacpp: Path) -> None:
    model = infer_model(f"llamacpp:{fake_xllamacpp}", Settings())
    assert isinstance(model, LlamaCppModel)
    assert model.name == f"llamacpp:{fake_xllamacpp}"
    assert not model.external
    assert FakeServer.instances == []  # nothing loaded by the constructor
    response = model.request(ASK, TOOLS)
    model.request(ASK)
    assert len(FakeServer.instances) == 1
    server = FakeServer.instances[0]
    assert server.params.model.path == str(fake_xllamacpp)
    assert server.params.cpuparams.n_threads == 1
    assert server.bodies[0]["tools"][0]["function"]["name"] == "sales_summary"
    assert response.tool_calls[0].arguments == {"days": 1}
    assert response.usage.input_tokens == 30


def test_stream_from_the_callback(fake_xllamacpp: Path) -> None:
    events = list(LlamaCppModel(fake_xllamacpp, Settings()).stream(ASK))
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["今天", "卖了", "¥100"]
    final = events[-1]
    assert isinstance(final, ModelResponse)
    assert final.text == "今天卖了¥100"
    assert final.usage.output_tokens == 3


def test_errors_and_blocking(fake_xllamacpp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = LlamaCppModel(fake_xllamacpp, Settings())
    with pytest.raises(ModelError, match="400 the request exceeds the context size"):
        model.request([Message(role="user", content="fail")])
    monkeypatch.setattr(base, "ALLOW_MODEL_REQUESTS", False)
    with pytest.raises(ModelRequestsBlocked):
        LlamaCppModel(fake_xllamacpp, Settings()).request(ASK)


def test_missing_file_is_a_config_error(fake_xllamacpp: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        infer_model(f"llamacpp:{fake_xllamacpp.parent / 'nope.gguf'}", Settings())


REAL_GGUF = os.environ.get("SHOPKEEPER_TEST_GGUF", "")


@pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None or not Path(REAL_GGUF).is_file(),
    reason="needs the xllamacpp package and a GGUF file in SHOPKEEPER_TEST_GGUF",
)
def test_real_gguf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "ALLOW_MODEL_REQUESTS", True)
    model = LlamaCppModel(REAL_GGUF, Settings(), n_ctx=2048)
    answer = model.request(
        [Message(role="user", content="Reply with one word: hello")],
        settings=base.ModelSettings(max_tokens=16, temperature=0),
    )
    assert answer.text or answer.tool_calls
    events = list(
        model.stream(
            [Message(role="user", content="Say hi")], settings=base.ModelSettings(max_tokens=8)
        )
    )
    assert isinstance(events[-1], ModelResponse)
