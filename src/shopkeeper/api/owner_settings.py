"""The owner's settings of a store: the LLM provider, the action policy, tokens, the widget secret.

- **LLM** — ``provider:model``, base URL and key kept in ``llm.toml`` in the home (0600, see
  :class:`~shopkeeper.settings.LlmFile`); ``SHOPKEEPER_MODEL`` and friends override it. The
  running service reads it at start, so a change applies after a restart; "test connection" tries
  the saved choice at once. Without a model the offline rule model answers.
- **Policy** — ``policy.toml`` of the store, replaced only by a valid
  :class:`~shopkeeper.ops.policy.Policy`.
- **Tokens** — this store's tokens: list, create (shown once), revoke.
- **Widget secret** — whether ``cs_widget_secret`` is set (its value is never shown).
"""

from __future__ import annotations

from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field, SecretStr

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.cs_auth import SECRET_FILE, customer_secret
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.tokens import (
    NewToken,
    Role,
    TokenInfo,
    create_token,
    list_tokens,
    revoke_token,
)
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.base import Message, ModelSettings
from shopkeeper.llm.registry import infer_model
from shopkeeper.ops.policy import Policy, load_policy, save_policy
from shopkeeper.settings import LLM_FILE, LlmFile, Settings, load_llm_file, save_llm_file

Owner = Annotated[Principal, Depends(require("settings"))]

router = APIRouter(prefix="/v1/stores/{store}/settings", tags=["settings"])


class LlmStatus(BaseModel):
    """The LLM the service uses, the one saved, and where each part comes from."""

    running: str | None = Field(description="the model the running service uses (None: offline)")
    saved: str | None = Field(description="the model saved in llm.toml")
    effective: str | None = Field(description="the model the next start will use")
    source: Literal["env", "file", "none"]
    base_url: str | None
    key_set: bool
    key_source: Literal["env", "file", "none"]
    offline_fallback: bool = Field(
        description="true when the offline rule model answers or backs up"
    )
    restart_needed: bool
    file: str


class LlmChange(BaseModel):
    """A new LLM choice; ``api_key`` absent or empty keeps the saved key."""

    model: str = Field(min_length=1, max_length=300, description="'provider:model'")
    base_url: str | None = Field(default=None, max_length=500)
    api_key: str | None = Field(default=None, max_length=500)
    clear_key: bool = False


class ConnectionTest(BaseModel):
    """How a one-word request to the saved model went."""

    model: str
    ok: bool
    detail: str


def _fresh(services: Services) -> Settings:
    """The settings a restart would read (the environment over ``llm.toml``)."""
    return services.settings.model_copy(
        update=Settings(home=services.settings.home).model_dump(
            include={"model", "model_base_url", "model_api_key"}
        )
    )


def llm_status(services: Services) -> LlmStatus:
    """What the LLM page shows."""
    stored = load_llm_file(services.settings.home)
    fresh = _fresh(services)
    key = fresh.model_api_key.get_secret_value() if fresh.model_api_key else None
    chain = [p.strip() for p in (fresh.model or "offline").split(",")]
    return LlmStatus(
        running=services.settings.model,
        saved=stored.model,
        effective=fresh.model,
        source="none" if not fresh.model else "file" if fresh.model == stored.model else "env",
        base_url=fresh.model_base_url,
        key_set=bool(key),
        key_source="none" if not key else "file" if key == stored.api_key else "env",
        offline_fallback=any(p.split(":")[0] == "offline" for p in chain),
        restart_needed=fresh.model != services.settings.model,
        file=str(services.settings.home / LLM_FILE),
    )


@router.get("/llm")
def get_llm(store: StorePath, _caller: Owner, services: ServicesDep) -> LlmStatus:
    """The LLM provider: running, saved, effective, and whether a key is set (never the key)."""
    return llm_status(services)


@router.put("/llm")
def put_llm(store: StorePath, body: LlmChange, _caller: Owner, services: ServicesDep) -> LlmStatus:
    """Save the LLM choice to ``llm.toml`` (0600) after checking the spec names a provider."""
    stored = load_llm_file(services.settings.home)
    key = None if body.clear_key else (body.api_key or stored.api_key)
    fresh = _fresh(services)
    candidate = fresh.model_copy(
        update={
            "model_api_key": SecretStr(key) if key else fresh.model_api_key,
            "model_base_url": body.base_url or fresh.model_base_url,
        }
    )
    infer_model(body.model, candidate)  # ConfigError (422): unknown provider, no key...
    save_llm_file(
        services.settings.home,
        LlmFile(model=body.model.strip(), base_url=body.base_url or None, api_key=key),
    )
    return llm_status(services)


@router.post("/llm/test")
async def check_llm(store: StorePath, _caller: Owner, services: ServicesDep) -> ConnectionTest:
    """Send one short request to the model a restart would use; say how it went."""
    fresh = _fresh(services)
    spec = fresh.model or "offline"

    def attempt() -> ConnectionTest:
        try:
            model = infer_model(spec, fresh)
            answer = model.request(
                [Message(role="user", content="ping")],
                settings=ModelSettings(max_tokens=8, timeout_s=min(15.0, fresh.model_timeout_s)),
            )
        except (ShopkeeperError, OSError) as exc:
            return ConnectionTest(model=spec, ok=False, detail=str(exc))
        return ConnectionTest(model=model.name, ok=True, detail=(answer.text or "")[:200])

    return await anyio.to_thread.run_sync(attempt)


@router.get("/policy")
def get_policy(store: StorePath, _caller: Owner, services: ServicesDep) -> Policy:
    """The store's action policy (the defaults where ``policy.toml`` says nothing)."""
    return load_policy(services.settings.store_dir(store))


@router.put("/policy")
def put_policy(store: StorePath, body: Policy, _caller: Owner, services: ServicesDep) -> Policy:
    """Replace the store's ``policy.toml`` with a validated policy."""
    if body.change_price.auto_max_pct > body.change_price.max_pct:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "change_price: auto_max_pct must not exceed max_pct",
        )
    directory = services.settings.store_dir(store)
    if not directory.is_dir():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no store {store!r}")
    save_policy(directory, body)
    return load_policy(directory)


class NewTokenIn(BaseModel):
    """A token to create for this store."""

    role: Role
    label: str = Field(default="", max_length=100)


@router.get("/tokens")
def get_tokens(store: StorePath, _caller: Owner, services: ServicesDep) -> list[TokenInfo]:
    """The store's tokens, revoked ones included (never the tokens themselves)."""
    return list_tokens(services.engine, store)


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def post_token(
    store: StorePath, body: NewTokenIn, _caller: Owner, services: ServicesDep
) -> NewToken:
    """Create a token for this store: the only time it is shown."""
    if body.role == "agency":
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "an agency token spans stores: create it with `shopkeeper token create`",
        )
    return create_token(services.engine, store, body.role, label=body.label)


@router.delete("/tokens/{token_id}")
def delete_token(
    store: StorePath, token_id: str, caller: Owner, services: ServicesDep
) -> TokenInfo:
    """Revoke one of this store's tokens (every later request with it gets 401)."""
    if not any(t.token_id == token_id for t in list_tokens(services.engine, store)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no token {token_id!r} in {store!r}")
    if token_id == caller.token.token_id:
        raise HTTPException(status.HTTP_409_CONFLICT, "this is the token you are using")
    return revoke_token(services.engine, token_id)


class WidgetSecret(BaseModel):
    """Whether the store signs its buyers' ids for the chat widget."""

    configured: bool
    file: str
    how: str


@router.get("/widget")
def widget_secret(store: StorePath, _caller: Owner, services: ServicesDep) -> WidgetSecret:
    """Whether ``cs_widget_secret`` is set (never its value) and how to set it."""
    path = services.settings.store_dir(store) / SECRET_FILE
    return WidgetSecret(
        configured=customer_secret(services.settings, store) is not None,
        file=str(path),
        how=f"shopkeeper token widget-secret --store {store}",
    )
