"""Long-term memory of a store: list or search, add, forget — the contract of
:mod:`shopkeeper.ops.memory`, shared with the CLI and the skills.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.ops.memory import (
    Memory,
    MemoryKind,
    MemoryQuery,
    MemoryScope,
    NewMemory,
    RecalledMemory,
    find_memories,
    forget,
)
from shopkeeper.ops.memory import add_memory as remember_new

Rememberer = Annotated[Principal, Depends(require("memory"))]

router = APIRouter(prefix="/v1/stores/{store}/memory", tags=["memory"])


@router.get("")
def list_memory(
    store: StorePath,
    _caller: Rememberer,
    services: ServicesDep,
    q: Annotated[str | None, Query(description="search by relevance (BM25)")] = None,
    kind: Annotated[MemoryKind | None, Query(description="only this kind")] = None,
    scope: Annotated[
        MemoryScope | None,
        Query(description="what one employee recalls: the store-wide memories and its own"),
    ] = None,
    k: Annotated[
        int | None, Query(ge=1, le=100, description="at most this many (search: 10 by default)")
    ] = None,
) -> list[RecalledMemory]:
    """The store's memories, oldest first; with ``q``, the relevant ones, best first."""
    query = MemoryQuery(query=q or "", kind=kind, scope=scope, k=k)
    return find_memories(services.engine, store, query)


@router.post("", status_code=status.HTTP_201_CREATED)
def add_memory(
    store: StorePath, body: NewMemory, caller: Rememberer, services: ServicesDep
) -> Memory:
    """Remember something (a stated pricing rule becomes a floor the action policy enforces)."""
    return remember_new(services.engine, store, body, source=caller.actor)


@router.delete("/{memory_id}")
def forget_memory(
    store: StorePath, memory_id: str, _caller: Rememberer, services: ServicesDep
) -> Memory:
    """Forget a memory; returns what was forgotten."""
    return forget(services.engine, store, memory_id)


@router.put("/{memory_id}")
def edit_memory(
    store: StorePath, memory_id: str, body: NewMemory, caller: Rememberer, services: ServicesDep
) -> Memory:
    """Replace a memory with an edited one (a new id, said now by the caller); 404 if absent."""
    if not body.text.strip():
        remember_new(services.engine, store, body, source=caller.actor)  # raises EmptyMemory
    forget(services.engine, store, memory_id)
    return remember_new(services.engine, store, body, source=caller.actor)
