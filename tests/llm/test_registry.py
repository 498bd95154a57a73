"""Models by name: providers, keys, the offline model, fallback chains, test doubles."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from shopkeeper.errors import ConfigError
from shopkeeper.llm import registry
from shopkeeper.llm.base import (
    Message,
    Model,
    ModelError,
    ModelResponse,
    ModelRetryableError,
    TextDelta,
    ToolCall,
    ToolSpec,
)
from shopkeeper.llm.openai_compat import OpenAICompatModel
from shopkeeper.llm.registry import FallbackModel, infer_model
from shopkeeper.llm.testing import FunctionModel, ScriptedModel, TestModel
from shopkeeper.settings import Settings

ASK = [Message(role="user", content="hi")]


def make(**values: object) -> Settings:
    return Settings(model_timeout_s=7, model_retries=4, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for var in (
        "DASHSCOPE_API_KEY",
        "DEEPSEEK_API_KEY",
        "OPENAI_API_KEY",
        "SHOPKEEPER_MODEL_API_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    return make()


@pytest.mark.parametrize(
    ("spec", "key_field", "url", "external"),
    [
        (
            "dashscope:qwen-plus",
            "dashscope_api_key",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            True,
        ),
        ("deepseek:deepseek-chat", "deepseek_api_key", "https://api.deepseek.com/v1", True),
        ("openai:gpt-4o-mini", "openai_api_key", "https://api.openai.com/v1", True),
        ("ollama:qwen3:8b", None, "http://localhost:11434/v1", False),
    ],
)
def test_hosted_providers(
    settings: Settings, spec: str, key_field: str | None, url: str, external: bool
) -> None:
    if key_field:
        settings = make(**{key_field: "sk-1"})
    model = infer_model(spec, settings)
    assert isinstance(model, OpenAICompatModel)
    assert isinstance(model, Model)
    assert model.name == spec
    assert model.base_url == url
    assert model.model == spec.split(":", 1)[1]
    assert model.external is external
    assert (model.timeout_s, model.retries) == (7, 4)
    assert model.api_key == ("sk-1" if key_field else None)


def test_provider_key_read_from_its_own_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-env")
    model = infer_model("dashscope:qwen-plus", Settings())
    assert isinstance(model, OpenAICompatModel)
    assert model.api_key == "sk-env"


def test_missing_key_names_the_env_var(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="DEEPSEEK_API_KEY"):
        infer_model("deepseek:deepseek-chat", settings)


def test_generic_key_overrides(settings: Settings) -> None:
    s = make(**{"model_api_key": "sk-generic", "openai_api_key": "sk-o"})
    model = infer_model("openai:gpt-4o", s)
    assert isinstance(model, OpenAICompatModel)
    assert model.api_key == "sk-generic"


def test_openai_compatible_needs_a_base_url(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="SHOPKEEPER_MODEL_BASE_URL"):
        infer_model("openai-compatible:qwen", settings)
    model = infer_model(
        "openai-compatible:qwen",
        make(**{"model_base_url": "http://127.0.0.1:8000/v1/"}),
    )
    assert isinstance(model, OpenAICompatModel)
    assert model.base_url == "http://127.0.0.1:8000/v1"
    assert not model.external


@pytest.mark.parametrize(
    ("spec", "near"),
    [("dashscop:qwen", "dashscope"), ("OLAMA:x", "ollama"), ("deep-seek:x", "deepseek")],
)
def test_unknown_provider_suggests_the_nearest(settings: Settings, spec: str, near: str) -> None:
    with pytest.raises(ConfigError, match=f"did you mean '{near}'"):
        infer_model(spec, settings)


def test_unknown_provider_without_a_near_name(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="unknown model provider 'zzzzzz'") as info:
        infer_model("zzzzzz:y", settings)
    assert "did you mean" not in str(info.value)


def test_provider_without_model(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="names no model"):
        infer_model("openai:", settings)


def test_test_model(settings: Settings) -> None:
    assert isinstance(infer_model("test", settings), TestModel)


class FakeOffline:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    name = "offline:rules"
    external = False

    def request(
        self, messages: object, tools: object = (), settings: object = None
    ) -> ModelResponse:
        return ModelResponse(text="offline answer", model_name=self.name)

    def stream(self, messages: object, tools: object = (), settings: object = None) -> object:
        yield self.request(messages)


@pytest.fixture
def offline_module(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_offline")
    module.OfflineModel = FakeOffline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_offline", module)
    monkeypatch.setattr(registry, "OFFLINE_MODEL", "fake_offline:OfflineModel")


@pytest.mark.usefixtures("offline_module")
@pytest.mark.parametrize("spec", [None, "", "offline", "offline:rules"])
def test_offline_is_loaded_lazily_by_import_path(settings: Settings, spec: str | None) -> None:
    model = infer_model(spec, settings)
    assert isinstance(model, FakeOffline)
    assert model.settings is settings


def test_offline_import_failure_is_clear(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "OFFLINE_MODEL", "shopkeeper.no_such_module:OfflineModel")
    with pytest.raises(ConfigError, match=r"offline rule model .* cannot be loaded"):
        infer_model("offline", settings)


@pytest.mark.usefixtures("offline_module")
def test_comma_separated_spec_is_a_fallback_chain(settings: Settings) -> None:
    s = make(**{"deepseek_api_key": "k"})
    chain = infer_model("deepseek:deepseek-chat, offline", s)
    assert isinstance(chain, FallbackModel)
    assert chain.name == "deepseek:deepseek-chat,offline:rules"
    assert chain.external


def failing(error: Exception, name: str = "a") -> FunctionModel:
    def fn(messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        raise error

    return FunctionModel(fn, name=name)


def test_fallback_moves_on_only_on_retryable_errors() -> None:
    second = ScriptedModel(["from b", "from b again"], name="b")
    chain = FallbackModel(failing(ModelRetryableError("429")), second)
    assert chain.request(ASK).text == "from b"
    events = list(chain.stream(ASK))
    assert events[-1] == ModelResponse(text="from b again", model_name="b", finish_reason="stop")
    with pytest.raises(ModelError, match="refused") as info:
        FallbackModel(failing(ModelError("refused")), ScriptedModel(["unused"])).request(ASK)
    assert not isinstance(info.value, ModelRetryableError)


def test_fallback_exhausted_lists_every_error() -> None:
    chain = FallbackModel(
        failing(ModelRetryableError("429"), "a"), failing(ModelRetryableError("503"), "b")
    )
    with pytest.raises(ModelRetryableError, match="every model of 'a,b' failed: 429; 503"):
        chain.request(ASK)
    with pytest.raises(ModelRetryableError, match="503"):
        list(chain.stream(ASK))
    with pytest.raises(ConfigError):
        FallbackModel()


def test_scripted_model_in_order_records_and_runs_out() -> None:
    calls = [ToolCall(id="1", name="top_products", arguments={"limit": 3})]
    m = ScriptedModel([calls, "done", ModelResponse(text="x", model_name="other")])
    tools = [ToolSpec(name="top_products", description="d")]
    assert m.request(ASK, tools).tool_calls == calls
    streamed = list(m.stream(ASK))
    assert [e.text for e in streamed if isinstance(e, TextDelta)] == ["done"]
    assert m.request(ASK).model_name == "other"
    assert m.requests[0].tools == tools
    assert m.remaining == 0
    with pytest.raises(ModelError, match=r"ran out of responses.*request #4"):
        m.request(ASK)


def test_function_model_and_stream_deltas_rebuild_the_text() -> None:
    def echo(messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        return ModelResponse(text=messages[-1].content * 3, model_name="test:function")

    events = list(FunctionModel(echo).stream([Message(role="user", content="咖啡豆")]))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "咖啡豆" * 3
    assert isinstance(events[-1], ModelResponse)


def test_test_model_calls_every_tool_then_sums_up() -> None:
    tools = [
        ToolSpec(
            name="sales_summary",
            description="d",
            parameters={
                "type": "object",
                "required": ["days"],
                "properties": {"days": {"type": "integer", "default": 7}},
            },
        ),
        ToolSpec(name="store_overview", description="d"),
    ]
    m = TestModel()
    first = m.request(ASK, tools)
    assert [(c.name, c.arguments) for c in first.tool_calls] == [
        ("sales_summary", {"days": 7}),
        ("store_overview", {}),
    ]
    history = [
        *ASK,
        Message(role="assistant", tool_calls=first.tool_calls),
        Message(role="tool", tool_call_id="call_0", name="sales_summary", content="1"),
        Message(role="tool", tool_call_id="call_1", name="store_overview", content="2"),
    ]
    assert m.request(history, tools).text == '{"sales_summary": "1", "store_overview": "2"}'


def test_llamacpp_without_the_package_says_how_to_install(
    settings: Settings, tmp_path: Path
) -> None:
    pytest.importorskip("shopkeeper")  # always there; keeps the intent explicit
    if "xllamacpp" in sys.modules or __import__("importlib").util.find_spec("xllamacpp"):
        pytest.skip("xllamacpp is installed here")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(ConfigError, match=r"pip install 'shopkeeper\[llamacpp\]'"):
        infer_model(f"llamacpp:{gguf}", settings)
