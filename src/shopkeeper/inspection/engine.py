"""Run every rule over a store, then rank by money at stake with the root cause first."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

from shopkeeper.clock import today, utcnow
from shopkeeper.context import in_background
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.coverage import (
    check_day,
    coverage_finding,
    data_gap_finding,
    data_range,
    stale_tables,
    table_last_days,
)
from shopkeeper.inspection.grouping import group_floods
from shopkeeper.inspection.models import (
    SEVERITY_ORDER,
    Finding,
    InspectionReport,
    SkippedCheck,
    Summary,
)
from shopkeeper.inspection.registry import SIDE_LANE, Rule, load_rules
from shopkeeper.store.coverage import Coverage, default_day, trading_stop
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import Lang

SNAPSHOT_DAYS = 7
"""A rule reading today's snapshot runs on days at most this many days before the data's last day."""
SNAPSHOT_AGE = dt.timedelta(days=SNAPSHOT_DAYS)

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
    """The last complete day of real trading (:func:`shopkeeper.store.coverage.default_day`).

    ``timezone`` is kept for callers; days are already store-local in the warehouse session.
    """
    return default_day(wh.con)


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
    ctx: InspectionContext,
    rules: list[Rule],
    stale: frozenset[str] = frozenset(),
    snapshot_day: dt.date | None = None,
) -> tuple[list[Finding], list[str], list[SkippedCheck]]:
    """Run the rules that have their data; report the others as skipped.

    A table in ``stale`` holds data, but not over the days the checks judge (a ``data_gap``):
    the checks needing it do not run rather than read the missing days as zero. A rule reading
    today's snapshot (``current_only``) does not run more than ``SNAPSHOT_DAYS`` before
    ``snapshot_day`` (the data's last day): the store has no history of that snapshot.

    The rules of the side lane (:data:`~.registry.SIDE_LANE_MODULES`) run on a thread of their
    own, on a cursor of the same warehouse, while the others run here: DuckDB runs the two lanes'
    queries side by side. The answer is the same as one after the other, in the rules' order.
    """
    numbered = list(enumerate(rules))
    main = [(i, r) for i, r in numbered if r.lane != SIDE_LANE]
    side = [(i, r) for i, r in numbered if r.lane == SIDE_LANE]
    if main and side:
        with ctx.fork() as other:
            beside = in_background(lambda: _run_lane(other, side, stale, snapshot_day))
            outcomes = _run_lane(ctx, main, stale, snapshot_day) | beside.result()
    else:
        outcomes = _run_lane(ctx, numbered, stale, snapshot_day)
    findings: list[Finding] = []
    ran: list[str] = []
    skipped: list[SkippedCheck] = []
    for i in sorted(outcomes):
        kind, found, skip = outcomes[i]
        if skip is not None:
            skipped.append(skip)
        else:
            findings.extend(found)
            ran.append(kind)
    return findings, ran, skipped


_Outcome = tuple[str, list[Finding], SkippedCheck | None]


def _run_lane(
    ctx: InspectionContext,
    rules: list[tuple[int, Rule]],
    stale: frozenset[str],
    snapshot_day: dt.date | None,
) -> dict[int, _Outcome]:
    outcomes: dict[int, _Outcome] = {}
    for i, rule in rules:
        missing = [t for t in rule.needs if not ctx.has(t)]
        gaps = [t for t in rule.needs if t in stale]
        if missing or gaps:
            reason = (
                ctx.text(f"缺少数据表：{'、'.join(missing)}", f"no data in: {', '.join(missing)}")
                if missing
                else ctx.text(
                    f"{'、'.join(gaps)} 在巡店日之前的数据有缺口",
                    f"{', '.join(gaps)} has a gap in the days inspected",
                )
            )
            outcomes[i] = (rule.kind, [], SkippedCheck(kind=rule.kind, reason=reason))
            continue
        if rule.current_only and snapshot_day and ctx.as_of < snapshot_day - SNAPSHOT_AGE:
            reason = ctx.text(
                f"只有 {snapshot_day} 的商品价格快照，没有 {ctx.as_of} 当时的价格",
                f"the store has list prices as of {snapshot_day} only, not as of {ctx.as_of}",
            )
            outcomes[i] = (rule.kind, [], SkippedCheck(kind=rule.kind, reason=reason))
            continue
        outcomes[i] = (rule.kind, rule.run(ctx), None)
    return outcomes


def inspect_store(
    wh: Warehouse,
    store: str,
    *,
    as_of: dt.date | None = None,
    lang: Lang | None = None,
    rules: list[Rule] | None = None,
) -> InspectionReport:
    """Inspect a store on ``as_of`` (default: the last complete day of real trading).

    A day outside the data is refused, or — within ``GRACE_DAYS`` after the last data day —
    inspected as of the last data day with a ``data_gap`` finding (see :mod:`.coverage`). A store
    that stopped trading, or a table that stops, starts late or has a hole in the 90 days up to
    the day, is a ``data_gap`` too, and the checks needing a table with a gap in the last 28 days
    do not run. Floods of one kind and cause become one store finding (:mod:`.grouping`).
    """
    started = time.perf_counter()
    config = wh.store_config()
    assert config is not None, "a store with a warehouse always has its store.toml"
    language = lang or config.language
    tables = wh.counts(TABLES)
    rng = data_range(wh)
    if as_of is not None and rng is not None:
        check_day(rng, as_of, store, language)
    day = as_of or default_as_of(wh, config.timezone) or today(config.timezone)
    rules_day = min(day, rng.last) if rng is not None else day
    overrides = dict(getattr(config, "inspection", None) or {})
    ctx = InspectionContext(wh.con, store, config, rules_day, language, tables, overrides)
    active = rules if rules is not None else load_rules()
    gaps = Coverage.of(wh.con, rules_day).gaps if rng is not None else []
    stale = frozenset(stale_tables(gaps, rules_day))
    found, ran, skipped = run_rules(ctx, active, stale, rng.last if rng is not None else None)
    affects = {t: [r.kind for r in active if t in r.needs] for t in stale}  # did not run
    covered = coverage_finding(
        store=store,
        store_name=config.name,
        day=day,
        stop=trading_stop(wh.con) if rng is not None else None,
        gaps=gaps,
        affects=affects,
        lang=language,
    )
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
        if covered is not None:
            gap.evidence["coverage"] = covered.evidence
        found.append(gap)
    elif covered is not None:
        found.append(covered)
    grouped = group_floods(
        fold_symptoms(found), store=store, store_name=config.name, as_of=day, lang=language
    )
    findings = rank(grouped)
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
