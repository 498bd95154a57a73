"""explain_change (why a figure moved) and event_plan (双11, Black Friday...) against SQL and by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopkeeper.inspection.service import run_inspection
from shopkeeper.ops.actions import validate_params
from shopkeeper.settings import Settings
from shopkeeper.skills.event_calendar import LUNAR_NEW_YEAR, event_window, next_window
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.importer import import_store

from ..contexts import app_context
from .conftest import Stores


def test_why_matches_the_sales_figures_and_adds_up(stores: Stores) -> None:
    out = stores.run("zh", "explain_change", {"days": 7})
    now = stores.run("zh", "sales_summary", {"days": 7})
    first = out.comparisons[0]
    before = stores.run("zh", "sales_summary", {"start": first.start, "end": first.end})
    assert (out.start, out.end, out.value) == (now.start, now.end, now.gmv)
    assert first.value == before.gmv
    assert first.change_pct == pytest.approx((now.gmv - before.gmv) / before.gmv * 100, abs=0.05)
    # visitors × conversion × value per buyer: the contributions add up to the change
    assert [f.name for f in first.factors] == ["visitors", "conversion", "value_per_buyer"]
    assert sum(f.contribution or 0 for f in first.factors) == pytest.approx(
        now.gmv - before.gmv, abs=0.1
    )
    visitors = stores.sql(
        "zh", "SELECT sum(visitors) FROM traffic WHERE date BETWEEN ? AND ?", [now.start, now.end]
    )[0][0]
    assert first.factors[0].now == visitors
    # drivers move the way the total moved, largest first within a dimension
    direction = now.gmv - before.gmv
    assert first.drivers
    assert all(d.delta * direction > 0 for d in first.drivers)
    assert {d.dimension for d in first.drivers} >= {"product"}
    top = next(d for d in first.drivers if d.dimension == "product")
    product_gmv = stores.sql(
        "zh",
        """SELECT sum(coalesce(i.paid_amount, i.unit_price * i.quantity)) FROM orders o
           JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
           WHERE p.product_id = ? AND o.status NOT IN ('created', 'cancelled', 'closed')
             AND CAST(o.created_at AS DATE) BETWEEN ? AND ?""",
        [top.key, now.start, now.end],
    )[0][0]
    assert top.now == pytest.approx(float(product_gmv or 0), abs=0.01)
    text = out.render("zh")
    assert "比上一期" in text
    assert "主要原因" in text
    assert "去年同期没有数据" in text


def test_why_without_traffic_still_compares(stores: Stores) -> None:
    out = stores.run("tiny", "explain_change", {"start": "2026-03-04", "end": "2026-03-06"})
    assert out.comparisons[0].factors == []
    assert out.comparisons[0].value == 95.0  # O1..O3 on 03-01..03: 30 + 30 + 35
    assert out.value == 35.0  # O4, O5 (paid), O6: 10 + 5 + 20
    assert "-63.2%" in out.render("en")


def test_sales_summary_states_the_comparison(stores: Stores) -> None:
    out = stores.run("tiny", "sales_summary", {"start": "2026-03-04", "end": "2026-03-06"})
    assert out.gmv_prev == 95.0
    assert "-63.2% vs the previous 3 days" in out.render("en")


def _history_store(tmp_path: Path) -> Settings:
    """An English store with a year of one ¥100 order a day, three a day over 双12 2025, and two
    a day over the last week (2026-11-14..20)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "store.toml").write_text(
        'name = "h"\ncurrency = "USD"\ntimezone = "UTC"\nlanguage = "en"\n', encoding="utf-8"
    )
    (src / "products.csv").write_text(
        "sku_id,product_id,title,category,price,cost,lead_time_days\nA,PA,Alpha,c,100,40,5\n",
        encoding="utf-8",
    )
    orders, items = (
        ["order_id,customer_id,created_at,status"],
        ["order_id,sku_id,quantity,unit_price"],
    )
    day, n = dt.date(2025, 10, 1), 0
    while day <= dt.date(2026, 11, 20):
        per_day = (
            3
            if dt.date(2025, 12, 1) <= day <= dt.date(2025, 12, 12)
            else 2
            if day >= dt.date(2026, 11, 14)
            else 1
        )
        for _ in range(per_day):
            n += 1
            orders.append(f"O{n},c{n},{day} 10:00:00,paid")
            items.append(f"O{n},A,1,100")
        day += dt.timedelta(days=1)
    (src / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (src / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    (src / "inventory.csv").write_text(
        "date,sku_id,warehouse,on_hand,reserved,in_transit\n2026-11-20,A,main,10,0,0\n",
        encoding="utf-8",
    )
    settings = Settings(home=tmp_path / "home", now=dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC))
    import_store(src, "h", settings=settings)
    return settings


def test_a_false_premise_is_corrected_and_last_year_compared(tmp_path: Path) -> None:
    settings = _history_store(tmp_path)
    skill = load_registry(packs=[]).get("explain_change")
    out = skill(app_context(settings).store("h"), {"days": 7, "premise": "drop"})
    previous, last_year = out.comparisons
    assert (previous.change_pct, last_year.change_pct) == (100.0, 100.0)
    assert last_year.start == dt.date(2025, 11, 15)
    text = out.render("en")
    assert text.startswith("Revenue did not drop: it rose 100.0% vs the previous period.")
    assert "+100.0% vs the same period last year (2025-11-15 to 2025-11-21)" in text
    zh = out.render("zh")
    assert zh.startswith("成交额并没有下降：比上一期上升了 100.0%。")
    rise = skill(app_context(settings).store("h"), {"days": 7, "premise": "rise"})
    assert rise.correction("en") is None


def test_event_plan_uses_last_years_lift_and_proposes(tmp_path: Path) -> None:
    settings = _history_store(tmp_path)
    plan = load_registry(packs=[]).get("event_plan")(
        app_context(settings).store("h"), {"event": "double12"}
    )
    assert (plan.start, plan.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 12))
    assert plan.lift_from_history
    assert plan.lift == 3.0
    (line,) = plan.stock
    # 2 a day until the event (10 days, 11-21..11-30), then 2 × 3 a day for 12 days
    assert line.daily == pytest.approx(plan.stock[0].daily)
    assert line.need == pytest.approx(line.daily * 10 + line.daily * 3 * 12, abs=1)
    assert line.reorder == line.need - 10
    assert line.order_by == dt.date(2026, 11, 26)  # the event's start minus the 5-day lead time
    replenish = next(r for r in plan.recommendations if r.action == "replenish")
    assert validate_params("replenish", replenish.params) == {
        "sku_id": "A",
        "quantity": line.reorder,
    }
    assert plan.promotions
    assert all(p.margin_left >= plan.margin / 2 for p in plan.promotions)
    assert plan.margin == pytest.approx(0.6)
    text = plan.render("en")
    assert "no ads data" in text
    assert "last year's lift" in text


def test_event_plan_on_the_demo_store(stores: Stores) -> None:
    plan = stores.run("zh", "event_plan", {"event": "double11"})
    assert plan.start == dt.date(2027, 11, 1)  # 2026's has passed by the store clock
    raised = [b for b in plan.budgets if (b.event_budget or 0) > (b.daily_budget or 0)]
    assert raised
    assert all((b.roi or 0) >= 2.0 for b in raised)
    for rec in plan.recommendations:
        assert rec.action in ("replenish", "change_budget")
        validate_params(rec.action, rec.params)
    text = plan.render("zh")
    for section in ("时间表", "备货", "推广预算", "促销", "客服", "风险"):
        assert section in text


def test_event_calendar() -> None:
    for year, spring in LUNAR_NEW_YEAR.items():
        start, end, _ = event_window("new_year", year)
        assert end == spring - dt.timedelta(days=8)
        assert start < end
    assert event_window("black_friday", 2027)[0] == dt.date(2027, 11, 26)
    assert event_window("prime_day", 2026)[0].weekday() == 1
    assert event_window("618", 2027)[2] == dt.date(2027, 6, 18)
    assert next_window("double11", dt.date(2026, 11, 12))[0] == dt.date(2027, 11, 1)
    assert next_window("double11", dt.date(2026, 11, 5))[0] == dt.date(2026, 11, 1)


def test_the_latest_inspection_is_cited(tmp_path: Path) -> None:
    settings = _history_store(tmp_path)
    ctx = app_context(settings).store("h")
    report = run_inspection(ctx)
    on_a = [f for f in report.findings if f.entity.id in ("A", "PA") or f.entity.type == "store"]
    assert on_a  # 10 left of a SKU that sells 2 a day, the only one
    registry = load_registry(packs=[])
    why = registry.get("explain_change")(ctx, {"days": 7})
    assert {f.id for f in why.findings} == {f.id for f in on_a[:3]}
    plan = registry.get("event_plan")(ctx, {})
    assert plan.event == "black_friday"  # an English store's next event by the store clock
    assert any(on_a[0].id in r for r in plan.risks)
    assert on_a[0].id in plan.render("zh")
