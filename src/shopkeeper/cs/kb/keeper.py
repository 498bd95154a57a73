"""The service keeps every store's knowledge base built and current.

A store whose knowledge base is missing, or older than its warehouse (an import since the last
build changed prices, stock, listings or chats), is (re)built on a background thread: on start,
then every :attr:`KbKeeper.every_s` seconds. A rebuild is incremental (only changed passages are
embedded) and the customer-service engine picks the new generation up on its next message; until
the first build ends the engine answers from the warehouse alone and offers a human for what only
documents would know. ``shopkeeper serve --no-kb-refresh`` turns this off.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from shopkeeper.clock import pause
from shopkeeper.cs.kb.build import build, kb_dir
from shopkeeper.cs.kb.embed import Embedder
from shopkeeper.cs.kb.models import BuildReport
from shopkeeper.cs.kb.storage import KbMeta, current
from shopkeeper.settings import Settings

logger = logging.getLogger("shopkeeper.kb")
WAREHOUSE_FILES = ("warehouse.duckdb", "warehouse.duckdb.wal")


def stores(settings: Settings) -> list[str]:
    """Every store under the home folder that has a warehouse."""
    root = settings.home / "stores"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "warehouse.duckdb").is_file())


def staleness(settings: Settings, store: str) -> str | None:
    """Why the store's knowledge base needs a build (``missing``, ``data changed``), or ``None``."""
    live = current(kb_dir(settings, store))
    if live is None:
        return "missing"
    meta = KbMeta.model_validate_json((live / "meta.json").read_text(encoding="utf-8"))
    return "data changed" if data_version(settings, store) > meta.built_at else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def data_version(settings: Settings, store: str) -> float:
    """When the store's warehouse last changed (file modification time)."""
    return max(_mtime(settings.store_dir(store) / name) for name in WAREHOUSE_FILES)


def refresh(
    settings: Settings,
    embedder: Embedder | None = None,
    failed: dict[str, float] | None = None,
) -> dict[str, BuildReport]:
    """Build every store's knowledge base that is missing or stale.

    A failure is logged and the other stores go on. ``failed`` (store → its warehouse version
    when its build failed) is updated; such a store is tried again only once its data changes,
    so a broken store is reported once, not every pass.
    """
    failed = {} if failed is None else failed
    done: dict[str, BuildReport] = {}
    for store in stores(settings):
        version = data_version(settings, store)
        if failed.get(store) == version:
            continue
        try:
            reason = staleness(settings, store)
            if reason is None:
                continue
            logger.info("knowledge base of %r: %s, building", store, reason)
            report = build(settings, store, embedder=embedder)
        except Exception:  # one store's bad data must not stop the others
            logger.exception(
                "knowledge base of %r: build failed (tried again when its data changes)", store
            )
            failed[store] = version
            continue
        failed.pop(store, None)
        logger.info(
            "knowledge base of %r: %d entries, %d embedded in %.1f s",
            store,
            report.entries,
            report.embedded,
            report.seconds,
        )
        done[store] = report
    return done


class KbKeeper:
    """Runs :func:`refresh` on a daemon thread: at once, then every ``every_s`` seconds."""

    def __init__(
        self, settings: Settings, *, every_s: float = 60.0, embedder: Embedder | None = None
    ) -> None:
        self.settings, self.every_s, self.embedder = settings, every_s, embedder
        self.passes = 0
        self.built: dict[str, BuildReport] = {}
        self.failed: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while True:
            self.built.update(refresh(self.settings, self.embedder, self.failed))
            self.passes += 1
            if pause(self._stop, self.every_s):
                return

    def start(self) -> None:
        """Start the background thread."""
        self._thread = threading.Thread(target=self._loop, name="shopkeeper-kb", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop after the build in progress, if any (a daemon thread: exiting never waits long)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
