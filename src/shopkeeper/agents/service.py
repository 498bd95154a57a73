"""Asking the team: pick the model, open what a run needs, run it.

With no model configured (``SHOPKEEPER_MODEL`` unset) the team runs on the offline model. A
configured model gets the offline model behind it as the fallback for declared (transient) errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.runtime import AskResult, ExtraTools, Team
from shopkeeper.agents.usage import UsageLimits
from shopkeeper.llm.base import Model
from shopkeeper.ops.db import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry, load_registry
from shopkeeper.store.warehouse import existing_store_dir


@lru_cache(maxsize=4)
def _registry() -> SkillRegistry:
    return load_registry()


_OFFLINE: dict[str, OfflineModel] = {}


def _offline(settings: Settings) -> OfflineModel:
    """One offline model per home folder (its router is built once per process)."""
    key = str(settings.home)
    if key not in _OFFLINE:
        _OFFLINE[key] = OfflineModel(settings, _registry())
    return _OFFLINE[key]


def team_model(settings: Settings, spec: str | None = None) -> Model:
    """The model a team uses: ``spec``, else the configured one, else the offline model."""
    spec = spec or settings.model
    offline = _offline(settings)
    if not spec or spec in ("offline", "offline:rules"):
        return offline
    from shopkeeper.llm.registry import FallbackModel, infer_model

    model = infer_model(spec, settings)
    return FallbackModel(model, offline)


def ask(
    settings: Settings,
    store: str,
    request: str,
    *,
    model: str | Model | None = None,
    lang: str | None = None,
    limits: UsageLimits | None = None,
    on_text: Callable[[str], None] | None = None,
    replay_of: str | None = None,
) -> AskResult:
    """Ask the store's team once; the run is recorded."""
    existing_store_dir(settings, store)
    chosen = (
        model if model is not None and not isinstance(model, str) else team_model(settings, model)
    )
    engine = ops_engine(settings)
    try:
        team = Team(
            settings,
            store,
            model=chosen,
            registry=_registry(),
            engine=engine,
            limits=limits,
            lang=lang,
            extra_tools=_external_tools(settings, store),
        )
        return team.run(request, on_text=on_text, replay_of=replay_of)
    finally:
        engine.dispose()


def _external_tools(settings: Settings, store: str) -> ExtraTools | None:
    """Tools of the external MCP servers named in the store's config (none when there are none)."""
    try:
        from shopkeeper.agents import mcp_tools  # type: ignore[attr-defined]
    except ImportError:
        return None

    loader = getattr(mcp_tools, "external_tools", None)
    return loader(settings, store) if loader is not None else None
