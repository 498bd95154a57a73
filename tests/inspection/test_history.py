"""Findings history across days, and dismissals that stay quiet until the evidence changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from shopkeeper.inspection.history import (
    FindingNotFound,
    InspectionNotFound,
    dismiss,
    forget,
    history,
    record,
    reset,
    split_dismissed,
    undismiss,
)
from shopkeeper.inspection.models import Entity, Finding, Impact, InspectionReport, Summary
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

D1, D2, D3 = dt.date(2026, 11, 18), dt.date(2026, 11, 19), dt.date(2026, 11, 20)


def finding(
    kind: str, entity: str, day: dt.date, impact: float = 1000.0, severity: str = "medium"
) -> Finding:
    return Finding.make(
        kind=kind,
        as_of=day,
        severity=severity,
        entity=Entity(type="sku", id=entity),
        title=f"{kind} {entity}",  # type: ignore[arg-type]
        evidence={"units": impact / 10},
        recommendation="do it",
        impact=Impact(metric="gmv_at_risk", value=impact),
    )


def report(day: dt.date, findings: list[Finding]) -> InspectionReport:
    return InspectionReport(
        store="s",
        as_of=day,
        generated_at=dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC),
        findings=findings,
        summary=Summary(counts={}),
    )


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return ops_engine(Settings(home=tmp_path))


def test_new_ongoing_resolved(engine: Engine) -> None:
    record(
        engine, report(D1, [finding("out_of_stock", "A", D1), finding("slow_moving", "B", D1)]), []
    )
    record(
        engine, report(D2, [finding("out_of_stock", "A", D2), finding("slow_moving", "B", D2)]), []
    )
    record(
        engine,
        report(D3, [finding("out_of_stock", "A", D3), finding("price_anomaly", "C", D3)]),
        [],
    )
    h = history(engine, "s")
    status = {p.key: p.status for p in h.problems}
    assert status == {
        "out_of_stock:sku:A": "ongoing",
        "price_anomaly:sku:C": "new",
        "slow_moving:sku:B": "resolved",
    }
    a = next(p for p in h.problems if p.key == "out_of_stock:sku:A")
    assert (a.first_seen, a.last_seen, a.days_seen) == (D1, D3, 3)
    assert h.counts() == {"new": 1, "ongoing": 1, "resolved": 1}


def test_rerunning_a_day_replaces_it(engine: Engine) -> None:
    record(engine, report(D1, [finding("out_of_stock", "A", D1)]), [])
    record(engine, report(D1, [finding("slow_moving", "B", D1)]), [])
    assert [p.key for p in history(engine, "s").problems] == ["slow_moving:sku:B"]


def test_since_limits_the_window(engine: Engine) -> None:
    record(engine, report(D1, [finding("slow_moving", "B", D1)]), [])
    record(engine, report(D3, [finding("out_of_stock", "A", D3)]), [])
    assert [p.key for p in history(engine, "s", since=D2).problems] == ["out_of_stock:sku:A"]


def test_dismissed_stays_quiet_until_evidence_changes(engine: Engine) -> None:
    record(engine, report(D1, [finding("slow_moving", "B", D1, impact=1000)]), [])
    dismiss(engine, "s", "slow_moving:sku:B:2026-11-18", "clearance sale")
    shown, hidden = split_dismissed(engine, "s", [finding("slow_moving", "B", D2, impact=1100)])
    assert (shown, [f.entity.id for f in hidden]) == ([], ["B"])
    shown, hidden = split_dismissed(engine, "s", [finding("slow_moving", "B", D3, impact=1600)])
    assert [f.entity.id for f in shown] == ["B"]
    assert hidden == []
    shown, _ = split_dismissed(
        engine, "s", [finding("slow_moving", "B", D3, impact=1000, severity="high")]
    )
    assert [f.entity.id for f in shown] == ["B"]


def test_dismissal_only_hides_its_own_problem(engine: Engine) -> None:
    record(engine, report(D1, [finding("slow_moving", "B", D1)]), [])
    dismiss(engine, "s", "slow_moving:sku:B", "expected")
    shown, hidden = split_dismissed(
        engine, "s", [finding("slow_moving", "C", D2), finding("out_of_stock", "B", D2)]
    )
    assert len(shown) == 2
    assert hidden == []
    assert next(p for p in history(engine, "s").problems).dismissed == "expected"


def test_undismiss_and_unknown_finding(engine: Engine) -> None:
    record(engine, report(D1, [finding("slow_moving", "B", D1)]), [])
    dismiss(engine, "s", "slow_moving:sku:B", "expected")
    undismiss(engine, "s", "slow_moving:sku:B")
    shown, _ = split_dismissed(engine, "s", [finding("slow_moving", "B", D2)])
    assert len(shown) == 1
    with pytest.raises(FindingNotFound):
        dismiss(engine, "s", "out_of_stock:sku:ZZZ", "x")


def test_forget_a_run_as_if_it_never_ran(engine: Engine) -> None:
    record(
        engine, report(D1, [finding("out_of_stock", "A", D1), finding("slow_moving", "B", D1)]), []
    )
    record(engine, report(D2, [finding("out_of_stock", "A", D2)]), [])
    assert {p.key: p.status for p in history(engine, "s").problems}[
        "slow_moving:sku:B"
    ] == "resolved"
    assert forget(engine, "s", D2) == 1
    h = history(engine, "s")
    assert h.latest == D1
    assert {p.key: p.status for p in h.problems} == {
        "out_of_stock:sku:A": "new",
        "slow_moving:sku:B": "new",
    }
    with pytest.raises(InspectionNotFound, match="2026-11-18"):
        forget(engine, "s", D3)


def test_reset_forgets_the_store_only(engine: Engine) -> None:
    record(engine, report(D1, [finding("out_of_stock", "A", D1)]), [])
    dismiss(engine, "s", "out_of_stock:sku:A", "expected")
    other = report(D1, [finding("out_of_stock", "A", D1)]).model_copy(update={"store": "t"})
    record(engine, other, [])
    reset(engine, "s")
    assert history(engine, "s").latest is None
    assert split_dismissed(engine, "s", [finding("out_of_stock", "A", D2)])[1] == []
    assert history(engine, "t").latest == D1
