"""How many cores are free for a piece of work: the CPU time everything else used, recently.

A compute kernel that splits across cores (an OpenMP team) only helps while the other cores are
idle; when another process or thread holds one, the team waits for it at every barrier and runs
slower than on one core. :class:`CoreMeter` says how many cores are idle now, from the CPU time
the machine spent (``/proc/stat``) less what the kernel's own threads spent (given by the caller),
over the last :attr:`CoreMeter.window` seconds.

Two cheaper signals were measured and rejected: the 1-minute load average lags a finished job by
minutes, and the kernel's instantaneous count of runnable threads (``/proc/loadavg``) read "one
other thread runnable" in a third of the reads on an idle 2-core machine — threads that run for
microseconds (a pool thread handing over a result, a kernel worker) are counted as competitors.
It still serves where no window is known yet (the first call, or after a long idle gap).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def busy_ticks() -> int:
    """Clock ticks all cores spent working since boot (``/proc/stat``: all but idle and iowait)."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = [int(x) for x in fh.readline().split()[1:9]]
    return sum(fields) - fields[3] - fields[4]


def thread_ticks(tids: Iterable[str]) -> int:
    """Clock ticks (user + system) the given threads of this process have used."""
    total = 0
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # the thread has ended
        after = stat[stat.rindex(b")") + 2 :].split()
        total += int(after[11]) + int(after[12])  # utime, stime: fields 14 and 15
    return total


def runnable_others() -> int:
    """Threads other than the caller that are runnable at this instant (``/proc/loadavg``)."""
    with open("/proc/loadavg", encoding="ascii") as fh:
        return int(fh.read().split()[3].split("/")[0]) - 1


class CoreMeter:
    """Cores not used by anything but ``own_ticks()`` — the work that asks — over a recent window.

    ``window``: the shortest span an estimate covers (the ``/proc`` clocks tick 100 times a
    second, so shorter spans are mostly rounding). ``stale``: a span longer than this averages
    over old idleness and says nothing of now; the instantaneous count answers instead and a new
    window starts. A core counts as taken from ``busy`` of it on average.
    """

    def __init__(
        self,
        own_ticks: Callable[[], int],
        window: float = 0.1,
        stale: float = 1.0,
        busy: float = 0.3,
        *,
        machine_ticks: Callable[[], int] = busy_ticks,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.own_ticks, self.machine_ticks, self.clock = own_ticks, machine_ticks, clock
        self.window, self.stale, self.busy = window, stale, busy
        self.cores = os.cpu_count() or 1
        self._lock = threading.Lock()
        self._mark: tuple[float, int, int] | None = None
        self._others: float | None = None  # cores used by others over the last full window

    def others(self) -> float | None:
        """Cores other work used over the last window; ``None`` while no window is known."""
        now = self.clock()
        with self._lock:
            mark = self._mark
            if mark is not None and now - mark[0] < self.window:
                return self._others
            busy, own = self.machine_ticks(), self.own_ticks()
            self._mark = (now, busy, own)
            if mark is None or now - mark[0] > self.stale:
                self._others = None
            else:
                used = (busy - mark[1]) - (own - mark[2])
                self._others = max(used / CLOCK_TICKS / (now - mark[0]), 0.0)
            return self._others

    def spare(self) -> int:
        """Cores free for the asking work now (at least one)."""
        try:
            others = self.others()
            taken = runnable_others() if others is None else math.floor(others + 1 - self.busy)
        except (OSError, ValueError, IndexError):  # no /proc: macOS, Windows
            taken = round(os.getloadavg()[0]) if hasattr(os, "getloadavg") else self.cores - 1
        return min(max(self.cores - taken, 1), self.cores)
