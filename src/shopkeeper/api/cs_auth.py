"""Who may talk to customer service: staff tokens (roles ``cs`` and ``owner``) and widget keys.

The staff routes (queue, human replies, suggestions, stats) need a bearer token whose role grants
the ``cs`` area (:data:`shopkeeper.api.auth.GRANTS`). The buyer side — posting a message and
following that buyer's conversation — also takes a **widget key** (``wk_…``, role ``widget``),
which is public: it sits in the store's web pages. So the widget key proves only *which store*.
*Which buyer* is proven only by a signature: when the store has a secret (a file
``cs_widget_secret`` in its folder, see :func:`customer_secret`), every widget request must carry
``X-Shopkeeper-Customer-Signature: hex(HMAC-SHA256(secret, customer_id))`` and the buyer is
verified. Without a secret, a widget buyer is a **guest** (:data:`GUEST`): pre-sale answers, and
an order only after proving it in the chat (order id + the phone's last four digits). A staff
token (an integration) vouches for the ``customer_id`` it sends.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from shopkeeper.api.auth import Principal, StorePath
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.tokens import TokenInfo, verify_token
from shopkeeper.settings import Settings

SIGNATURE_HEADER = "X-Shopkeeper-Customer-Signature"
SECRET_FILE = "cs_widget_secret"
GUEST = "guest:"
"""How the engine names a widget buyer nobody vouched for (never a real buyer's id)."""
NO_SECRET_WARNING = (
    "store {store!r} has no {file}: its widget serves guests only (pre-sale answers; an order "
    "only after the buyer proves it with the order id and phone tail). To let signed-in buyers "
    "see their orders, create one: openssl rand -hex 32 > {path}"
)
"""What ``token create --role widget`` and ``serve`` say for a store without a secret."""


def no_secret_warning(settings: Settings, store: str) -> str | None:
    """The warning for a store whose widget serves guests only, or None when it has a secret."""
    if customer_secret(settings, store) is not None:
        return None
    path = settings.store_dir(store) / SECRET_FILE
    return NO_SECRET_WARNING.format(store=store, file=SECRET_FILE, path=path)


def customer_secret(settings: Settings, store: str) -> bytes | None:
    """The store's customer-signing secret (``stores/<store>/cs_widget_secret``), if configured."""
    path = settings.store_dir(store) / SECRET_FILE
    try:
        secret = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    return secret or None


def sign_customer(secret: bytes, customer_id: str) -> str:
    """The signature a store's site sends with a buyer's id.

    >>> sign_customer(b"s3cret", "buyer-1")[:16]
    'fbb82b5fd2c9094e'
    """
    return hmac.new(secret, customer_id.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CsCaller:
    """A caller of the customer-service routes: a staff token or a widget key."""

    principal: Principal

    @property
    def is_widget(self) -> bool:
        """A widget key: may only act as the buyer it names."""
        return self.principal.token.role == "widget"

    @property
    def actor(self) -> str:
        """How the conversation and audit name this caller."""
        return self.principal.actor


def _deny(code: int, detail: str) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(code, detail, headers=headers)


VERIFIED_TTL_S = 5.0
"""A live token is looked up again after this long (so a revocation takes effect within it)."""


class _Verified:
    """Live tokens verified in the last :data:`VERIFIED_TTL_S` seconds (a buyer's chat sends
    many messages: one database lookup per token and few seconds, not per message).
    """

    def __init__(self, size: int = 10_000) -> None:
        self._hits: dict[tuple[int, str], tuple[float, TokenInfo]] = {}
        self._size = size
        self._lock = threading.Lock()

    def __call__(self, engine: Engine, token: str) -> TokenInfo | None:
        key = (id(engine), hashlib.sha256(token.encode("utf-8")).hexdigest())
        now = time.monotonic()
        with self._lock:
            hit = self._hits.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        info = verify_token(engine, token)
        if info is not None:
            with self._lock:
                if len(self._hits) >= self._size:
                    self._hits.clear()
                self._hits[key] = (now + VERIFIED_TTL_S, info)
        return info


verified = _Verified()


def resolve(engine: Engine, store: str, token: str | None) -> CsCaller:
    """The caller a token (or widget key) is, for ``store``'s customer service; else 401/403."""
    if not token:
        raise _deny(401, "send Authorization: Bearer <token or widget key> (or ?key=)")
    info = verified(engine, token)
    if info is None:
        raise _deny(401, "unknown or revoked token")
    scoped = info.for_store(store)  # an agency token acts on each of its stores
    if scoped is None:
        raise _deny(403, "this token is not valid for this store")
    caller = CsCaller(Principal(scoped))
    if not caller.is_widget and "cs" not in caller.principal.grant.areas:
        raise _deny(403, f"role {info.role!r} may not use cs")
    return caller


@dataclass(frozen=True)
class BuyerId:
    """The buyer a request speaks for, as the engine knows them, and whether anyone vouched."""

    customer_id: str
    verified: bool


def check_customer(
    settings: Settings, store: str, caller: CsCaller, customer_id: str, signature: str | None
) -> BuyerId:
    """Who the buyer is: a staff token vouches for ``customer_id``; a widget buyer is verified by
    the signature when the store has a secret (a missing or wrong one: 401), else a guest.
    """
    if not caller.is_widget:
        return BuyerId(customer_id, verified=True)
    secret = customer_secret(settings, store)
    if secret is None:
        return BuyerId(GUEST + customer_id, verified=False)
    if not signature or not hmac.compare_digest(sign_customer(secret, customer_id), signature):
        raise _deny(401, f"missing or wrong {SIGNATURE_HEADER} for this customer_id")
    return BuyerId(customer_id, verified=True)


_bearer = HTTPBearer(auto_error=False, description="A cs/owner token or the store's widget key.")


def buyer_side(
    store: StorePath,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: Annotated[
        str | None, Query(description="the widget key, when a header cannot be sent")
    ] = None,
) -> CsCaller:
    """A caller of the buyer-side routes: a cs/owner token or the store's widget key."""
    token = credentials.credentials if credentials else key
    return resolve(services.engine, store, token)


BuyerSide = Annotated[CsCaller, Depends(buyer_side)]
Signature = Annotated[
    str | None,
    Header(alias=SIGNATURE_HEADER, description="hex HMAC-SHA256 of customer_id (widget keys)"),
]
