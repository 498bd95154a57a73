"""Long-term memory per store: what the merchant told the team, visible and editable.

Memories are rules ("不做低于5折的促销"), preferences, decisions and their outcomes, and notes. They
live in the operational database, are retrieved into an agent's context by relevance (BM25 over
jieba tokens, which handles Chinese and English alike), and change behaviour: a stated pricing
rule becomes a limit that the action policy enforces (:mod:`shopkeeper.ops.rules`).

The API, the CLI and the skills share one contract: :class:`NewMemory` to add one,
:class:`MemoryQuery` to list or search, :class:`Memory` and :class:`RecalledMemory` as results,
through :func:`add_memory` and :func:`find_memories`. A memory's ``scope`` is the whole store
(``"store"``, every employee sees it) or one employee's name (only that employee recalls it).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import warnings
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import Engine, delete, insert, select

from shopkeeper.clock import aware, utcnow
from shopkeeper.errors import ShopkeeperError
from shopkeeper.opsdb import memories

MemoryKind = Literal["rule", "preference", "decision", "note"]
EmployeeName = Literal["analyst", "ads", "audience", "designer", "cs", "orders"]
"""The employees of the team (:mod:`shopkeeper.agents.team`), named here, below the agents,
because a memory can belong to one of them."""
MemoryScope = Literal["store", EmployeeName]
"""Who recalls a memory: the whole store (every employee) or one employee."""


class MemoryNotFound(ShopkeeperError, LookupError):
    """No memory with that id in this store."""


class EmptyMemory(ShopkeeperError, ValueError):
    """There is nothing to remember: the text is empty."""


class Memory(BaseModel):
    """One thing the team remembers about a store."""

    memory_id: str
    store: str
    kind: MemoryKind
    text: str
    source: str
    created_at: Annotated[dt.datetime, AfterValidator(aware)]
    """When it was said, in UTC (the operational database may hand it back naive)."""
    scope: MemoryScope = "store"
    """``store`` (every employee sees it) or one employee's name (only that employee)."""


class RecalledMemory(Memory):
    """A memory and how relevant it is to the query (``score`` is None when listing)."""

    score: float | None = Field(
        default=None, description="BM25 relevance to the query (None when listing)"
    )


SCOPE_HELP = "store (the whole team) or one employee: " + ", ".join(get_args(EmployeeName))


class NewMemory(BaseModel):
    """Something the team should remember about the store."""

    text: str = Field(
        default="",
        description="the rule, preference, decision or note, as said (e.g. 不做低于5折的促销)",
    )
    kind: MemoryKind = Field(
        default="note", description="rule (enforced where it can be), preference, decision or note"
    )
    scope: MemoryScope = Field(default="store", description=SCOPE_HELP)


class MemoryQuery(BaseModel):
    """Which memories: all of them, or those relevant to ``query``."""

    query: str = Field(default="", description="words to match (empty: list the memories)")
    kind: MemoryKind | None = Field(default=None, description="only this kind")
    scope: MemoryScope | None = Field(
        default=None,
        description="what one employee recalls: the store-wide memories and its own (empty: all)",
    )
    k: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="at most this many: the best matches (10 when not given), or the latest when listing",
    )


SEARCH_HITS = 10
"""How many matches a search returns when :attr:`MemoryQuery.k` is not given."""
_ALL = 1_000_000


def remember(
    engine: Engine,
    store: str,
    text: str,
    *,
    kind: MemoryKind = "note",
    source: str = "user",
    scope: MemoryScope = "store",
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


def add_memory(engine: Engine, store: str, new: NewMemory, *, source: str) -> Memory:
    """Remember ``new`` for ``store``, said by ``source``; :class:`EmptyMemory` when it has no text."""
    if not new.text.strip():
        raise EmptyMemory("nothing to remember: the text is empty")
    return remember(engine, store, new.text, kind=new.kind, source=source, scope=new.scope)


def find_memories(engine: Engine, store: str, query: MemoryQuery) -> list[RecalledMemory]:
    """The memories ``query`` asks for: with words, the relevant ones best first (at most ``k``,
    :data:`SEARCH_HITS` by default); without, oldest first (the latest ``k`` when given).
    """
    if query.query.strip():
        hits = recall(engine, store, query.query, k=_ALL, scope=query.scope)
        found = [
            RecalledMemory(**m.model_dump(), score=round(s, 4))
            for m, s in hits
            if query.kind is None or m.kind == query.kind
        ]
        return found[: query.k or SEARCH_HITS]
    listed = [
        RecalledMemory(**m.model_dump())
        for m in memories_of(engine, store, query.kind)
        if _seen_by(m, query.scope)
    ]
    return listed[-query.k :] if query.k else listed


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


def _seen_by(memory: Memory, scope: MemoryScope | None) -> bool:
    """Whether an employee (``scope``; None: everyone) recalls the memory: store-wide or its own."""
    return scope is None or memory.scope in ("store", scope)


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
    engine: Engine, store: str, query: str, *, k: int = 5, scope: MemoryScope | None = None
) -> list[tuple[Memory, float]]:
    """The memories relevant to ``query`` (BM25 score above 0), best first, at most ``k``.

    With ``scope`` (an employee's name), only the store-wide memories and that employee's own.
    """
    found = [m for m in memories_of(engine, store) if _seen_by(m, scope)]
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
