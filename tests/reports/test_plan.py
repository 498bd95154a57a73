"""Actions from findings, KPIs, promotions and movers; chat topics."""

from __future__ import annotations

import datetime as dt

import duckdb

from shopkeeper.inspection.models import Entity, Finding, Impact
from shopkeeper.reports import plan
from shopkeeper.reports.kpis import KPIS, delta
from shopkeeper.reports.models import Kpi, Mover, Movers
from shopkeeper.reports.topics import topic_case

DAY = dt.date(2026, 11, 21)


def finding(kind: str, eid: str, severity: str = "high", money: float = 100.0) -> Finding:
    return Finding.make(
        kind=kind,
        as_of=DAY,
        severity=severity,
        entity=Entity(type="sku", id=eid, name=f"品牌 商品{eid}"),  # type: ignore[arg-type]
        title=f"{kind} {eid}",
        evidence={"n": 1},
        recommendation=f"处理 {eid}",
        impact=Impact(metric="gmv_at_risk", value=money),
    )


def kpi(key: str, value: float, before: float, target: float | None = None) -> Kpi:
    d = KPIS[key]
    return Kpi(
        key=key,
        label=key,
        unit=d.unit,
        better=d.better,
        value=value,
        previous=delta(d, value, before),
        baseline=delta(d, value, before),
        target=target,
    )


def mover(pid: str, change: float) -> Mover:
    return Mover(
        product_id=pid,
        title=f"品牌 商品{pid}",
        gmv=100 + change,
        gmv_before=100,
        change=change,
        change_ratio=change / 100,
        reason="traffic",
        reason_text="流量下降",
    )


def signals(**kw: object) -> plan.Signals:
    base: dict[str, object] = {
        "lang": "zh",
        "currency": "CNY",
        "kpis": {},
        "findings": [],
        "movers": Movers(basis="", rising=[mover("R", 50)], falling=[mover("F", -80)]),
        "brand": "品牌",
    }
    base.update(kw)
    return plan.Signals(**base)  # type: ignore[arg-type]


def test_findings_are_grouped_by_kind_most_urgent_first() -> None:
    found = [
        finding("shipping_delay", "o1", money=10),
        finding("shipping_delay", "o2", money=20),
        finding("stockout_risk", "s1", money=500),
        finding("slow_moving", "s2", "low", 9000),
    ]
    actions = plan.finding_actions(signals(findings=found))
    assert [a.ref.split(":")[0] for a in actions] == [
        "stockout_risk",
        "shipping_delay",
        "slow_moving",
    ]
    assert actions[1].at_stake == 30
    assert "2" in actions[1].why
    assert actions[0].subject.endswith("商品s1")  # the brand word is left out


def test_weekly_plan_has_three_to_five_actions_from_every_source() -> None:
    promo = plan.Promotion("P1", "双12", DAY + dt.timedelta(days=5), 5)
    s = signals(
        findings=[
            finding("stockout_risk", "s1"),
            finding("price_anomaly", "s2"),
            finding("expiry_risk", "s3"),
        ],
        kpis={"roi": kpi("roi", 2.0, 2.5, target=3.0)},
        promotions=[promo],
        top_sellers=["挂耳"],
    )
    actions = plan.weekly_plan(s)
    assert 3 <= len(actions) <= 5
    assert {a.source for a in actions} == {"finding", "kpi", "promotion"} | (
        {"mover"} if len(actions) == 5 and actions[-1].source == "mover" else set()
    )
    assert any("双12" in a.subject and "挂耳" in a.title for a in actions)
    assert plan.decisions(s) == plan.finding_actions(s)[:3]


def test_a_quiet_store_still_gets_a_plan_from_its_movers_and_kpis() -> None:
    s = signals(
        kpis={
            "ship_on_time": kpi("ship_on_time", 0.8, 0.97),
            "refund_rate": kpi("refund_rate", 0.1, 0.05),
        },
        refund_reason="包装破损",
        overdue_orders=7,
    )
    actions = plan.weekly_plan(s)
    assert 3 <= len(actions) <= 5
    assert any("7" in a.title for a in actions)
    assert any("包装破损" in a.title for a in actions)
    assert (
        plan.kpi_actions(
            signals(
                kpis={"ship_on_time": kpi("ship_on_time", 0.8, 0.97)},
                findings=[finding("shipping_delay", "o1")],
            )
        )
        == []
    )


def test_chat_topics() -> None:
    """The SQL the reports run, on messages a buyer would write."""
    messages = {
        "我的订单怎么还没发货？": "shipping_time",
        "地址写错了，能帮我改一下吗？": "address",
        "Can I return the Coffee? Not really for me": "return",
        "Can I get an itemized receipt for my company?": "invoice",
        "What Roast is it?": "product",
        "Thanks": None,
    }
    case, params = topic_case("t")
    con = duckdb.connect()
    con.execute("CREATE TABLE m (t VARCHAR)")
    con.executemany("INSERT INTO m VALUES (?)", [[t] for t in messages])
    found = dict(con.execute(f"SELECT t, {case} FROM m", params).fetchall())
    assert found == messages
