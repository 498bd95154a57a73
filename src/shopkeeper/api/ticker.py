"""The service runs the schedules: a catch-up tick on start, then one every 30 s until shutdown.

A failed run is recorded by :func:`shopkeeper.ops.schedules.tick` and logged here; an error of the
tick itself (the database gone, a bug) is logged with its traceback and the next tick tries again.
Stopping waits for a tick in progress to finish.
"""

from __future__ import annotations

import logging
import threading

from shopkeeper.clock import pause
from shopkeeper.context import AppContext
from shopkeeper.jobs import job_runner
from shopkeeper.ops.schedules import RunRecord, ScheduledRunFailed, tick

logger = logging.getLogger("shopkeeper.schedules")


class Ticker:
    """Ticks the schedules on a background thread, on the edge's resources and clock."""

    def __init__(self, app: AppContext, *, every_s: float = 30.0) -> None:
        self.app, self.every_s = app, every_s
        self._run = job_runner(app)
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick_once(self) -> list[RunRecord]:
        """Run what is due now (by the store clock); failures are logged, never raised."""
        try:
            app = self.app
            records = tick(app.settings, app.engine, app.clock(), run=self._run)
        except ScheduledRunFailed as exc:
            logger.error("scheduled run failed (recorded): %s", exc)
            records = []
        except Exception:  # the thread's top-level handler: log it, tick again later
            logger.exception("schedule tick failed")
            records = []
        for r in records:
            logger.info("schedule %s (%s) slot %s: %s", r.schedule_id, r.store, r.slot, r.detail)
        self.ticks += 1
        return records

    def _loop(self) -> None:
        while not pause(self._stop, self.every_s):
            self.tick_once()

    def start(self) -> None:
        """Tick every ``every_s`` seconds on a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="shopkeeper-ticker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 120.0) -> None:
        """Stop ticking (waits for a tick in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                logger.warning("a schedule tick is still running after %.0f s", timeout_s)
