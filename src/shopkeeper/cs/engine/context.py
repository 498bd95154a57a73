"""What one turn works with: the buyer, the turn's instant, and one store's resources
(:class:`StoreResources`: after-sale tools, catalogue, knowledge base, warehouse reader), which the
:class:`~shopkeeper.cs.engine.engine.CsEngine` holds per store and reloads when their files change.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from shopkeeper.cs.aftersale.models import Buyer
from shopkeeper.cs.aftersale.policy import POLICY_FILE
from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.cs.aftersale.store import open_store_aftersale
from shopkeeper.cs.engine.catalog import Catalogue, load_catalogue, warehouse_version
from shopkeeper.cs.engine.intents import IntentClassifier
from shopkeeper.cs.engine.sessions import Sessions, State
from shopkeeper.cs.kb import Embedder, KbNotBuilt, KnowledgeBase
from shopkeeper.cs.kb.build import kb_dir
from shopkeeper.cs.kb.storage import current
from shopkeeper.settings import Settings
from shopkeeper.store.readers import SharedReader
from shopkeeper.text import Lang


class StoreResources:
    """One store's resources for the conversation engine, each opened on first use and reopened
    when its source changes: the after-sale tools (the policy file), the catalogue (the warehouse
    file), the knowledge base (a rebuild); one shared read-only warehouse connection.
    """

    def __init__(
        self, settings: Settings, store: str, ops: Engine, embedder: Embedder | None = None
    ) -> None:
        self.settings, self.store, self.ops, self.embedder = settings, store, ops, embedder
        self.directory = settings.store_dir(store)
        self.reader = SharedReader(self.directory)
        self._lock = threading.Lock()
        self._tools: tuple[int, AfterSale] | None = None
        self._catalogue: tuple[float, Catalogue] | None = None
        self._kb: tuple[Path, KnowledgeBase] | None = None

    def tools(self) -> AfterSale:
        """The store's after-sale tools (reopened when the merchant edits the store's policy
        file, so a running service enforces — and quotes — the new rules).
        """
        policy = self.directory / POLICY_FILE
        version = policy.stat().st_mtime_ns if policy.exists() else 0
        with self._lock:
            if self._tools is None or self._tools[0] != version:
                self._tools = (version, open_store_aftersale(self.settings, self.store, self.ops))
            return self._tools[1]

    def catalogue(self) -> Catalogue:
        """The store's catalogue and promotions, reloaded when its warehouse file changes."""
        version = warehouse_version(self.directory)
        with self._lock:
            if self._catalogue is None or self._catalogue[0] != version:
                self._catalogue = (version, load_catalogue(self.directory, self.store))
            return self._catalogue[1]

    def kb(self) -> KnowledgeBase | None:
        """The store's knowledge base (reloaded after a rebuild), or ``None`` when none is built."""
        try:
            folder = kb_dir(self.settings, self.store)
        except LookupError:
            return None
        live = current(folder)
        if live is None:
            return None
        with self._lock:
            if self._kb is None or self._kb[0] != live:
                try:
                    self._kb = (live, KnowledgeBase.open(folder, self.store, self.embedder))
                except KbNotBuilt:
                    return None
            return self._kb[1]


@dataclass
class Turn:
    """One buyer message being handled."""

    shop: StoreResources
    sessions: Sessions
    intents: IntentClassifier
    conversation_id: str
    customer_id: str
    text: str
    now: dt.datetime
    lang: Lang
    state: State
    verified: bool = True
    """Someone vouched for ``customer_id`` (a staff token, a signed widget buyer); else a guest."""

    @property
    def store(self) -> str:
        """The store's name."""
        return self.shop.store

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
        """The store's after-sale tools, on the turn's instant."""
        return self.shop.tools().at(self.now)

    @cached_property
    def catalogue(self) -> Catalogue:
        """The store's catalogue and promotions."""
        return self.shop.catalogue()

    @cached_property
    def kb(self) -> KnowledgeBase | None:
        """The store's knowledge base, if built."""
        return self.shop.kb()
