"""The resources a process works with, built once at its edge and passed in.

Each edge — a CLI command (:func:`shopkeeper.cli.common.app_context`), the API's lifespan, the MCP
server, the schedules' ticker — builds one :class:`AppContext`: the settings, the clock, the
operational database (one engine, migrated once) and the shared read-only warehouse connections.
Everything below receives it (or a :class:`StoreContext` drawn from it) and never opens those
itself.

A :class:`StoreContext` is one store seen through the application context: its name, the caller's
language and who the caller is, and — read once from the warehouse when asked — the store's
``store.toml`` (currency, time zone, language). Skills run against it (it is the registry's
``SkillContext``).

>>> from shopkeeper.settings import Settings
>>> ctx = StoreContext(Settings(), "demo", "en")
>>> ctx.store, ctx.lang, ctx.actor
('demo', 'en', 'agent')
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from shopkeeper.clock import Clock
from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings
from shopkeeper.text import pick

T = TypeVar("T")

if TYPE_CHECKING:  # the engine and the readers load SQLAlchemy and DuckDB: only when used
    from sqlalchemy import Engine

    from shopkeeper.store.config import Language, StoreConfig
    from shopkeeper.store.readers import SharedReader


class AppContext:
    """Resources of one process edge: settings, clock, operational database, warehouse readers.

    It opens nothing itself: the edge hands it the engine it built
    (:func:`~shopkeeper.opsdb.ops_engine`) — or the engine still being built
    (:func:`in_background`), which the first use of :attr:`engine` waits for; :meth:`close`
    disposes of the engine and closes the readers when the edge shuts down.
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine | Future[Engine],
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.settings = settings
        self._engine = engine
        self.clock: Callable[[], dt.datetime] = clock or Clock.from_settings(settings)
        self._readers: dict[str, SharedReader] = {}
        self._guard = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The operational database (waited for when the edge is still building it; a failure to
        build it is raised here, at first use).
        """
        if isinstance(self._engine, Future):
            self._engine = self._engine.result()
        return self._engine

    def reader(self, store: str) -> SharedReader:
        """The store's shared read-only warehouse connection (one per store and process)."""
        from shopkeeper.store.readers import SharedReader

        key = str(self.settings.store_dir(store))
        with self._guard:
            if key not in self._readers:
                self._readers[key] = SharedReader(self.settings.store_dir(store))
            return self._readers[key]

    def store(self, name: str, lang: str | None = None, *, actor: str = "agent") -> StoreContext:
        """``name`` seen through this context, for a caller writing in ``lang``."""
        return StoreContext(self.settings, name, lang, actor, app=self)

    def close(self) -> None:
        """Close the readers and dispose of the engine (the edge is shutting down)."""
        with self._guard:
            readers, self._readers = list(self._readers.values()), {}
        for reader in readers:
            reader.close()
        if isinstance(self._engine, Future) and self._engine.exception() is not None:
            return  # never built: nothing to dispose of (the failure was raised at first use)
        self.engine.dispose()


def in_background(work: Callable[[], T]) -> Future[T]:
    """``work()`` started on a daemon thread, as a future: an edge builds a slow resource (the
    operational database loads SQLAlchemy and runs its migrations) while the command does its own
    work, and the first use waits for it.
    """
    done: Future[T] = Future()

    def run() -> None:
        try:
            done.set_result(work())
        except BaseException as exc:  # handed to whoever waits, raised there  # noqa: BLE001
            done.set_exception(exc)

    threading.Thread(target=run, name="shopkeeper-edge", daemon=True).start()
    return done


@dataclass(frozen=True)
class StoreContext:
    """What work on one store runs against: the settings, the store, the language of the text it
    writes, who runs it — the authenticated caller (an API token's actor), never an argument — and
    the application context it draws its resources from.
    """

    settings: Settings
    store: str
    lang: str | None = None
    actor: str = "agent"
    app: AppContext | None = None

    def _app(self, what: str) -> AppContext:
        if self.app is None:
            raise ConfigError(
                f"{what} of store {self.store!r} is asked of a context built without one; "
                "build it at the edge with AppContext(...).store(name)"
            )
        return self.app

    @property
    def engine(self) -> Engine:
        """The operational database (the edge's, never opened here)."""
        return self._app("the operational database").engine

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """The edge's clock (without an application context: from ``settings.now`` on)."""
        return self.app.clock if self.app is not None else Clock.from_settings(self.settings)

    @property
    def reader(self) -> SharedReader:
        """The store's shared read-only warehouse connection."""
        return self._app("the warehouse reader").reader(self.store)

    @cached_property
    def config(self) -> StoreConfig:
        """The store's ``store.toml`` as last imported: read once per context, through the shared
        reader when there is an application context (:func:`~shopkeeper.store.warehouse.store_config`).
        """
        from shopkeeper.store.warehouse import store_config

        reader = self.app.reader(self.store) if self.app is not None else None
        return store_config(self.settings, self.store, reader=reader)

    @property
    def currency(self) -> str:
        """The store's currency code ("" before its first import)."""
        return self.config.currency if self.config else ""

    @property
    def timezone(self) -> str:
        """The store's IANA time zone (UTC before its first import)."""
        return self.config.timezone if self.config else "UTC"

    @property
    def language(self) -> Language:
        """The language the answer is written in: the caller's, else the store's, else Chinese."""
        if self.lang in ("zh", "en"):
            return pick(self.lang, "zh", "en")
        return self.config.language if self.config else "zh"
