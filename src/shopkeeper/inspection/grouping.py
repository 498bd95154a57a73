"""No floods: many findings of one kind and one cause become one store finding that lists them.

When a kind yields more than its limit (``FLOOD_LIMITS``, else ``FLOOD_LIMIT``) of findings with
the same cause (the first of ``CAUSE_KEYS`` in their evidence: ``cause``, a complaint's
``top_topic``, a delay's ``issue``; else the kind), they are replaced by one
``store`` finding with the stable id ``kind:store:<store>:<day>`` (``kind.cause:store:…`` for a
named cause): its severity is the highest of theirs, its impact their sum, and its evidence lists
every entity ranked by money (``entities``: type, id, name, severity, impact) with how many share
each issue when the rule names issues (``by_issue``). Its recommendation is the first one's,
prefixed by which entities to start with. When the rule already reports a store finding of that
kind (a store-wide alarm), the group's id names the entity type instead:
``kind.product:store:<store>:<day>``.

>>> import datetime
>>> from shopkeeper.inspection.models import Entity
>>> fs = [Finding.make(kind="listing_quality", as_of=datetime.date(2026, 1, 1), severity="low",
...       entity=Entity(type="product", id=str(i)), title="t", evidence={"images": 1},
...       recommendation="Add images", impact=Impact(metric="gmv", value=float(i)))
...       for i in range(12)]
>>> [g] = group_floods(fs, store="s", store_name=None, as_of=datetime.date(2026, 1, 1), lang="en")
>>> g.id, g.evidence["count"], g.evidence["entities"][0]["id"], g.money
('listing_quality:store:s:2026-01-01', 12, '11', 66.0)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from shopkeeper.inspection.models import SEVERITY_ORDER, Entity, Finding, Impact
from shopkeeper.text import Lang, pick

FLOOD_LIMIT = 10
"""More findings than this of one kind and cause are one store finding."""
UNLIMITED = 1_000_000
FLOOD_LIMITS: dict[str, int] = {
    "data_gap": UNLIMITED,
    "shipping_delay": UNLIMITED,  # capped by its rule (``max_orders`` + one store finding)
    "outlier_order": UNLIMITED,  # capped by its rule (``max_orders``)
}
"""Per-kind limits where the default does not fit."""
NAMES_SHOWN = 3

ENTITY_WORDS: dict[str, tuple[str, str]] = {
    "product": ("个商品", "listings"),
    "sku": ("个 SKU", "SKUs"),
    "order": ("笔订单", "orders"),
    "campaign": ("个推广计划", "campaigns"),
    "keyword": ("个搜索词", "search terms"),
    "audience": ("个人群", "audiences"),
    "warehouse": ("个仓库", "warehouses"),
    "store": ("项", "items"),
}


CAUSE_KEYS = ("cause", "top_topic", "issue")
"""Evidence fields that name a finding's cause (the first one present, as text)."""


def _cause(f: Finding) -> str:
    for key in CAUSE_KEYS:
        cause = f.evidence.get(key)
        if isinstance(cause, str) and cause:
            return cause
    return ""


def _member(f: Finding) -> dict[str, Any]:
    return {
        "type": f.entity.type,
        "id": f.entity.id,
        "name": f.entity.name,
        "severity": f.severity,
        "impact": round(f.money, 2),
        "title": f.title,
    }


def _merge(
    items: list[Finding], cause: str, store: str, store_name: str | None, as_of: dt.date, lang: Lang
) -> Finding:
    items = sorted(items, key=lambda f: (-f.money, SEVERITY_ORDER[f.severity], f.id))
    head = items[0]
    kind = head.kind
    n = len(items)
    zh_word, en_word = ENTITY_WORDS.get(head.entity.type, ENTITY_WORDS["store"])
    issues = Counter(
        k for f in items if isinstance(f.evidence.get("issues"), dict) for k in f.evidence["issues"]
    )
    names = [f.entity.name or f.entity.id for f in items[:NAMES_SHOWN]]
    evidence: dict[str, Any] = {
        "count": n,
        "cause": cause or kind,
        "entities": [_member(f) for f in items],
    }
    if issues:
        evidence["by_issue"] = dict(issues.most_common())
    money = sum(f.money for f in items)
    impact = Impact(metric=head.impact.metric, value=round(money, 2)) if head.impact else None
    severity = min((f.severity for f in items), key=SEVERITY_ORDER.__getitem__)
    entity = Entity(type="store", id=store, name=store_name)
    finding = Finding.make(
        kind=kind,
        as_of=as_of,
        severity=severity,
        entity=entity,
        title=pick(lang, f"{n} {zh_word}：{head.title}", f"{n} {en_word}: {head.title}"),
        evidence=evidence,
        impact=impact,
        recommendation=pick(
            lang,
            f"先处理影响最大的：{'、'.join(names)}（完整名单见明细）。{head.recommendation}",
            f"Start with the ones with most at stake: {', '.join(names)} (all {n} listed in "
            f"the evidence). {head.recommendation}",
        ),
    )
    if cause:
        finding.id = f"{kind}.{cause}:store:{store}:{as_of.isoformat()}"
    return finding


def group_floods(
    findings: list[Finding], *, store: str, store_name: str | None, as_of: dt.date, lang: Lang
) -> list[Finding]:
    """Replace each flood of one kind and cause by one store finding (see the module docstring)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.entity.type != "store":
            groups.setdefault((f.kind, _cause(f)), []).append(f)
    out: list[Finding] = []
    merged: set[tuple[str, str]] = set()
    for f in findings:
        key = (f.kind, _cause(f))
        items = groups.get(key, [])
        if f.entity.type == "store" or len(items) <= FLOOD_LIMITS.get(f.kind, FLOOD_LIMIT):
            out.append(f)
        elif key not in merged:
            merged.add(key)
            group = _merge(items, key[1], store, store_name, as_of, lang)
            if any(g.id == group.id for g in findings):  # the rule has its own store finding
                group.id = f"{f.kind}.{f.entity.type}:store:{store}:{as_of.isoformat()}"
            out.append(group)
    return out


def members(f: Finding) -> list[tuple[str, str]]:
    """The entities a finding is about: its own, or each one a store finding lists (a group's
    ``entities``, an aggregate's ``order_ids``).
    """
    if f.entity.type != "store":
        return [(f.entity.type, f.entity.id)]
    listed = f.evidence.get("entities")
    if isinstance(listed, list) and listed and isinstance(listed[0], dict):
        return [(str(m.get("type")), str(m.get("id"))) for m in listed]
    orders = f.evidence.get("order_ids")
    if isinstance(orders, list) and orders:
        return [(f.entity.type, f.entity.id)] + [("order", str(o)) for o in orders]
    return [(f.entity.type, f.entity.id)]
