"""The core meter: which cores are free, from CPU time used by everything but the asking work."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from shopkeeper.cpu import CLOCK_TICKS, CoreMeter, busy_ticks, thread_ticks

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


class Clocks:
    """Scripted machine and own-work tick counters and a scripted clock."""

    def __init__(self) -> None:
        self.now, self.machine, self.own = 100.0, 0, 0

    def advance(self, seconds: float, machine_cores: float, own_cores: float) -> None:
        self.now += seconds
        self.machine += round(machine_cores * seconds * CLOCK_TICKS)
        self.own += round(own_cores * seconds * CLOCK_TICKS)

    def meter(self, cores: int) -> CoreMeter:
        meter = CoreMeter(
            lambda: self.own, machine_ticks=lambda: self.machine, clock=lambda: self.now
        )
        meter.cores = cores
        return meter


def test_idle_machine_leaves_every_core_free() -> None:
    clocks = Clocks()
    meter = clocks.meter(cores=4)
    assert meter.others() is None  # first look: no window yet
    clocks.advance(0.8, machine_cores=0.05, own_cores=0.0)
    assert meter.others() == pytest.approx(0.05)
    assert meter.spare() == 4


def test_own_work_is_not_a_competitor() -> None:
    clocks = Clocks()
    meter = clocks.meter(cores=2)
    meter.others()
    clocks.advance(0.5, machine_cores=1.9, own_cores=1.8)  # the encoder itself used both cores
    assert meter.spare() == 2


def test_another_busy_process_takes_a_core() -> None:
    clocks = Clocks()
    meter = clocks.meter(cores=2)
    meter.others()
    clocks.advance(0.5, machine_cores=1.0, own_cores=0.0)
    assert meter.others() == pytest.approx(1.0)
    assert meter.spare() == 1
    clocks.advance(0.5, machine_cores=2.0, own_cores=0.0)  # both taken: still one for us
    assert meter.spare() == 1


def test_partly_busy_core_counts_from_the_threshold() -> None:
    clocks = Clocks()
    meter = clocks.meter(cores=2)
    meter.others()
    clocks.advance(1.0, machine_cores=0.2, own_cores=0.0)
    assert meter.spare() == 2
    clocks.advance(1.0, machine_cores=0.4, own_cores=0.0)
    assert meter.spare() == 1


def test_estimate_is_kept_within_a_window_and_dropped_when_stale() -> None:
    clocks = Clocks()
    meter = clocks.meter(cores=2)
    meter.others()
    clocks.advance(0.2, machine_cores=1.0, own_cores=0.0)
    assert meter.others() == pytest.approx(1.0)
    clocks.advance(0.05, machine_cores=0.0, own_cores=0.0)  # inside the window: same answer
    assert meter.others() == pytest.approx(1.0)
    clocks.advance(30.0, machine_cores=0.0, own_cores=0.0)  # a long gap says nothing of now
    assert meter.others() is None


@linux
def test_real_counters_see_cpu_time() -> None:
    tid = str(threading.get_native_id())
    before_thread, before_machine = thread_ticks([tid]), busy_ticks()
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert thread_ticks([tid]) - before_thread >= 0.2 * CLOCK_TICKS
    assert busy_ticks() - before_machine >= 0.2 * CLOCK_TICKS
    assert thread_ticks(["999999999"]) == 0  # an ended thread counts nothing


@linux
def test_real_meter_estimates_once_a_window_has_passed() -> None:
    meter = CoreMeter(lambda: 0, window=0.05)
    assert meter.others() is None  # no window yet: spare() falls back to the runnable count
    time.sleep(0.1)
    others = meter.others()
    assert others is not None
    assert 0.0 <= others <= (os.cpu_count() or 1) + 0.5  # a share of the machine's cores
