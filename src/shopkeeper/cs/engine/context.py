"""What one turn works with: the store, the buyer, the clock, and the store's resources (after-sale
tools, catalogue, knowledge base), each opened once per process and reused.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from shopkeeper.clock import utcnow
from shopkeeper.cs.aftersale.models import Buyer
from shopkeeper.cs.aftersale.policy import POLICY_FILE
from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.cs.aftersale.store import open_store_aftersale
from shopkeeper.cs.engine.catalog import Catalogue, catalogue
from shopkeeper.cs.engine.replies import Lang
from shopkeeper.cs.engine.sessions import State
from shopkeeper.cs.kb import Embedder, KbNotBuilt, KnowledgeBase
from shopkeeper.cs.kb.build import kb_dir
from shopkeeper.cs.kb.storage import current
from shopkeeper.settings import Settings
from shopkeeper.store.readers import SharedReader

_now: contextvars.ContextVar[dt.datetime] = contextvars.ContextVar("cs_engine_now")


def turn_clock() -> dt.datetime:
    """The instant of the turn being handled (the after-sale tools' clock); real time outside one."""
    return _now.get(None) or utcnow()


_tools: dict[tuple[str, str], tuple[AfterSale, int]] = {}  # with the policy file version
_kbs: dict[tuple[str, str], tuple[Path, KnowledgeBase]] = {}
_guard = threading.Lock()
_embedder: Embedder | None = None


def use_embedder(embedder: Embedder | None) -> None:
    """Search knowledge bases with ``embedder`` (the one they were built with) instead of e5;
    ``None`` restores e5. For tests and for stores built with another model.
    """
    global _embedder
    with _guard:
        _embedder = embedder
        _kbs.clear()


_readers: dict[str, SharedReader] = {}


def warehouse_reader(settings: Settings, store: str) -> SharedReader:
    """The store's shared read-only warehouse connection, for the turn's small queries."""
    key = str(settings.store_dir(store))
    with _guard:
        if key not in _readers:
            _readers[key] = SharedReader(settings.store_dir(store))
        return _readers[key]


def aftersale_tools(settings: Settings, store: str, engine: Engine) -> AfterSale:
    """The store's after-sale tools, on the turn's clock (reopened when the merchant edits the
    store's policy file, so a running service enforces — and quotes — the new rules).
    """
    key = (str(settings.home), store)
    policy = settings.store_dir(store) / POLICY_FILE
    version = policy.stat().st_mtime_ns if policy.exists() else 0
    with _guard:
        held = _tools.get(key)
        if held is None or held[1] != version:
            held = (open_store_aftersale(settings, store, engine, clock=turn_clock), version)
            _tools[key] = held
        return held[0]


def knowledge_base(settings: Settings, store: str) -> KnowledgeBase | None:
    """The store's knowledge base (reloaded after a rebuild), or ``None`` when none is built."""
    try:
        folder = kb_dir(settings, store)
    except LookupError:
        return None
    live = current(folder)
    if live is None:
        return None
    key = (str(settings.home), store)
    with _guard:
        cached = _kbs.get(key)
        if cached is not None and cached[0] == live:
            return cached[1]
        try:
            kb = KnowledgeBase.open(folder, store, _embedder)
        except KbNotBuilt:
            return None
        _kbs[key] = (live, kb)
        return kb


@dataclass
class Turn:
    """One buyer message being handled."""

    settings: Settings
    store: str
    engine: Engine
    conversation_id: str
    customer_id: str
    text: str
    now: dt.datetime
    lang: Lang
    state: State
    verified: bool = True
    """Someone vouched for ``customer_id`` (a staff token, a signed widget buyer); else a guest."""

    @property
    def buyer(self) -> Buyer:
        """Who the after-sale tools act for: the vouched-for ``customer_id``; for a guest, the
        buyer of the order they proved, else nobody verified (every order read is refused).
        """
        if self.verified:
            return Buyer(customer_id=self.customer_id, verified=True)
        if self.state.proven_customer:
            return Buyer(customer_id=self.state.proven_customer, verified=True)
        return Buyer(customer_id=self.customer_id, verified=False)

    @cached_property
    def tools(self) -> AfterSale:
        """The store's after-sale tools."""
        return aftersale_tools(self.settings, self.store, self.engine)

    @cached_property
    def catalogue(self) -> Catalogue:
        """The store's catalogue and promotions."""
        return catalogue(self.settings, self.store)

    @cached_property
    def kb(self) -> KnowledgeBase | None:
        """The store's knowledge base, if built."""
        return knowledge_base(self.settings, self.store)

    def bind_clock(self) -> contextvars.Token[dt.datetime]:
        """Make :func:`turn_clock` answer this turn's instant."""
        return _now.set(self.now)

    @staticmethod
    def unbind_clock(token: contextvars.Token[dt.datetime]) -> None:
        """Undo :meth:`bind_clock`."""
        _now.reset(token)
