"""A store finding names the store one way: its id is the name the store was imported under (what
``--store`` takes), its display name from store.toml is the entity's name — whichever rule made it.
"""

from __future__ import annotations

from pathlib import Path

from tests.dates import END

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.registry import load_rules
from shopkeeper.store.warehouse import Warehouse

from .stores import build_store

NAME = "oat-bean"
STORE_KINDS = {"gmv_drop", "traffic_drop", "delivery_late", "cancellation_spike"}


def test_every_store_finding_has_the_same_store_id(tmp_path: Path) -> None:
    manifest, directory = build_store(
        tmp_path,
        NAME,
        {
            "lang": "en",
            "scale": 0.3,
            "seed": 13,
            "end_date": END,
            "problems": ("gmv_drop", "delivery_late", "cancellation_spike"),
        },
    )
    traffic = [r for r in load_rules() if r.kind == "traffic_drop"]  # else folded into gmv_drop
    with Warehouse.open(directory, read_only=True) as wh:
        reports = [inspect_store(wh, NAME, as_of=END, rules=rules) for rules in (None, traffic)]
    store = [f for r in reports for f in r.findings if f.entity.type == "store"]
    assert {f.kind for f in store} >= STORE_KINDS, [f.kind for f in store]
    assert manifest.store_name != NAME
    for f in store:
        assert (f.entity.id, f.entity.name) == (NAME, manifest.store_name), f.kind
        assert f.id.startswith(f"{f.kind}:store:{NAME}:") or f.id.startswith(f"{f.kind}.")
