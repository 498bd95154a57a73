"""API tokens: one store, one role each; only a SHA-256 hash is stored.

A token reads ``sk_<id>_<secret>``: the id finds the row, the hash of the whole token is compared
in constant time (:func:`hmac.compare_digest`). The token itself is shown once, when created.

A **widget key** is the public-safe kind, role ``widget``, read ``wk_<id>_<secret>``: it sits in
the store's web pages (the chat widget) and may only post buyer messages to its store and follow
those buyers' conversations (see :mod:`shopkeeper.api.cs`); its role grants no other area.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Literal, get_args

from pydantic import BaseModel
from sqlalchemy import Engine, insert, select, update

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.opsdb import api_tokens

Role = Literal["owner", "ops", "cs", "ads", "widget"]
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


class NewToken(TokenInfo):
    """A token just created: the only time ``token`` is known."""

    token: str


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, store: str, role: str, *, label: str = "") -> NewToken:
    """Create a token for one store and role."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")
    token_id = secrets.token_hex(6)
    prefix = WIDGET_PREFIX if role == "widget" else PREFIX
    token = f"{prefix}_{token_id}_{secrets.token_urlsafe(32)}"
    info = TokenInfo(
        token_id=token_id,
        store=store,
        role=role,
        label=label,
        created_at=utcnow(),
    )
    with engine.begin() as conn:
        conn.execute(insert(api_tokens).values(**info.model_dump(), token_hash=token_hash(token)))
    return NewToken(**info.model_dump(), token=token)


def list_tokens(engine: Engine, store: str | None = None) -> list[TokenInfo]:
    """Tokens (of one store), oldest first, revoked ones included."""
    query = select(api_tokens)
    if store:
        query = query.where(api_tokens.c.store == store)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(api_tokens.c.created_at)).mappings().all()
    return [
        TokenInfo.model_validate({k: v for k, v in r.items() if k != "token_hash"}) for r in rows
    ]


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
    return TokenInfo.model_validate({k: v for k, v in row.items() if k != "token_hash"})
