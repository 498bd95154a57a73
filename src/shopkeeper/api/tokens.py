"""API tokens: one store, one role each; only a SHA-256 hash is stored.

A token reads ``sk_<id>_<secret>``: the id finds the row, the hash of the whole token is compared
in constant time (:func:`hmac.compare_digest`). The token itself is shown once, when created.

A **widget key** is the public-safe kind, role ``widget``, read ``wk_<id>_<secret>``: it sits in
the store's web pages (the chat widget) and may only post buyer messages to its store and follow
those buyers' conversations (see :mod:`shopkeeper.api.cs`); its role grants no other area.

An **agency** token is bound to a list of stores (``stores``; kept in ``token_stores``): it acts
on each of them as :meth:`TokenInfo.for_store` says, seen as a token of that one store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Engine, insert, select, update

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.opsdb import api_tokens, token_stores

Role = Literal["owner", "ops", "cs", "ads", "widget", "agency"]
ROLES: tuple[str, ...] = get_args(Role)
PREFIX = "sk"
WIDGET_PREFIX = "wk"


class TokenNotFound(ShopkeeperError, LookupError):
    """No token with that id."""


class TokenInfo(BaseModel):
    """A token as listed: never the token itself."""

    token_id: str
    store: str
    role: Role
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    stores: list[str] = Field(default_factory=list, description="every store it acts on")

    @model_validator(mode="after")
    def _own_store(self) -> TokenInfo:
        if not self.stores:
            self.stores = [self.store]
        return self

    def for_store(self, store: str) -> TokenInfo | None:
        """The token as seen on ``store`` (``store`` set to it), or None if not bound to it."""
        if store not in self.stores:
            return None
        return self if store == self.store else self.model_copy(update={"store": store})


class NewToken(TokenInfo):
    """A token just created: the only time ``token`` is known."""

    token: str


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine, store: str, role: str, *, label: str = "", stores: Sequence[str] = ()
) -> NewToken:
    """Create a token for one store and role (an ``agency`` token: for ``store`` and ``stores``)."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")
    bound = list(dict.fromkeys([store, *stores]))
    if len(bound) > 1 and role != "agency":
        raise ConfigError(f"only an agency token is bound to several stores, not role {role!r}")
    token_id = secrets.token_hex(6)
    prefix = WIDGET_PREFIX if role == "widget" else PREFIX
    token = f"{prefix}_{token_id}_{secrets.token_urlsafe(32)}"
    info = TokenInfo(
        token_id=token_id,
        store=store,
        role=role,
        label=label,
        created_at=utcnow(),
        stores=bound,
    )
    with engine.begin() as conn:
        row = info.model_dump(exclude={"stores"})
        conn.execute(insert(api_tokens).values(**row, token_hash=token_hash(token)))
        if role == "agency":
            conn.execute(insert(token_stores), [{"token_id": token_id, "store": s} for s in bound])
    return NewToken(**info.model_dump(), token=token)


def token_infos(engine: Engine, rows: Sequence[Any]) -> list[TokenInfo]:
    """Token rows as :class:`TokenInfo`, agency tokens with their stores."""
    agency = [r["token_id"] for r in rows if r["role"] == "agency"]
    bound: dict[str, list[str]] = {}
    if agency:
        with engine.connect() as conn:
            for token_id, store in conn.execute(
                select(token_stores.c.token_id, token_stores.c.store)
                .where(token_stores.c.token_id.in_(agency))
                .order_by(token_stores.c.store)
            ):
                bound.setdefault(token_id, []).append(store)
    return [
        TokenInfo.model_validate(
            {k: v for k, v in r.items() if k != "token_hash"}
            | {"stores": bound.get(r["token_id"], [])}
        )
        for r in rows
    ]


def list_tokens(engine: Engine, store: str | None = None) -> list[TokenInfo]:
    """Tokens (of one store), oldest first, revoked ones included."""
    query = select(api_tokens)
    if store:
        query = query.where(api_tokens.c.store == store)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(api_tokens.c.created_at)).mappings().all()
    return token_infos(engine, rows)


def bind_store(engine: Engine, token: TokenInfo, store: str) -> None:
    """Bind an agency token to one more store (one it imported from the web app)."""
    if token.role != "agency":
        raise ConfigError(f"only an agency token is bound to several stores, not {token.role!r}")
    with engine.begin() as conn:
        bound = conn.execute(
            select(token_stores.c.store).where(
                token_stores.c.token_id == token.token_id, token_stores.c.store == store
            )
        ).first()
        if bound is None:
            conn.execute(insert(token_stores).values(token_id=token.token_id, store=store))


def revoke_token(engine: Engine, token_id: str) -> TokenInfo:
    """Revoke a token: every later request with it gets 401."""
    with engine.begin() as conn:
        done = conn.execute(
            update(api_tokens)
            .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
    found = [t for t in list_tokens(engine) if t.token_id == token_id]
    if not found:
        raise TokenNotFound(f"no token {token_id!r}; see `shopkeeper token list`")
    if not done:
        raise TokenNotFound(f"token {token_id!r} was already revoked")
    return found[0]


_DUMMY = token_hash("sk_000000000000_not-a-token")


def verify_token(engine: Engine, token: str) -> TokenInfo | None:
    """The live token ``token`` is, or None (unknown, malformed, wrong secret or revoked)."""
    prefix, _, rest = token.partition("_")
    token_id = rest.partition("_")[0] if prefix in (PREFIX, WIDGET_PREFIX) else ""
    with engine.connect() as conn:
        row = (
            conn.execute(select(api_tokens).where(api_tokens.c.token_id == token_id))
            .mappings()
            .first()
        )
    stored = row["token_hash"] if row else _DUMMY
    if not hmac.compare_digest(token_hash(token), stored) or row is None or row["revoked_at"]:
        return None
    if (row["role"] == "widget") != (prefix == WIDGET_PREFIX):
        return None
    return token_infos(engine, [row])[0]
