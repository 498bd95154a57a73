"""One definition per metric: the inspection, the daily report and the skills give the same days of
cover, daily sales rate and GMV for the same SKU, day and store; no copy of a definition is left
outside :mod:`shopkeeper.store.metrics`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import load_rules
from shopkeeper.reports.models import Report
from shopkeeper.reports.service import build_report
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.store.schema import TABLES
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

END = dt.date(2026, 11, 20)
STORE = "metrics"
SRC = Path(__file__).resolve().parents[2] / "src" / "shopkeeper"


class Built:
    """The store, its inspection and daily report on ``END``, and its skills."""

    def __init__(
        self, settings: Settings, inspection: InspectionReport, report: Report, owner: Report
    ) -> None:
        self.settings, self.inspection, self.report, self.owner = (
            settings,
            inspection,
            report,
            owner,
        )
        self.registry = load_registry(packs=[])

    def skill(self, name: str, args: dict[str, Any]) -> Any:
        return self.registry.get(name)(SkillContext(self.settings, STORE, "en"), args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    settings = Settings(home=tmp_path_factory.mktemp("metrics-home"))
    create_demo(settings, STORE, scale=0.2, seed=5, end_date=END)
    kinds = ("out_of_stock", "stockout_risk")
    with Warehouse.open(settings.store_dir(STORE), read_only=True) as wh:
        rules = [r for r in load_rules() if r.kind in kinds]
        inspection = inspect_store(wh, STORE, as_of=END, lang="en", rules=rules)
        report = build_report(wh, STORE, kind="daily", role="ops", as_of=END, lang="en")
        owner = build_report(wh, STORE, kind="daily", role="owner", as_of=END, lang="en")
    return Built(settings, inspection, report, owner)


def _stock(b: Built, sku: str) -> Any:
    out = b.skill("stock_status", {"date": END, "sku_id": sku})
    (row,) = out.skus
    return row


def test_inspection_report_and_skill_give_the_same_days_of_cover(built: Built) -> None:
    findings = [f for f in built.inspection.findings if f.entity.type == "sku"]
    assert findings, "the demo store plants stock problems"
    for f in findings:
        row = _stock(built, f.entity.id)
        assert row.avg_daily_units == pytest.approx(f.evidence["daily_sales_forecast"], abs=0.006)
        assert row.available == f.evidence["available"]
        if f.kind == "stockout_risk":
            assert row.days_of_cover == f.evidence["days_of_cover"]
        else:
            assert row.days_of_cover == 0.0
            assert row.state == "out_of_stock"
    stock = built.report.sections.stock
    assert stock is not None
    assert stock.at_risk
    by_finding = {f.entity.id: f for f in findings}
    for r in stock.at_risk:
        row = _stock(built, r.sku_id)
        assert (row.days_of_cover, row.available) == (r.days_of_cover, r.available)
        assert row.avg_daily_units == pytest.approx(r.daily_sales, abs=0.006)
        if r.sku_id in by_finding and by_finding[r.sku_id].kind == "stockout_risk":
            assert r.days_of_cover == by_finding[r.sku_id].evidence["days_of_cover"]
    assert stock.out_of_stock >= sum(f.kind == "out_of_stock" for f in findings)


def test_inspection_report_and_skills_give_the_same_gmv(built: Built) -> None:
    day = {"start": END, "end": END}
    summary = built.skill("sales_summary", day)
    gmv = built.owner.kpi("gmv")
    assert gmv is not None
    assert gmv.value == pytest.approx(summary.gmv, abs=0.01)
    listings = built.report.sections.listings
    assert listings is not None
    assert listings.top
    perf = {
        p.product_id: p for p in built.skill("product_performance", day | {"limit": 500}).products
    }
    top = {p.product_id: p for p in built.skill("top_products", {**day, "limit": 200}).products}
    with Warehouse.open(built.settings.store_dir(STORE), read_only=True) as wh:
        config = wh.store_config()
        assert config is not None
        ctx = InspectionContext(wh.con, STORE, config, END, "en", {t: wh.count(t) for t in TABLES})
        inspected = dict(
            wh.con.execute(
                f"SELECT product_id, sum(gmv)::DOUBLE FROM {ctx.sku_daily()} WHERE day = ? GROUP BY 1",
                [END],
            ).fetchall()
        )
    for listing in listings.top:
        pid = listing.product_id
        assert perf[pid].gmv == pytest.approx(listing.gmv, abs=0.01)
        assert top[pid].gmv == pytest.approx(listing.gmv, abs=0.01)
        assert inspected[pid] == pytest.approx(listing.gmv, abs=0.01)


COPIES = {
    "status NOT IN (": "an order-status filter (use store.metrics.paid / not_cancelled …)",
    "status IN ('shipped'": "the shipped test (use store.metrics.shipped)",
    "unit_price * quantity": "line GMV (use store.metrics.line_gmv)",
    "unit_price * i.quantity": "line GMV (use store.metrics.line_gmv)",
    "coalesce(o.pay_amount": "order GMV (use store.metrics.order_gmv)",
    "coalesce(pay_amount": "order GMV (use store.metrics.order_gmv)",
}
ALLOWED = {"store/metrics.py", "store/demo", "store/adapters", "cs/"}
"""The definitions themselves, the demo generator and the platform adapters (which write the data)
and customer service (reads one order's own lines, owned elsewhere)."""


def test_no_copy_of_a_metric_outside_the_metrics_layer() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if any(rel.startswith(a) for a in ALLOWED):
            continue
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        found += [f"{rel}: {why}" for copy, why in COPIES.items() if copy in text]
    assert found == []
