"""Skill results render themselves (zh/en): every built-in output model has ``render``, answers
say "1 action", never print a raw dict, round their figures and use the result's currency."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest

from shopkeeper.inspection.models import InspectionReport, Summary
from shopkeeper.ops.approvals import ActionRecord
from shopkeeper.skills.inspection import Inspection
from shopkeeper.skills.ops import PendingApprovals, ProposalResult
from shopkeeper.skills.registry import load_registry
from shopkeeper.skills.render import Renders, answer, generic
from shopkeeper.skills.sales import ProductSales, TopProducts
from shopkeeper.skills.stock import SkuStock, StockStatus, StockSummary, _advice

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _action(**params: Any) -> ActionRecord:
    return ActionRecord(
        action_id="a1",
        store="demo",
        action="change_price",
        params=params,
        reason="clear stock",
        proposed_by="agent",
        status="pending",
        reasons=["above the automatic limit"],
        created_at=NOW,
    )


def _sku(**over: Any) -> SkuStock:
    row: dict[str, Any] = {
        "sku_id": "090427",
        "product_id": "P1",
        "title": "挂耳咖啡",
        "on_hand": 10,
        "reserved": 0,
        "available": 10,
        "in_transit": 0,
        "snapshot_date": dt.date(2026, 11, 20),
        "avg_daily_units": 12.036,
        "days_of_cover": 0.8308,
        "lead_time_days": 7,
        "reorder_qty": 90,
        "state": "at_risk",
        "stock_value": None,
    }
    return SkuStock(**(row | over))


def test_every_builtin_output_model_renders_itself() -> None:
    missing = [
        s.name for s in load_registry() if not callable(getattr(s.output_model, "render", None))
    ]
    assert missing == []


@pytest.mark.parametrize(("count", "text"), [(1, "1 action waits"), (2, "2 actions wait")])
def test_pending_approvals_count_in_the_singular_and_plural(count: int, text: str) -> None:
    result = PendingApprovals(count=count, actions=[_action(sku_id="090427")] * count)
    assert result.render("en").startswith(text)


def test_action_arguments_are_never_a_raw_dict() -> None:
    action = _action(sku_id="090427", price=25.0)
    for result in (
        ProposalResult(decision="pending", reasons=["needs approval"], action=action),
        PendingApprovals(count=1, actions=[action]),
    ):
        for lang in ("zh", "en"):
            text = result.render(lang)
            assert "sku_id=090427, price=25" in text
            assert "{" not in text


def test_figures_are_rounded_in_the_answer_and_its_recommendations() -> None:
    sku = _sku()
    summary = StockSummary(
        skus=1,
        out_of_stock=0,
        at_risk=1,
        overstock=0,
        no_sales=0,
        to_replenish=1,
        units_to_order=90,
    )
    zh = SimpleNamespace(text=lambda zh, en: zh)
    recs = _advice(zh, [sku], [])  # type: ignore[arg-type]
    result = StockStatus(
        as_of=dt.date(2026, 11, 20), summary=summary, at_risk=[sku], recommendations=recs
    )
    text = result.render("zh")
    assert "日均 12 件" in text
    assert not re.search(r"\d\.\d{2,}", text), text


def test_money_is_in_the_result_currency() -> None:
    top = TopProducts(
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 20),
        by="gmv",
        currency="USD",
        products=[
            ProductSales(
                product_id="P1", title="Drip bags", category="coffee", gmv=1234.5, units=3, orders=2
            )
        ],
    )
    text = top.render("en")
    assert "$1,234.50" in text
    assert "¥" not in text


def test_the_inspection_answer_keeps_the_report_and_its_schema_name() -> None:
    report = InspectionReport(
        store="demo",
        as_of=dt.date(2026, 11, 20),
        generated_at=NOW,
        findings=[],
        summary=Summary(counts={}, checks_run=["stock", "ads"]),
        data_through=dt.date(2026, 11, 19),
    )
    result = Inspection.model_validate(report, from_attributes=True)
    assert result.data_through == dt.date(2026, 11, 19)
    assert result.model_dump() == report.model_dump()
    assert Inspection.model_json_schema(mode="serialization")["title"] == "InspectionReport"
    assert "2 checks run" in result.render("en")


def test_a_result_without_render_gets_the_generic_answer() -> None:
    payload = {"total": 12.036, "rows": [{"sku_id": "A1", "price": 25.0}]}
    assert not isinstance(payload, Renders)
    text = answer(payload, "en")
    assert text == generic(payload, "en")
    assert "total: 12.04" in text
    assert "sku_id=A1, price=25" in text
