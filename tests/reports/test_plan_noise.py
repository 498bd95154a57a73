"""Actions fit the data: money counted once, nothing about zero overdue orders, no ad advice
without ad data, never back a listing another finding warns about."""

from __future__ import annotations

import datetime as dt

from shopkeeper.inspection.models import Entity, Finding, Impact
from shopkeeper.reports import plan
from shopkeeper.reports.kpis import KPIS, delta
from shopkeeper.reports.models import Kpi, Mover, Movers

DAY = dt.date(2026, 11, 21)


def _finding(kind: str, etype: str, eid: str, money: float, **evidence: object) -> Finding:
    return Finding.make(
        kind=kind,
        as_of=DAY,
        severity="high",
        entity=Entity(type=etype, id=eid, name=eid),  # type: ignore[arg-type]
        title=f"{kind} {eid}",
        evidence=evidence or {"n": 1},
        recommendation="r",
        impact=Impact(metric="gmv_at_risk", value=money),
    )


def _kpi(key: str, value: float | None, before: float | None) -> Kpi:
    d = KPIS[key]
    return Kpi(
        key=key,
        label=key,
        unit=d.unit,
        better=d.better,
        value=value,
        previous=delta(d, value, before),
        baseline=delta(d, value, before),
    )


def _rising(pid: str) -> Movers:
    m = Mover(
        product_id=pid,
        title=f"商品{pid}",
        gmv=300,
        gmv_before=100,
        change=200,
        change_ratio=2.0,
        reason="unknown",
        reason_text="?",
    )
    return Movers(basis="", rising=[m], falling=[])


def _signals(**kw: object) -> plan.Signals:
    base: dict[str, object] = {
        "lang": "en",
        "currency": "CNY",
        "kpis": {},
        "findings": [],
        "movers": None,
    }
    base.update(kw)
    return plan.Signals(**base)  # type: ignore[arg-type]


def test_a_store_finding_listing_orders_is_not_added_to_their_own_findings() -> None:
    found = [
        _finding("shipping_delay", "store", "shop", 6266.0, order_ids=["o1", "o2"]),
        _finding("shipping_delay", "order", "o1", 4000.0),
        _finding("shipping_delay", "order", "o2", 2910.0),
        _finding("shipping_delay", "order", "o3", 10.0),
    ]
    [action] = plan.finding_actions(_signals(findings=found))
    assert action.at_stake == 6276.0  # not 13,186


def test_no_ship_the_zero_overdue_orders() -> None:
    s = _signals(kpis={"ship_on_time": _kpi("ship_on_time", 0.8, 0.97)}, overdue_orders=0)
    [action] = plan.kpi_actions(s)
    assert "0 overdue" not in action.title
    assert "late" in action.title


def test_no_ad_budget_advice_without_ad_data() -> None:
    s = _signals(movers=_rising("P1"))
    [back] = plan.mover_actions(s)
    assert "ad" not in back.title.lower()
    with_ads = _signals(movers=_rising("P1"), kpis={"ad_spend": _kpi("ad_spend", 50.0, 40.0)})
    assert "ad budget" in plan.mover_actions(with_ads)[0].title


def test_a_listing_with_complaints_is_never_the_riser_to_back() -> None:
    complaint = _finding("negative_reviews", "product", "P1", 100.0)
    s = _signals(
        movers=_rising("P1"),
        findings=[complaint],
        kpis={"ad_spend": _kpi("ad_spend", 50.0, 40.0)},
    )
    assert plan.mover_actions(s) == []
    assert all("ad budget" not in a.title for a in plan.weekly_plan(s))


def test_a_table_data_gap_is_no_action_but_a_stopped_store_is() -> None:
    table_gap = _finding("data_gap", "store", "shop", 0.0, tables={"refunds": {}})
    stopped = _finding("data_gap", "store", "shop", 0.0, trading_stop={"orders_after": 1})
    assert plan.finding_actions(_signals(findings=[table_gap])) == []
    assert len(plan.finding_actions(_signals(findings=[stopped]))) == 1
