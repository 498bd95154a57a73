"""Models chosen by a ``"provider:model"`` string, and the fallback chain.

==================  ==================================================  =======================
spec                endpoint                                            key (env)
==================  ==================================================  =======================
dashscope:MODEL     https://dashscope.aliyuncs.com/compatible-mode/v1   DASHSCOPE_API_KEY
deepseek:MODEL      https://api.deepseek.com/v1                         DEEPSEEK_API_KEY
openai:MODEL        https://api.openai.com/v1                           OPENAI_API_KEY
ollama:MODEL        http://localhost:11434/v1                           none
openai-compatible:  SHOPKEEPER_MODEL_BASE_URL                           SHOPKEEPER_MODEL_API_KEY
llamacpp:PATH       a local GGUF file, in-process (``[llamacpp]`` extra)  none
offline[:rules]     the offline rule model                              none
test                :class:`~shopkeeper.llm.testing.TestModel`          none
==================  ==================================================  =======================

``SHOPKEEPER_MODEL_API_KEY`` overrides a provider's own key. A comma-separated spec is a
:class:`FallbackModel` chain, e.g. ``"deepseek:deepseek-chat,offline"``.

>>> from shopkeeper.settings import Settings
>>> infer_model("test", Settings()).name
'test'
>>> infer_model("dashscop:qwen-plus", Settings())
Traceback (most recent call last):
shopkeeper.errors.ConfigError: unknown model provider 'dashscop' in 'dashscop:qwen-plus'; did you mean 'dashscope'? Known: dashscope, deepseek, llamacpp, offline, ollama, openai, openai-compatible, test
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from shopkeeper.errors import ConfigError
from shopkeeper.llm.base import (
    Message,
    Model,
    ModelResponse,
    ModelRetryableError,
    ModelSettings,
    StreamEvent,
    ToolSpec,
)
from shopkeeper.settings import Settings

OFFLINE_MODEL = "shopkeeper.agents.offline:OfflineModel"
"""Import path of the offline rule model (constructed as ``OfflineModel(settings)``)."""


@dataclass(frozen=True)
class HostedProvider:
    """An OpenAI-compatible provider: its endpoint and the settings field holding its key."""

    base_url: str | None  # None: from settings.model_base_url
    key_field: str | None  # a Settings field; None: no key needed
    key_env: str | None = None


HOSTED: dict[str, HostedProvider] = {
    "dashscope": HostedProvider(
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "dashscope_api_key",
        "DASHSCOPE_API_KEY",
    ),
    "deepseek": HostedProvider(
        "https://api.deepseek.com/v1", "deepseek_api_key", "DEEPSEEK_API_KEY"
    ),
    "openai": HostedProvider("https://api.openai.com/v1", "openai_api_key", "OPENAI_API_KEY"),
    "ollama": HostedProvider("http://localhost:11434/v1", None),
    "openai-compatible": HostedProvider(None, None),
}
LOCAL = ("llamacpp", "offline", "test")
PROVIDERS: tuple[str, ...] = tuple(sorted([*HOSTED, *LOCAL]))
"""Every provider name a spec may start with."""


def infer_model(spec: str | None, settings: Settings) -> Model:
    """The model a spec names (``None`` or ``""``: the offline rule model)."""
    parts = [p.strip() for p in (spec or "offline").split(",") if p.strip()] or ["offline"]
    if len(parts) > 1:
        return FallbackModel(*(_one(p, settings) for p in parts))
    return _one(parts[0], settings)


def _one(spec: str, settings: Settings) -> Model:
    provider, _, model = spec.partition(":")
    provider = provider.strip().lower()
    model = model.strip()
    if provider not in PROVIDERS:
        near = difflib.get_close_matches(provider, PROVIDERS, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ConfigError(
            f"unknown model provider {provider!r} in {spec!r}; {hint}Known: {', '.join(PROVIDERS)}"
        )
    if provider == "offline":
        return _offline(settings)
    if provider == "test":
        from shopkeeper.llm.testing import TestModel

        return TestModel()
    if not model:
        example = "/path/model.gguf" if provider == "llamacpp" else "MODEL"
        raise ConfigError(f"model spec {spec!r} names no model; write '{provider}:{example}'")
    if provider == "llamacpp":
        from shopkeeper.llm.llamacpp import LlamaCppModel

        return LlamaCppModel(model, settings)
    return _hosted(provider, model, settings)


def _hosted(provider: str, model: str, settings: Settings) -> Model:
    from shopkeeper.llm.openai_compat import OpenAICompatModel

    info = HOSTED[provider]
    base_url = info.base_url or settings.model_base_url
    if not base_url:
        raise ConfigError(
            f"model 'openai-compatible:{model}' needs a base URL: set SHOPKEEPER_MODEL_BASE_URL "
            "(e.g. http://localhost:8000/v1)"
        )
    key = settings.model_api_key
    if key is None and info.key_field:
        key = getattr(settings, info.key_field)
        if key is None:
            raise ConfigError(
                f"model '{provider}:{model}' needs an API key: set {info.key_env} "
                "(or SHOPKEEPER_MODEL_API_KEY)"
            )
    return OpenAICompatModel(
        f"{provider}:{model}",
        base_url,
        model,
        api_key=key.get_secret_value() if key is not None else None,
        timeout_s=settings.model_timeout_s,
        retries=settings.model_retries,
    )


def _offline(settings: Settings) -> Model:
    module_name, _, attr = OFFLINE_MODEL.partition(":")
    try:
        factory: Callable[[Settings], Model] = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"the offline rule model ({OFFLINE_MODEL}) cannot be loaded: {exc}; "
            "is the Shopkeeper installation complete?"
        ) from exc
    return factory(settings)


class FallbackModel:
    """Tries each model in turn, moving on only on :class:`ModelRetryableError`.

    Any other error (a refused request, bad tool arguments, blocked requests) is raised at once:
    falling back would hide a configuration mistake.
    """

    def __init__(self, *models: Model) -> None:
        if not models:
            raise ConfigError("FallbackModel needs at least one model")
        self.models = models

    @property
    def name(self) -> str:
        """The chain as a spec: ``"deepseek:deepseek-chat,offline:rules"``."""
        return ",".join(m.name for m in self.models)

    @property
    def external(self) -> bool:
        """True when any model of the chain sends requests off this machine."""
        return any(m.external for m in self.models)

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """The first model's answer that does not fail transiently."""
        errors: list[ModelRetryableError] = []
        for model in self.models:
            try:
                return model.request(messages, tools, settings)
            except ModelRetryableError as exc:
                errors.append(exc)
        raise self._exhausted(errors)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """Streams from the first model that starts; a model that fails after it has streamed
        something is not replaced (its text is already out).
        """
        errors: list[ModelRetryableError] = []
        for model in self.models:
            started = False
            try:
                for event in model.stream(messages, tools, settings):
                    started = True
                    yield event
                return
            except ModelRetryableError as exc:
                if started:
                    raise
                errors.append(exc)
        raise self._exhausted(errors)

    def _exhausted(self, errors: list[ModelRetryableError]) -> ModelRetryableError:
        detail = "; ".join(str(e) for e in errors)
        error = ModelRetryableError(f"every model of {self.name!r} failed: {detail}")
        error.__cause__ = errors[-1]
        return error
