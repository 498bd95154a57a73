"""The engine: skipped checks, root-cause folding, ranking, and the JSON shape of findings.md."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.engine import fold_symptoms, inspect_store, rank
from shopkeeper.inspection.models import Entity, Finding, Impact
from shopkeeper.inspection.registry import Rule
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

DAY = dt.date(2026, 11, 20)
LAST_TINY_DAY = dt.date(2026, 11, 2)
"""The tiny store's last order day (an inspection is asked for a day its data covers)."""


def make(
    kind: str,
    etype: str,
    eid: str,
    *,
    severity: str = "medium",
    impact: float | None = None,
    **evidence: Any,
) -> Finding:
    return Finding.make(
        kind=kind,
        as_of=DAY,
        severity=severity,
        entity=Entity(type=etype, id=eid),
        title=f"{kind} {eid}",  # type: ignore[arg-type]
        evidence=evidence or {"n": 1},
        recommendation="r",
        impact=Impact(metric="gmv_at_risk", value=impact) if impact else None,
    )


def test_out_of_stock_explains_the_conversion_drop_of_its_listing() -> None:
    root = make("out_of_stock", "sku", "S1", product_id="P1", available=0)
    symptom = make("conversion_drop", "product", "P1", conversion_now=0.01)
    other = make("conversion_drop", "product", "P2", conversion_now=0.01)
    kept = fold_symptoms([root, symptom, other])
    assert [f.entity.id for f in kept] == ["S1", "P2"]
    assert root.evidence["explains"][0]["kind"] == "conversion_drop"


def test_a_sku_symptom_needs_a_root_on_the_same_sku() -> None:
    root = make("out_of_stock", "sku", "S1", product_id="P1")
    unrelated = make("slow_moving", "sku", "S2", product_id="P1")
    assert len(fold_symptoms([root, unrelated])) == 2


def test_rank_by_severity_then_money() -> None:
    a = make("slow_moving", "sku", "A", severity="low", impact=10_000)
    b = make("stockout_risk", "sku", "B", severity="high", impact=100)
    c = make("stockout_risk", "sku", "C", severity="high", impact=900)
    assert [f.entity.id for f in rank([a, b, c])] == ["C", "B", "A"]


class _NoSettings(BaseModel):
    pass


def _always(kind: str) -> Callable[[InspectionContext, Any], list[Finding]]:
    def detect(ctx: InspectionContext, _s: Any) -> list[Finding]:
        return [
            Finding.make(
                kind=kind,
                as_of=ctx.as_of,
                severity="low",
                entity=Entity(type="store", id=ctx.store),
                title=ctx.text("中", "en"),
                evidence={"n": 1},
                recommendation="r",
            )
        ]

    return detect


def test_skipped_checks_and_json_shape(tmp_path: Path, tiny_store: Callable[..., Path]) -> None:
    settings = Settings(home=tmp_path / "home")
    import_store(tiny_store(), "shop", settings=settings)
    rules = [
        Rule("needs_traffic", ("traffic",), _NoSettings, _always("needs_traffic")),
        Rule("plain", (), _NoSettings, _always("plain")),
    ]
    with Warehouse.open(store_dir(settings, "shop"), read_only=True) as wh:
        report = inspect_store(wh, "shop", as_of=LAST_TINY_DAY, rules=rules, lang="en")
    assert [f.kind for f in report.findings] == ["plain"]
    assert [s.kind for s in report.summary.skipped] == ["needs_traffic"]
    assert "traffic" in report.summary.skipped[0].reason
    data = json.loads(report.model_dump_json())
    assert set(data) >= {"store", "as_of", "generated_at", "findings", "summary"}
    finding = data["findings"][0]
    assert set(finding) >= {
        "id",
        "kind",
        "severity",
        "entity",
        "title",
        "evidence",
        "impact",
        "recommendation",
        "actions",
    }
    assert finding["id"] == "plain:store:shop:2026-11-02"
    assert data["summary"]["counts"] == {"high": 0, "medium": 0, "low": 1}


def _store_with_days(folder: Path, last_day_until: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "store.toml").write_text('name = "t"\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders, items = (
        ["order_id,customer_id,created_at,status"],
        ["order_id,sku_id,quantity,unit_price"],
    )
    n = 0
    for day in range(1, 15):
        # thirty orders a day until 20:00; the last day: five orders until 11:00 (cut) or thirty until 21:00
        full_day = [9 + (k * 11) // 29 for k in range(30)]
        last_day = [8, 9, 10, 10, 11] if last_day_until < 12 else [*full_day[:-1], last_day_until]
        for hour in full_day if day < 14 else last_day:
            n += 1
            orders.append(f"O{n},c,2026-11-{day:02d} {hour:02d}:00:00,paid")
            items.append(f"O{n},S1,1,10")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    return folder


def test_a_last_day_cut_short_is_not_the_day_inspected(tmp_path: Path) -> None:
    from shopkeeper.inspection.engine import default_as_of

    settings = Settings(home=tmp_path / "home")
    import_store(_store_with_days(tmp_path / "cut", last_day_until=11), "cut", settings=settings)
    import_store(_store_with_days(tmp_path / "full", last_day_until=21), "full", settings=settings)
    with Warehouse.open(store_dir(settings, "cut"), read_only=True) as wh:
        assert default_as_of(wh, "Asia/Shanghai") == dt.date(2026, 11, 13)
    with Warehouse.open(store_dir(settings, "full"), read_only=True) as wh:
        assert default_as_of(wh, "Asia/Shanghai") == dt.date(2026, 11, 14)


def test_store_gmv_drop_explains_the_store_traffic_drop_only() -> None:
    gmv = make("gmv_drop", "store", "shop", visitors_now=100)
    store_traffic = make("traffic_drop", "store", "shop", visitors_now=100)
    listing_traffic = make("traffic_drop", "product", "P1", visitors_now=10)
    kept = fold_symptoms([gmv, store_traffic, listing_traffic])
    assert [(f.kind, f.entity.type) for f in kept] == [
        ("gmv_drop", "store"),
        ("traffic_drop", "product"),
    ]


def test_a_small_shops_quiet_last_evening_is_not_a_cut(tmp_path: Path) -> None:
    from shopkeeper.inspection.engine import default_as_of

    folder = tmp_path / "quiet"
    folder.mkdir()
    (folder / "store.toml").write_text('name = "t"\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders, items = (
        ["order_id,customer_id,created_at,status"],
        ["order_id,sku_id,quantity,unit_price"],
    )
    n = 0
    for day in range(1, 15):  # four orders a day; the last day's last one comes at 15:00, not 20:00
        for hour in (9, 12, 15, 20) if day < 14 else (9, 12, 14, 15):
            n += 1
            orders.append(f"O{n},c,2026-11-{day:02d} {hour:02d}:00:00,paid")
            items.append(f"O{n},S1,1,10")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    import_store(folder, "quiet", settings=settings)
    with Warehouse.open(store_dir(settings, "quiet"), read_only=True) as wh:
        assert default_as_of(wh, "Asia/Shanghai") == dt.date(2026, 11, 14)
