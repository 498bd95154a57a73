"""Connectors apply approved actions to a platform.

The interface a platform adapter implements is :class:`Connector`: ``execute(store, action_id,
action, params) -> dict`` applies one action and reports what it did; it must be idempotent by
``action_id`` (the same id twice applies once). The built-in connector appends every action to
``stores/<name>/outbox.jsonl``, which a platform integration consumes. (Mirroring executed
actions into the store's own operational state is part of issue #4 still to be built.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol


class Connector(Protocol):
    """What applies an action to a platform (see the module docstring)."""

    name: str

    def execute(
        self, store: str, action_id: str, action: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply one action; idempotent by ``action_id``."""
        ...


class OutboxConnector:
    """The built-in connector: a JSON-lines outbox per store, one line per action id."""

    name = "outbox"

    def __init__(self, stores_dir: Path) -> None:
        self.stores_dir = stores_dir

    def outbox(self, store: str) -> Path:
        """The store's outbox file."""
        return self.stores_dir / store / "outbox.jsonl"

    def execute(
        self, store: str, action_id: str, action: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Append the action to the outbox unless that id is already there."""
        path = self.outbox(store)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if json.loads(line).get("action_id") == action_id:
                    return {"outbox": str(path), "already_applied": True}
        with path.open("a", encoding="utf-8") as fh:
            fh.write(
                json.dumps(
                    {"action_id": action_id, "action": action, "params": params}, ensure_ascii=False
                )
                + "\n"
            )
        return {"outbox": str(path), "already_applied": False}
