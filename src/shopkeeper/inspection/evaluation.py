"""Score an inspection against the problems planted in a generated store.

A planted problem is *found* when a finding of the same kind names the same entity (type and id),
itself or among the entities a grouped store finding lists.
On a healthy control store every finding is a false alarm; on a store with planted problems, a
finding that matches nothing planted is counted as *unplanted* (it may be real noise the
generator made, so it is reported, not scored as an error).

>>> from shopkeeper.inspection.models import Entity, Finding
>>> import datetime
>>> f = Finding.make(kind="out_of_stock", as_of=datetime.date(2026, 1, 1), severity="high",
...     entity=Entity(type="sku", id="A"), title="t", evidence={"x": 1}, recommendation="r")
>>> s = score([f], [{"kind": "out_of_stock", "entity_type": "sku", "entity_id": "A"},
...                 {"kind": "stockout_risk", "entity_type": "sku", "entity_id": "B"}])
>>> s.kinds["out_of_stock"].found, s.kinds["stockout_risk"].found, s.recall
(1, 0, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.grouping import members
from shopkeeper.inspection.models import Finding


class KindScore(BaseModel):
    """One kind's tally."""

    planted: int = 0
    found: int = 0
    unplanted: int = 0
    missed: list[str] = Field(default_factory=list)

    @property
    def recall(self) -> float | None:
        """Found / planted (None when nothing of this kind was planted)."""
        return self.found / self.planted if self.planted else None


class Score(BaseModel):
    """Tallies per kind and overall."""

    kinds: dict[str, KindScore] = Field(default_factory=dict)

    @property
    def recall(self) -> float:
        """Found / planted over all kinds."""
        planted = sum(k.planted for k in self.kinds.values())
        return sum(k.found for k in self.kinds.values()) / planted if planted else 1.0

    @property
    def unplanted(self) -> int:
        """Findings that match nothing planted (false alarms on a healthy store)."""
        return sum(k.unplanted for k in self.kinds.values())


def _key(kind: str, entity_type: str, entity_id: str) -> tuple[str, str, str]:
    # A store is one entity, whether named by its display name (generated stores, the contract)
    # or by the name it was imported under.
    return kind, entity_type, "" if entity_type == "store" else str(entity_id)


def score(findings: Iterable[Finding], planted: Iterable[Mapping[str, Any] | Any]) -> Score:
    """Compare findings with planted problems (dicts or objects with kind/entity_type/entity_id)."""
    findings = list(findings)
    result = Score()
    wanted: set[tuple[str, str, str]] = set()
    for p in planted:
        fields = (
            p
            if isinstance(p, Mapping)
            else {k: getattr(p, k) for k in ("kind", "entity_type", "entity_id")}
        )
        key = _key(str(fields["kind"]), str(fields["entity_type"]), str(fields["entity_id"]))
        wanted.add(key)
        result.kinds.setdefault(key[0], KindScore()).planted += 1
    got = {_key(f.kind, t, i) for f in findings for t, i in members(f)}
    # the contract's other shape of a finding about many orders: a store finding listing order_ids
    got |= wanted & {
        _key(f.kind, "order", str(i))
        for f in findings
        if f.entity.type == "store"
        for i in (f.evidence.get("order_ids") or [])
    }
    for key in wanted:
        tally = result.kinds[key[0]]
        if key in got:
            tally.found += 1
        else:
            tally.missed.append(f"{key[1]}:{key[2]}")
    for key in _unplanted(findings, wanted):
        result.kinds.setdefault(key[0], KindScore()).unplanted += 1
    return result


def _unplanted(
    findings: Iterable[Finding], wanted: set[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """What matches nothing planted: each entity a finding is about, except that a store finding
    over many orders (its ``order_ids``) is one finding — its orders count for recall, not as noise.
    """
    loose: set[tuple[str, str, str]] = set()
    for f in findings:
        keys = {_key(f.kind, t, i) for t, i in members(f)}
        if f.entity.type == "store" and f.evidence.get("order_ids"):
            if not keys & wanted:
                loose.add(_key(f.kind, f.entity.type, f.entity.id))
        else:
            loose |= keys - wanted
    return loose
