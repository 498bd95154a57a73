"""Long-term memory of a store: list or search, add, forget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.ops.memory import Memory, MemoryKind, forget, memories_of, recall, remember

Rememberer = Annotated[Principal, Depends(require("memory"))]

router = APIRouter(prefix="/v1/stores/{store}/memory", tags=["memory"])


class NewMemory(BaseModel):
    """Something the team should remember about the store."""

    text: str = Field(min_length=1, description="e.g. 不做低于5折的促销")
    kind: MemoryKind = "note"


class Recalled(BaseModel):
    """A memory and how relevant it is to the query (absent when listing)."""

    memory: Memory
    score: float | None = None


@router.get("")
def list_memory(
    store: StorePath,
    _caller: Rememberer,
    services: ServicesDep,
    q: Annotated[str | None, Query(description="search by relevance (BM25)")] = None,
    kind: Annotated[MemoryKind | None, Query(description="only this kind")] = None,
    k: Annotated[int, Query(ge=1, le=100, description="at most this many search hits")] = 10,
) -> list[Recalled]:
    """The store's memories, oldest first; with ``q``, the relevant ones, best first."""
    if q:
        hits = recall(services.engine, store, q, k=k)
        return [Recalled(memory=m, score=s) for m, s in hits if kind is None or m.kind == kind]
    return [Recalled(memory=m) for m in memories_of(services.engine, store, kind)]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_memory(
    store: StorePath, body: NewMemory, caller: Rememberer, services: ServicesDep
) -> Memory:
    """Remember something (a stated pricing rule becomes a floor the action policy enforces)."""
    return remember(services.engine, store, body.text, kind=body.kind, source=caller.actor)


@router.delete("/{memory_id}")
def forget_memory(
    store: StorePath, memory_id: str, _caller: Rememberer, services: ServicesDep
) -> Memory:
    """Forget a memory; returns what was forgotten."""
    return forget(services.engine, store, memory_id)
