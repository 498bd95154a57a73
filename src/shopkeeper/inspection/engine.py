"""Run every rule over a store, then rank by money at stake with the root cause first."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

from shopkeeper.analytics.stats import poisson_cdf
from shopkeeper.clock import today, utcnow
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.coverage import (
    check_day,
    data_gap_finding,
    data_range,
    table_last_days,
)
from shopkeeper.inspection.models import (
    SEVERITY_ORDER,
    Finding,
    InspectionReport,
    SkippedCheck,
    Summary,
)
from shopkeeper.inspection.registry import Rule, load_rules
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import Lang

CUT_SHORT_HOURS = 3.0
"""A last day whose last order comes this many hours before the usual last order…"""
CUT_SHORT_ALPHA = 0.005
"""…and whose order count is this improbable for the shop was cut short (an export taken mid-day)."""

EXPLAINS: dict[str, frozenset[str]] = {
    "out_of_stock": frozenset(
        {"conversion_drop", "traffic_drop", "traffic_black_hole", "gmv_drop_product"}
    ),
    "price_anomaly": frozenset({"conversion_drop", "traffic_black_hole"}),
    "gmv_drop": frozenset({"traffic_drop"}),
}
"""Root causes and the symptoms they explain on the same listing: the symptom is folded into the
root finding's evidence (``explains``) instead of being reported on its own."""


def default_as_of(wh: Warehouse, timezone: str) -> dt.date | None:
    """The last complete day in the data.

    That is the last order day, unless it was cut short: an export taken during the day (today's,
    say) ends hours before the shop's usual last order of the day (the median over the 28 days
    before) *and* holds improbably few orders for a day of that shop (Poisson tail under
    ``CUT_SHORT_ALPHA``) — a small shop's quiet evening is not a cut. ``timezone`` is kept for
    callers; days are already store-local in the warehouse session.
    """
    rows = wh.con.execute(
        """WITH d AS (SELECT CAST(created_at AS DATE) AS day, count(*) AS n,
                             max(epoch(created_at::TIMESTAMP) % 86400) / 3600.0 AS last_hour
                      FROM orders WHERE created_at >= (SELECT max(created_at) FROM orders) - INTERVAL 29 DAY
                      GROUP BY 1)
           SELECT max(day), arg_max(last_hour, day), arg_max(n, day),
                  median(last_hour) FILTER (WHERE day < (SELECT max(day) FROM d)),
                  median(n) FILTER (WHERE day < (SELECT max(day) FROM d)) FROM d"""
    ).fetchall()
    last, last_hour, last_n, usual_hour, usual_n = (
        rows[0] if rows else (None, None, None, None, None)
    )
    if last is None:
        return None
    early = (
        usual_hour is not None
        and last_hour is not None
        and last_hour < usual_hour - CUT_SHORT_HOURS
    )
    few = (
        usual_n is not None
        and last_n is not None
        and poisson_cdf(int(last_n), float(usual_n)) < CUT_SHORT_ALPHA
    )
    if early and few:
        last -= dt.timedelta(days=1)
    day: dt.date = last
    return day


def _product_of(f: Finding) -> str | None:
    if f.entity.type == "product":
        return f.entity.id
    pid = f.evidence.get("product_id")
    return str(pid) if pid is not None else None


def _explains(root: Finding, symptom: Finding) -> bool:
    if root is symptom or symptom.kind not in EXPLAINS.get(root.kind, frozenset()):
        return False
    if symptom.entity.type == "sku":  # a SKU symptom is explained only by a root on the same SKU
        return root.entity.type == "sku" and root.entity.id == symptom.entity.id
    if symptom.entity.type == "store":  # a store-wide symptom only by a store-wide root
        return root.entity.type == "store"
    return _product_of(root) is not None and _product_of(root) == _product_of(symptom)


def fold_symptoms(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding: a symptom explained by a root cause on the same listing (or SKU)
    is folded into the root's evidence (``explains``) instead of being reported on its own.
    """
    roots = [f for f in findings if f.kind in EXPLAINS]
    kept: list[Finding] = []
    for f in findings:
        cause = next((r for r in roots if _explains(r, f)), None)
        if cause is None:
            kept.append(f)
        else:
            cause.evidence.setdefault("explains", []).append(
                {"kind": f.kind, "title": f.title, **_headline(f)}
            )
    return kept


def _headline(f: Finding) -> dict[str, Any]:
    return {k: v for k, v in f.evidence.items() if isinstance(v, int | float)} | (
        {"impact": f.impact.value} if f.impact else {}
    )


def rank(findings: list[Finding]) -> list[Finding]:
    """Most urgent first, then most money at stake, then a stable order."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], -f.money, f.id))


def run_rules(
    ctx: InspectionContext, rules: list[Rule]
) -> tuple[list[Finding], list[str], list[SkippedCheck]]:
    """Run the rules that have their data; report the others as skipped."""
    findings: list[Finding] = []
    ran: list[str] = []
    skipped: list[SkippedCheck] = []
    for rule in rules:
        missing = [t for t in rule.needs if not ctx.has(t)]
        if missing:
            reason = ctx.text(
                f"缺少数据表：{'、'.join(missing)}", f"no data in: {', '.join(missing)}"
            )
            skipped.append(SkippedCheck(kind=rule.kind, reason=reason))
            continue
        findings.extend(rule.run(ctx))
        ran.append(rule.kind)
    return findings, ran, skipped


def inspect_store(
    wh: Warehouse,
    store: str,
    *,
    as_of: dt.date | None = None,
    lang: Lang | None = None,
    rules: list[Rule] | None = None,
) -> InspectionReport:
    """Inspect a store on ``as_of`` (default: the last complete day in its data).

    A day outside the data is refused, or — within ``GRACE_DAYS`` after the last data day —
    inspected as of the last data day with a ``data_gap`` finding (see :mod:`.coverage`).
    """
    started = time.perf_counter()
    config = wh.store_config()
    assert config is not None, "a store with a warehouse always has its store.toml"
    language = lang or config.language
    tables = {name: wh.count(name) for name in TABLES}
    rng = data_range(wh)
    if as_of is not None and rng is not None:
        check_day(rng, as_of, store, language)
    day = as_of or default_as_of(wh, config.timezone) or today(config.timezone)
    rules_day = min(day, rng.last) if rng is not None else day
    overrides = dict(getattr(config, "inspection", None) or {})
    ctx = InspectionContext(wh.con, store, config, rules_day, language, tables, overrides)
    found, ran, skipped = run_rules(ctx, rules if rules is not None else load_rules())
    if rules_day < day:
        gap = data_gap_finding(
            store=store,
            store_name=config.name,
            asked=day,
            last=rules_day,
            last_days=table_last_days(wh),
            checks=ran,
            lang=language,
        )
        found.append(gap)
    findings = rank(fold_symptoms(found))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    return InspectionReport(
        store=store,
        as_of=day,
        generated_at=utcnow().astimezone(ZoneInfo(config.timezone)).replace(microsecond=0),
        lang=ctx.lang,
        currency=config.currency,
        findings=findings,
        summary=Summary(counts=counts, checks_run=ran, skipped=skipped),
        data_through=rng.last if rng is not None else None,
        seconds=round(time.perf_counter() - started, 3),
    )
