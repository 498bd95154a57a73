"""Findings over time: what is new, what goes on, what was resolved — and what a merchant dismissed.

Every inspection records all its findings per store and day (re-running a day replaces it). A
problem is tracked by its *key* ``kind:entity_type:entity_id`` (the finding id without the day).

A dismissed problem ("expected: clearance sale") stays quiet until its evidence changes
materially (:func:`changed_materially`): a higher severity, at least ``MATERIAL_RATIO`` × the money
at stake, or — for findings without an impact — a numeric evidence value that moved by that
ratio either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, and_, delete, func, insert, select

from shopkeeper.clock import today, utcnow
from shopkeeper.errors import ShopkeeperError
from shopkeeper.inspection.models import SEVERITY_ORDER, Finding, InspectionReport
from shopkeeper.opsdb import dismissals, findings, inspections

MATERIAL_RATIO = 1.5
DEFAULT_WINDOW_DAYS = 14


class FindingNotFound(ShopkeeperError, LookupError):
    """No recorded finding has that id (or key) in this store."""


def key_of(finding_id: str) -> str:
    """The problem's key: the finding id without its day.

    >>> key_of("stockout_risk:sku:SKU-1042:2026-11-20")
    'stockout_risk:sku:SKU-1042'
    """
    head, _, tail = finding_id.rpartition(":")
    return head if len(tail) == 10 and tail[4] == "-" else finding_id


def changed_materially(
    finding: Finding, severity: str, impact: float | None, evidence: dict[str, Any]
) -> bool:
    """Whether a finding differs enough from what was dismissed to be shown again.

    >>> import datetime
    >>> from shopkeeper.inspection.models import Entity, Impact
    >>> f = Finding.make(kind="slow_moving", as_of=datetime.date(2026, 1, 2), severity="low",
    ...     entity=Entity(type="sku", id="A"), title="t", evidence={"on_hand": 300}, recommendation="r",
    ...     impact=Impact(metric="stock_value", value=1000.0))
    >>> changed_materially(f, "low", 900.0, {"on_hand": 290}), changed_materially(f, "low", 500.0, {})
    (False, True)
    """
    if SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER.get(severity, 2):
        return True
    if finding.impact is not None and impact:
        return finding.impact.value >= MATERIAL_RATIO * impact
    for name, old in evidence.items():
        new = finding.evidence.get(name)
        if isinstance(old, int | float) and isinstance(new, int | float) and old and new:
            ratio = new / old
            if ratio >= MATERIAL_RATIO or ratio <= 1 / MATERIAL_RATIO:
                return True
    return False


def split_dismissed(
    engine: Engine, store: str, found: list[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """Separate the findings a merchant dismissed (and that did not change materially) from the rest."""
    with engine.connect() as conn:
        rows = conn.execute(select(dismissals).where(dismissals.c.store == store)).mappings().all()
    quiet = {f"{r['kind']}:{r['entity_type']}:{r['entity_id']}": r for r in rows}
    shown, hidden = [], []
    for f in found:
        d = quiet.get(key_of(f.id))
        if d is not None and not changed_materially(f, d["severity"], d["impact"], d["evidence"]):
            hidden.append(f)
        else:
            shown.append(f)
    return shown, hidden


def record(engine: Engine, report: InspectionReport, hidden: list[Finding]) -> None:
    """Store every finding of an inspection (shown and hidden), replacing that day's earlier run."""
    everything = report.findings + hidden
    with engine.begin() as conn:
        where = and_(findings.c.store == report.store, findings.c.day == report.as_of)
        conn.execute(delete(findings).where(where))
        conn.execute(
            delete(inspections).where(
                and_(inspections.c.store == report.store, inspections.c.day == report.as_of)
            )
        )
        if everything:
            conn.execute(
                insert(findings), [_row(report.store, report.as_of, f) for f in everything]
            )
        conn.execute(
            insert(inspections).values(
                store=report.store,
                day=report.as_of,
                generated_at=report.generated_at,
                findings=len(report.findings),
                hidden=len(hidden),
            )
        )


class InspectionNotFound(ShopkeeperError, LookupError):
    """No inspection of that store is recorded on that day."""


def forget(engine: Engine, store: str, day: dt.date) -> int:
    """Remove the inspection of ``day`` from the history, as if it never ran; its findings removed.

    Statuses are computed from the recorded runs, so the problems it marked resolved (or new)
    are back to what the runs before it say.
    """
    with engine.begin() as conn:
        ran = and_(inspections.c.store == store, inspections.c.day == day)
        if conn.execute(select(inspections.c.day).where(ran)).first() is None:
            days = conn.execute(
                select(inspections.c.day)
                .where(inspections.c.store == store)
                .order_by(inspections.c.day.desc())
                .limit(5)
            ).scalars()
            known = ", ".join(d.isoformat() for d in days) or "none"
            raise InspectionNotFound(
                f"no inspection of store {store!r} recorded on {day}; latest recorded: {known}"
            )
        gone = conn.execute(
            delete(findings).where(and_(findings.c.store == store, findings.c.day == day))
        ).rowcount
        conn.execute(delete(inspections).where(ran))
    return int(gone or 0)


def reset(engine: Engine, store: str) -> None:
    """Forget a store's whole findings history and its dismissals (a rebuilt store is a new store)."""
    with engine.begin() as conn:
        for table in (findings, inspections, dismissals):
            conn.execute(delete(table).where(table.c.store == store))


def _row(store: str, day: dt.date, f: Finding) -> dict[str, Any]:
    return {
        "store": store,
        "day": day,
        "finding_id": f.id,
        "kind": f.kind,
        "entity_type": f.entity.type,
        "entity_id": f.entity.id,
        "severity": f.severity,
        "title": f.title,
        "impact": f.impact.value if f.impact else None,
        "payload": f.model_dump(mode="json"),
    }


def dismiss(engine: Engine, store: str, finding: str, reason: str) -> Finding:
    """Dismiss a problem by finding id or key; it stays quiet until its evidence changes materially."""
    latest = _latest(engine, store, finding)
    f = Finding.model_validate(latest["payload"])
    values = {
        "store": store,
        "kind": f.kind,
        "entity_type": f.entity.type,
        "entity_id": f.entity.id,
        "reason": reason,
        "dismissed_at": utcnow(),
        "finding_id": f.id,
        "severity": f.severity,
        "impact": f.impact.value if f.impact else None,
        "evidence": f.evidence,
    }
    with engine.begin() as conn:
        conn.execute(delete(dismissals).where(_dismissal_key(store, f)))
        conn.execute(insert(dismissals).values(**values))
    return f


def undismiss(engine: Engine, store: str, finding: str) -> Finding:
    """Take a dismissal back."""
    f = Finding.model_validate(_latest(engine, store, finding)["payload"])
    with engine.begin() as conn:
        conn.execute(delete(dismissals).where(_dismissal_key(store, f)))
    return f


def _dismissal_key(store: str, f: Finding) -> Any:
    return and_(
        dismissals.c.store == store,
        dismissals.c.kind == f.kind,
        dismissals.c.entity_type == f.entity.type,
        dismissals.c.entity_id == f.entity.id,
    )


def _latest(engine: Engine, store: str, finding: str) -> dict[str, Any]:
    key = key_of(finding)
    kind, _, rest = key.partition(":")
    entity_type, _, entity_id = rest.partition(":")
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(findings)
                .where(
                    findings.c.store == store,
                    findings.c.kind == kind,
                    findings.c.entity_type == entity_type,
                    findings.c.entity_id == entity_id,
                )
                .order_by(findings.c.day.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise FindingNotFound(
            f"no finding {finding!r} recorded for store {store!r}; run `shopkeeper inspect --store {store}` first"
        )
    return dict(row)


Status = Literal["new", "ongoing", "resolved"]


class TrackedProblem(BaseModel):
    """One problem across inspections."""

    key: str
    status: Status
    first_seen: dt.date
    last_seen: dt.date
    days_seen: int
    dismissed: str | None = None
    finding: Finding


class FindingsHistory(BaseModel):
    """``shopkeeper findings``: problems seen since a day, by status."""

    store: str
    since: dt.date
    latest: dt.date | None
    problems: list[TrackedProblem]

    def counts(self) -> dict[str, int]:
        """Problems per status."""
        return {
            s: sum(1 for p in self.problems if p.status == s)
            for s in ("new", "ongoing", "resolved")
        }

    def render(self, lang: str, currency: str = "") -> str:
        """The answer text: problems per status since the day, then the first ten."""
        zh = lang == "zh"
        counts = {k: v for k, v in self.counts().items() if v}
        names = {"new": "新出现", "ongoing": "持续中", "resolved": "已解决"} if zh else {}
        head = (
            f"自 {self.since} 以来：" + "，".join(f"{names[k]} {v} 个" for k, v in counts.items())
            if zh
            else f"Since {self.since}: " + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
        if not self.problems:
            head += "没有问题记录。" if zh else "no problems recorded."
        rows = [
            f"- [{names.get(p.status, p.status)}] {p.finding.title}（{p.finding.id}，首次 {p.first_seen}）"
            if zh
            else f"- [{p.status}] {p.finding.title} ({p.finding.id}, first seen {p.first_seen})"
            for p in self.problems[:10]
        ]
        return "\n".join([head, *rows])


def history(engine: Engine, store: str, since: dt.date | None = None) -> FindingsHistory:
    """Problems seen since ``since`` (default: the 14 days before the latest inspection)."""
    with engine.connect() as conn:
        latest = conn.execute(
            select(func.max(inspections.c.day)).where(inspections.c.store == store)
        ).scalar()
        if latest is None:
            return FindingsHistory(store=store, since=since or today(), latest=None, problems=[])
        start = since or latest - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
        days = sorted(
            conn.execute(
                select(inspections.c.day).where(
                    inspections.c.store == store, inspections.c.day >= start
                )
            ).scalars()
        )
        rows = (
            conn.execute(
                select(findings)
                .where(findings.c.store == store, findings.c.day >= start)
                .order_by(findings.c.day)
            )
            .mappings()
            .all()
        )
        quiet = {
            f"{r['kind']}:{r['entity_type']}:{r['entity_id']}": r["reason"]
            for r in conn.execute(select(dismissals).where(dismissals.c.store == store)).mappings()
        }
    previous = days[-2] if len(days) > 1 else None
    seen: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        seen.setdefault(key_of(r["finding_id"]), []).append(dict(r))
    problems = []
    for key, hits in seen.items():
        on = {h["day"] for h in hits}
        status: Status = (
            "resolved" if latest not in on else ("ongoing" if previous in on else "new")
        )
        problems.append(
            TrackedProblem(
                key=key,
                status=status,
                first_seen=min(on),
                last_seen=max(on),
                days_seen=len(on),
                dismissed=quiet.get(key),
                finding=Finding.model_validate(hits[-1]["payload"]),
            )
        )
    order = {"new": 0, "ongoing": 1, "resolved": 2}
    problems.sort(
        key=lambda p: (order[p.status], SEVERITY_ORDER[p.finding.severity], -p.finding.money)
    )
    return FindingsHistory(store=store, since=start, latest=latest, problems=problems)
