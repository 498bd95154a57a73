"""Build a daily or weekly report (the entry point behind the CLI, the API and the scheduler)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shopkeeper.clock import today, utcnow
from shopkeeper.context import StoreContext
from shopkeeper.inspection.engine import default_as_of, inspect_store
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.service import run_inspection
from shopkeeper.reports import ads, cs, ops, plan, trend
from shopkeeper.reports.kpis import KPIS, Components, build_kpis, collect_components, promise_hours
from shopkeeper.reports.models import (
    Comparison,
    FindingsBlock,
    Kpi,
    Missing,
    Movers,
    Report,
    ReportKind,
    Role,
    Sections,
    Window,
)
from shopkeeper.reports.movers import find_movers
from shopkeeper.reports.periods import Periods, plan_periods
from shopkeeper.reports.roles import ROLES, shows_kind
from shopkeeper.reports.text import common_brand, missing_text, short_title
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.coverage import Coverage
from shopkeeper.store.query import Query
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse, existing_store_dir
from shopkeeper.text import Lang, t

TOP_FINDINGS = 10
KPI_NEEDS: dict[str, str] = {
    "visitors": "traffic",
    "conversion": "traffic",
    "add_to_cart_rate": "traffic",
    "refund_rate": "refunds",
    "refund_cases": "refunds",
    "refund_amount": "refunds",
    "ad_spend": "ad_campaigns",
    "ad_gmv": "ad_campaigns",
    "roi": "ad_campaigns",
    "clicks": "ad_campaigns",
    "cpc": "ad_campaigns",
    "ad_share": "ad_campaigns",
    "ship_on_time": "orders.shipped_at",
    "avg_rating": "reviews",
    "low_ratings": "reviews",
    "conversations": "messages",
}
"""The table (or column) each KPI beyond orders needs."""


def _comparisons(db: Query, periods: Periods, lang: str) -> list[Comparison]:
    return [
        Comparison(
            key="previous",
            label=t(f"cmp.{periods.kind}.previous", lang),
            windows=periods.previous,
            promotions=trend.promotions_during(db, periods.previous),
        ),
        Comparison(
            key="baseline",
            label=t(f"cmp.{periods.kind}.baseline", lang),
            windows=periods.baseline,
            promotions=trend.promotions_during(db, periods.baseline),
        ),
    ]


def _has(db: Query, need: str) -> bool:
    table, _, column = need.partition(".")
    return db.has_column(table, column) if column else db.has(table)


def _mark_missing(
    kpis: list[Kpi], db: Query, lang: str, coverage: Coverage, period: Window
) -> list[Missing]:
    missing: dict[str, list[str]] = {}
    for k in kpis:
        need = KPI_NEEDS.get(k.key)
        table = need.partition(".")[0] if need else ""
        gap = bool(need) and coverage.unknown(table, period.start, period.end)
        if need and (not _has(db, need) or gap):
            k.note = missing_text([need], lang)
            missing.setdefault(need, []).append(k.key)
    return [
        Missing(section=f"kpi:{key}", tables=[need])
        for need, keys in missing.items()
        for key in keys
    ]


def _sections(
    db: Query, role: Role, periods: Periods, config: StoreConfig, now: Components, lang: str
) -> Sections:
    wanted = ROLES[role].sections
    period = periods.period
    out = Sections()
    if "stock" in wanted:
        out.stock = ops.stock_section(db, period.end)
    if "shipping" in wanted:
        out.shipping = ops.shipping_section(
            db, period, promise_hours(config), now["due"], now["on_time"]
        )
    if "listings" in wanted:
        out.listings = ops.listings_section(db, period)
    if "refunds" in wanted:
        out.refunds = cs.refunds_section(db, period, lang)
    if "reviews" in wanted:
        out.reviews = cs.reviews_section(db, period)
    if "chat" in wanted:
        out.chat = cs.chat_section(db, period, lang)
    if "campaigns" in wanted:
        target = float(config.targets.roi) if config.targets.roi else None
        out.campaigns = ads.campaigns_section(db, period, target)
    return out


def _signals(
    db: Query,
    periods: Periods,
    all_kpis: list[Kpi],
    findings: InspectionReport,
    movers: Movers,
    sections: Sections,
    config: StoreConfig,
    lang: str,
    now: Components,
) -> plan.Signals:
    promos = trend.upcoming_promotions(db, periods.period.end)
    brand = common_brand([str(r["title"]) for r in db.rows("SELECT DISTINCT title FROM products")])
    refunds = sections.refunds or (
        cs.refunds_section(db, periods.period, lang) if db.has("refunds") else None
    )
    shipping = sections.shipping or ops.shipping_section(
        db, periods.period, promise_hours(config), now["due"], now["on_time"]
    )
    return plan.Signals(
        lang=lang,
        currency=config.currency,
        kpis={k.key: k for k in all_kpis},
        findings=findings.findings,
        movers=movers,
        promotions=[plan.Promotion(p.promotion_id, p.name, p.start, p.days_away) for p in promos],
        top_sellers=[short_title(t, 24, brand) for t in trend.top_sellers(db, periods.period)]
        if promos
        else [],
        refund_reason=refunds.reasons[0].label if refunds and refunds.reasons else None,
        overdue_orders=shipping.overdue_now if shipping.available else 0,
        brand=brand,
    )


def build_report(
    wh: Warehouse,
    store: str,
    *,
    kind: ReportKind = "daily",
    role: Role = "owner",
    as_of: dt.date | None = None,
    lang: Lang | None = None,
    inspection: InspectionReport | None = None,
) -> Report:
    """The report of the day (or the 7 days) ending on ``as_of`` (default: the last complete day)."""
    config = wh.store_config()
    assert config is not None, "a store with a warehouse always has its store.toml"
    db = Query(wh.con, wh.counts(TABLES))
    language: Lang = lang or config.language
    end = as_of or default_as_of(wh, config.timezone) or today(config.timezone)
    periods = plan_periods(kind, end)
    coverage = Coverage.of(wh.con, end)
    components = collect_components(db, periods.all, config, coverage)
    all_kpis = build_kpis(list(KPIS), periods, components, config, language)
    view = ROLES[role]
    kpis = [k for key in view.kpis for k in all_kpis if k.key == key]
    missing = _mark_missing(kpis, db, language, coverage, periods.period)
    found = inspection or inspect_store(wh, store, as_of=end, lang=language)
    shown = [f for f in found.findings if shows_kind(role, f.kind)]
    movers = find_movers(db, periods, language)
    sections = _sections(db, role, periods, config, components[0], language)
    missing += [
        Missing(section=name, tables=sec.missing)
        for name, sec in sections
        if sec is not None and not sec.available
    ]
    signals = _signals(
        db, periods, all_kpis, found, movers, sections, config, language, components[0]
    )
    signals.findings = shown
    funnel = trend.funnel(components[0]) if "funnel" in view.charts else None
    if "funnel" in view.charts and funnel is None:
        missing.append(Missing(section="funnel", tables=["traffic"]))
    return Report(
        store=store,
        store_name=config.name,
        platform=config.platform,
        currency=config.currency,
        kind=kind,
        role=role,
        lang=language,
        period=periods.period,
        period_promotions=trend.promotions_during(db, [periods.period]),
        comparisons=_comparisons(db, periods, language),
        generated_at=utcnow().astimezone(ZoneInfo(config.timezone)).replace(microsecond=0),
        kpis=kpis,
        decisions=plan.decisions(signals) if role == "owner" else [],
        findings=FindingsBlock(
            total=len(shown),
            counts={s: sum(1 for f in shown if f.severity == s) for s in ("high", "medium", "low")},
            top=shown[:TOP_FINDINGS],
            skipped=found.summary.skipped,
        ),
        movers=movers if "movers" in view.charts else None,
        sections=sections,
        trend=trend.daily_trend(db, periods.trend),
        funnel=funnel,
        plan=plan.weekly_plan(signals) if kind == "weekly" else [],
        upcoming_promotions=trend.upcoming_promotions(db, end),
        missing=missing,
    )


def run_report(
    ctx: StoreContext,
    *,
    kind: ReportKind = "daily",
    role: Role = "owner",
    as_of: dt.date | None = None,
    lang: Lang | None = None,
) -> Report:
    """Build a report of the store of ``ctx``; its findings leave out what the merchant dismissed.

    The inspection it runs is not recorded in the findings history (a report only reads); it
    reads the same connection, so what it computed once per connection is not read again.
    """
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        inspection = run_inspection(ctx, as_of=as_of, lang=lang, remember=False, warehouse=wh)
        return build_report(
            wh,
            ctx.store,
            kind=kind,
            role=role,
            as_of=as_of or inspection.as_of,
            lang=lang,
            inspection=inspection,
        )
