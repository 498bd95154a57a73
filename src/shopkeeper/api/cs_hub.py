"""Pushes to the open WebSockets of a conversation (a human's reply, a state change).

One :class:`Hub` per app, in memory: a reply published from a plain ``def`` endpoint (a worker
thread) is handed to each subscriber's event loop with ``call_soon_threadsafe``. Pushes reach the
sockets of the same server process; run one worker per store when agents reply over the console,
or let the widget poll ``GET …/cs/conversations/{id}`` (it does when the socket is down).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from starlette.requests import HTTPConnection

Frame = dict[str, Any]
_Key = tuple[str, str]


class Hub:
    """Subscribers per (store, conversation id); publishing is thread-safe."""

    def __init__(self) -> None:
        self._subs: dict[_Key, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Frame]]]] = {}
        self._lock = threading.Lock()

    def subscribe(self, store: str, conversation_id: str) -> asyncio.Queue[Frame]:
        """A queue of the frames pushed to this conversation (call from the socket's loop)."""
        queue: asyncio.Queue[Frame] = asyncio.Queue()
        with self._lock:
            self._subs.setdefault((store, conversation_id), set()).add(
                (asyncio.get_running_loop(), queue)
            )
        return queue

    def unsubscribe(self, store: str, conversation_id: str, queue: asyncio.Queue[Frame]) -> None:
        """Stop pushing to ``queue``."""
        with self._lock:
            subs = self._subs.get((store, conversation_id), set())
            for sub in [s for s in subs if s[1] is queue]:
                subs.discard(sub)
            if not subs:
                self._subs.pop((store, conversation_id), None)

    def publish(self, store: str, conversation_id: str, frame: Frame) -> int:
        """Push ``frame`` to every subscriber of the conversation; returns how many."""
        with self._lock:
            subs = list(self._subs.get((store, conversation_id), ()))
        for loop, queue in subs:
            loop.call_soon_threadsafe(queue.put_nowait, frame)
        return len(subs)


_making = threading.Lock()


def get_hub(conn: HTTPConnection) -> Hub:
    """The app's hub (made on first use)."""
    with _making:
        hub: Hub | None = getattr(conn.app.state, "cs_hub", None)
        if hub is None:
            hub = conn.app.state.cs_hub = Hub()
    return hub
