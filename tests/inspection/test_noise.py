"""No noise: data_gap for a stopped store and a table that stops, floods grouped into one store
finding, and checks that need data or history the store lacks do not run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.grouping import FLOOD_LIMIT, group_floods
from shopkeeper.inspection.models import Entity, Finding, Impact
from shopkeeper.inspection.registry import Rule
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

START = dt.date(2026, 1, 1)
DAY = dt.date(2026, 4, 30)


class _NoSettings(BaseModel):
    pass


def _store(tmp: Path, *, refunds_until: int, stragglers: int = 0) -> Warehouse:
    folder = tmp / "src"
    folder.mkdir()
    (folder / "store.toml").write_text(
        'name = "t"\ntimezone = "UTC"\nlanguage = "en"\n', encoding="utf-8"
    )
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders, items = (
        ["order_id,customer_id,created_at,status"],
        ["order_id,sku_id,quantity,unit_price"],
    )
    refunds = ["refund_id,order_id,created_at,kind"]
    n = 0
    for d in range(120):
        day = START + dt.timedelta(days=d)
        for k in range(20):
            n += 1
            orders.append(f"O{n},c{k},{day} {9 + k % 10:02d}:00:00,completed")
            items.append(f"O{n},S1,1,10")
        if d <= refunds_until:
            refunds.append(f"R{n},O{n},{day} 18:00:00,refund_only")
    for k in range(stragglers):
        n += 1
        orders.append(f"O{n},x,{START + dt.timedelta(days=150 + 10 * k)} 10:00:00,cancelled")
        items.append(f"O{n},S1,1,10")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    (folder / "refunds.csv").write_text("\n".join(refunds) + "\n", encoding="utf-8")
    settings = Settings(home=tmp / "home")
    import_store(folder, "t", settings=settings)
    return Warehouse.open(store_dir(settings, "t"), read_only=True)


def _rule(
    kind: str, needs: tuple[str, ...], found: Callable[[InspectionContext], list[Finding]]
) -> Rule:
    return Rule(kind, needs, _NoSettings, lambda ctx, _s: found(ctx))


def _many(ctx: InspectionContext, n: int = 30) -> list[Finding]:
    return [
        Finding.make(
            kind="listing_quality",
            as_of=ctx.as_of,
            severity="low",
            entity=Entity(type="product", id=f"P{i}", name=f"listing {i}"),
            title="Weak listing: too few images",
            evidence={"issues": {"too_few_images": {"image_count": 1}}},
            recommendation="Add images",
            impact=Impact(metric="gmv", value=float(i)),
        )
        for i in range(n)
    ]


def test_a_store_that_stopped_trading_is_inspected_on_its_last_trading_day(tmp_path: Path) -> None:
    with _store(tmp_path, refunds_until=119, stragglers=2) as wh:
        report = inspect_store(wh, "t", rules=[])
    assert report.as_of == START + dt.timedelta(days=119)
    [gap] = report.by_kind("data_gap")
    assert gap.evidence["trading_stop"]["orders_after"] == 2
    assert "no real trading after 2026-04-30" in gap.title


def test_refunds_that_stop_are_a_data_gap_and_their_check_does_not_run(tmp_path: Path) -> None:
    ran: list[str] = []
    spike = _rule("refund_spike", ("refunds",), lambda ctx: ran.append("x") or [])
    with _store(tmp_path, refunds_until=30) as wh:
        report = inspect_store(wh, "t", rules=[spike])
    assert ran == []
    assert [s.kind for s in report.summary.skipped] == ["refund_spike"]
    [gap] = report.by_kind("data_gap")
    assert gap.evidence["tables"]["refunds"]["gap"] == "stops"
    assert gap.evidence["affects"] == ["refund_spike"]
    assert "unknown" in gap.title
    assert "2026-01-31" in gap.title


def test_a_store_with_full_data_has_no_data_gap(tmp_path: Path) -> None:
    with _store(tmp_path, refunds_until=119) as wh:
        report = inspect_store(wh, "t", rules=[])
    assert report.by_kind("data_gap") == []


def test_a_flood_is_one_store_finding_ranked_by_money(tmp_path: Path) -> None:
    with _store(tmp_path, refunds_until=119) as wh:
        report = inspect_store(wh, "t", rules=[_rule("listing_quality", (), _many)])
    [one] = report.findings
    assert one.id == f"listing_quality:store:t:{DAY}"
    assert one.entity.type == "store"
    assert one.evidence["count"] == 30
    assert [m["id"] for m in one.evidence["entities"][:2]] == ["P29", "P28"]
    assert one.evidence["by_issue"] == {"too_few_images": 30}
    assert one.money == sum(range(30))
    planted = [{"kind": "listing_quality", "entity_type": "product", "entity_id": "P3"}]
    assert score(report.findings, planted).recall == 1.0  # the grouped entities still count


def test_a_few_findings_stay_one_per_entity() -> None:
    items = [
        Finding.make(
            kind="listing_quality",
            as_of=DAY,
            severity="low",
            entity=Entity(type="product", id=f"P{i}"),
            title="t",
            evidence={"x": 1},
            recommendation="r",
        )
        for i in range(FLOOD_LIMIT)
    ]
    assert group_floods(items, store="t", store_name=None, as_of=DAY, lang="en") == items


def test_a_snapshot_rule_does_not_run_on_a_past_day(tmp_path: Path) -> None:
    ran: list[dt.date] = []

    def price(ctx: InspectionContext) -> list[Finding]:
        ran.append(ctx.as_of)
        return []

    rule = Rule("price_anomaly", (), _NoSettings, lambda ctx, _s: price(ctx), current_only=True)
    with _store(tmp_path, refunds_until=119) as wh:
        past = inspect_store(wh, "t", as_of=dt.date(2026, 3, 1), rules=[rule])
        inspect_store(wh, "t", rules=[rule])
    assert ran == [DAY]
    assert [s.kind for s in past.summary.skipped] == ["price_anomaly"]


def test_a_group_never_takes_the_id_of_the_rules_own_store_finding() -> None:
    alarm = Finding.make(
        kind="negative_reviews",
        as_of=DAY,
        severity="high",
        entity=Entity(type="store", id="t"),
        title="store-wide",
        evidence={"x": 1},
        recommendation="r",
    )
    listings = [
        Finding.make(
            kind="negative_reviews",
            as_of=DAY,
            severity="high",
            entity=Entity(type="product", id=f"P{i}"),
            title="t",
            evidence={"x": 1},
            recommendation="r",
        )
        for i in range(FLOOD_LIMIT + 1)
    ]
    out = group_floods([alarm, *listings], store="t", store_name=None, as_of=DAY, lang="en")
    assert [f.id for f in out] == [
        f"negative_reviews:store:t:{DAY}",
        f"negative_reviews.product:store:t:{DAY}",
    ]


def test_orders_an_aggregate_lists_count_as_found() -> None:
    batch = Finding.make(
        kind="shipping_delay",
        as_of=DAY,
        severity="high",
        entity=Entity(type="store", id="t"),
        title="12 orders late",
        evidence={"order_ids": ["O1", "O2"]},
        recommendation="r",
    )
    planted = [{"kind": "shipping_delay", "entity_type": "order", "entity_id": "O2"}]
    assert score([batch], planted).recall == 1.0


def test_findings_with_another_cause_stay_on_their_own() -> None:
    def review(i: int, topic: str) -> Finding:
        return Finding.make(
            kind="negative_reviews",
            as_of=DAY,
            severity="high",
            entity=Entity(type="product", id=f"P{i}"),
            title=topic,
            evidence={"top_topic": topic},
            recommendation="r",
        )

    found = [review(0, "packaging"), *(review(i, "missing items") for i in range(1, 13))]
    out = group_floods(found, store="t", store_name=None, as_of=DAY, lang="en")
    assert [f.id for f in out] == [
        f"negative_reviews:product:P0:{DAY}",
        f"negative_reviews.missing items:store:t:{DAY}",
    ]
