"""Asking the team: pick the model, open what a run needs, run it.

With no model configured (``SHOPKEEPER_MODEL`` unset) the team runs on the offline model. A
configured model gets the offline model behind it as the fallback for declared (transient) errors.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import lru_cache
from typing import Any

from shopkeeper.agents.answers import AskResult
from shopkeeper.agents.conversations import last_turn
from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.otel import configure as configure_otel
from shopkeeper.agents.runtime import ExtraTools, Team
from shopkeeper.agents.usage import UsageLimits
from shopkeeper.context import AppContext
from shopkeeper.llm.base import Model
from shopkeeper.llm.privacy import Masker, mask_if_external
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry, load_registry
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


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
    app: AppContext,
    store: str,
    request: str,
    *,
    model: str | Model | None = None,
    lang: str | None = None,
    limits: UsageLimits | None = None,
    on_text: Callable[[str], None] | None = None,
    replay_of: str | None = None,
    conversation_id: str | None = None,
) -> AskResult:
    """Ask the store's team once, on the edge's resources (``app``); the run is recorded in its
    operational database.

    A model outside this machine gets the store's personal data masked (``mask_pii``, default
    on); traces never store phones, addresses or ids in the clear either way. Tools of the
    external MCP servers the owner lists for the store in ``SHOPKEEPER_HOME/mcp_servers.toml``
    are offered to the team. With ``conversation_id`` the request may follow up the
    conversation's last turn (the caller files the run under it:
    :func:`shopkeeper.agents.conversations.record_turn`).
    """
    settings = app.settings
    store_dir = existing_store_dir(settings, store)
    configure_otel(settings)
    chosen = (
        model if model is not None and not isinstance(model, str) else team_model(settings, model)
    )
    if chosen.external and settings.mask_pii:  # the offline model reads no names to mask
        with Warehouse.open(store_dir, read_only=True) as wh:
            chosen = mask_if_external(chosen, Masker.from_warehouse(wh.con), settings)
    with ExitStack() as stack:
        extra = _external_tools(stack, settings, store)
        team = Team(
            app,
            store,
            model=chosen,
            registry=_registry(),
            limits=limits,
            lang=lang,
            extra_tools=extra,
            redact=_redactor(),
        )
        previous = last_turn(app.engine, store, conversation_id) if conversation_id else None
        return team.run(request, on_text=on_text, replay_of=replay_of, previous=previous)


def _external_tools(stack: ExitStack, settings: Settings, store: str) -> ExtraTools | None:
    """The tools of the MCP servers the owner lists for the store, open for the run (the MCP
    client loads only when there are some).
    """
    if not settings.mcp_servers_file.exists():
        return None
    from shopkeeper.agents.mcp_tools import ExternalTools, mcp_servers

    servers = mcp_servers(settings, store)
    return stack.enter_context(ExternalTools(servers)) if servers else None


def _redactor() -> Callable[[Any], Any]:
    """What traces store: phones, addresses, emails and id numbers masked."""
    masker = Masker("en")
    return masker.mask_json
