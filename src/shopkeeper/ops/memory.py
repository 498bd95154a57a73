"""Long-term memory per store: what the merchant told the team, visible and editable.

Memories are rules ("不做低于5折的促销"), preferences, decisions and their outcomes, and notes. They
live in the operational database, are retrieved into an agent's context by relevance (BM25 over
jieba tokens, which handles Chinese and English alike), and change behaviour: a stated pricing
rule becomes a floor that the action policy enforces (:func:`price_floors`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import warnings
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Engine, delete, insert, select

from shopkeeper.clock import utcnow
from shopkeeper.errors import ShopkeeperError
from shopkeeper.opsdb import memories

MemoryKind = Literal["rule", "preference", "decision", "note"]


class MemoryNotFound(ShopkeeperError, LookupError):
    """No memory with that id in this store."""


class Memory(BaseModel):
    """One thing the team remembers about a store."""

    memory_id: str
    store: str
    kind: MemoryKind
    text: str
    source: str
    created_at: dt.datetime
    scope: str = "store"
    """``store`` (every employee sees it) or one employee's name (only that employee)."""


def remember(
    engine: Engine,
    store: str,
    text: str,
    *,
    kind: MemoryKind = "note",
    source: str = "user",
    scope: str = "store",
) -> Memory:
    """Add a memory (``scope``: the whole store, or one employee's name)."""
    memory = Memory(
        memory_id=uuid.uuid4().hex[:10],
        store=store,
        kind=kind,
        text=text.strip(),
        source=source,
        created_at=utcnow(),
        scope=scope,
    )
    with engine.begin() as conn:
        conn.execute(insert(memories).values(**memory.model_dump()))
    return memory


def forget(engine: Engine, store: str, memory_id: str) -> Memory:
    """Remove a memory of this store."""
    found = [m for m in memories_of(engine, store) if m.memory_id == memory_id]
    if not found:
        raise MemoryNotFound(
            f"no memory {memory_id!r} in store {store!r}; see `shopkeeper memory list --store {store}`"
        )
    with engine.begin() as conn:
        conn.execute(
            delete(memories).where(memories.c.store == store, memories.c.memory_id == memory_id)
        )
    return found[0]


def memories_of(engine: Engine, store: str, kind: MemoryKind | None = None) -> list[Memory]:
    """A store's memories, oldest first."""
    query = select(memories).where(memories.c.store == store)
    if kind:
        query = query.where(memories.c.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(memories.c.created_at)).mappings().all()
    return [Memory.model_validate(dict(r)) for r in rows]


def _tokens(text: str) -> list[str]:
    with (
        warnings.catch_warnings()
    ):  # jieba imports pkg_resources, which newer setuptools deprecates
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(60)
    return [
        t for t in jieba.lcut_for_search(text.lower()) if t.strip() and not re.fullmatch(r"\W+", t)
    ]


def recall(
    engine: Engine, store: str, query: str, *, k: int = 5, scope: str | None = None
) -> list[tuple[Memory, float]]:
    """The memories relevant to ``query`` (BM25 score above 0), best first, at most ``k``.

    With ``scope`` (an employee's name), only the store-wide memories and that employee's own.
    """
    found = [m for m in memories_of(engine, store) if scope is None or m.scope in ("store", scope)]
    if not found:
        return []
    import bm25s

    index = bm25s.BM25()
    index.index([_tokens(m.text) or ["_"] for m in found], show_progress=False)
    ids, scores = index.retrieve([_tokens(query) or ["_"]], k=len(found), show_progress=False)
    ranked = [
        (found[int(i)], float(score))
        for i, score in zip(ids[0], scores[0], strict=True)
        if score > 0
    ]
    return ranked[:k]


class PriceFloor(BaseModel):
    """A stated rule that a price may not go below ``min_ratio`` × the normal price."""

    min_ratio: float
    memory_id: str
    text: str


_ZH_FLOOR = re.compile(
    r"(?:低于|不低于|不能低于|不得低于|最低|最多打)\s*(\d+(?:\.\d+)?)\s*折|(\d+(?:\.\d+)?)\s*折以下"
)
_EN_BELOW = re.compile(r"(?:below|under|less than)\s*(\d+(?:\.\d+)?)\s*%\s*of", re.I)
_EN_OFF = re.compile(
    r"(?:more than|deeper than|over|beyond|exceed(?:ing)?)\s*(\d+(?:\.\d+)?)\s*%\s*(?:off|discount)",
    re.I,
)


def price_floors(items: list[Memory]) -> list[PriceFloor]:
    """Pricing floors stated in rule memories.

    >>> m = Memory(memory_id="a", store="s", kind="rule", text="不做低于5折的促销", source="u",
    ...            created_at=dt.datetime(2026, 1, 1))
    >>> price_floors([m])[0].min_ratio
    0.5
    >>> e = m.model_copy(update={"text": "Never discount more than 30% off"})
    >>> price_floors([e])[0].min_ratio
    0.7
    """
    floors = []
    for m in items:
        if m.kind != "rule":
            continue
        if hit := _ZH_FLOOR.search(m.text):
            value = float(hit.group(1) or hit.group(2))
            floors.append(
                PriceFloor(
                    min_ratio=value / 10 if value > 1 else value, memory_id=m.memory_id, text=m.text
                )
            )
        elif hit := _EN_BELOW.search(m.text):
            floors.append(
                PriceFloor(min_ratio=float(hit.group(1)) / 100, memory_id=m.memory_id, text=m.text)
            )
        elif hit := _EN_OFF.search(m.text):
            floors.append(
                PriceFloor(
                    min_ratio=1 - float(hit.group(1)) / 100, memory_id=m.memory_id, text=m.text
                )
            )
    return floors
