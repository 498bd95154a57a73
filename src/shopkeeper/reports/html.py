"""One self-contained HTML file per report: inline CSS and SVG, no scripts, no external files.

Templates are Jinja2 with autoescaping on; only the SVG the chart library drew is marked safe.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from shopkeeper.inspection.models import InspectionReport
from shopkeeper.reports import charts
from shopkeeper.reports.kpis import DEFAULT_PROMISE_HOURS
from shopkeeper.reports.models import Report
from shopkeeper.reports.text import common_brand
from shopkeeper.reports.view import Fmt, fmt_for, headline, title_of

TREND_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "owner": (("gmv", charts.BLUE), ("orders", charts.TEAL), ("visitors", charts.AMBER)),
    "ops": (("orders", charts.TEAL), ("visitors", charts.AMBER), ("gmv", charts.BLUE)),
    "cs": (("refunds", charts.RED), ("orders", charts.TEAL)),
    "ads": (
        ("ad_spend", charts.RED),
        ("roi", charts.GREEN),
        ("gmv", charts.BLUE),
        ("visitors", charts.AMBER),
    ),
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescaping on for every template)."""
    return Environment(
        loader=PackageLoader("shopkeeper.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _helpers(f: Fmt) -> dict[str, Any]:
    return {
        "t": f.t,
        "money": f.money,
        "num": f.num,
        "pct": f.pct,
        "ratio": f.ratio,
        "short": f.short,
        "kind_label": f.kind_label,
        "kpi_value": f.kpi_value,
        "delta": f.delta,
        "windows_text": f.windows,
        "missing_label": f.missing_label,
        "missing": f.missing,
        "lang": f.lang,
    }


def report_charts(report: Report, f: Fmt) -> tuple[list[tuple[str, Markup]], dict[str, Markup]]:
    """The report's trend charts (in order) and its other charts, as safe inline SVG."""
    lang, cur = report.lang, report.currency
    trends = [
        (metric, Markup(charts.trend_chart(report.trend, metric, lang, cur, color)))
        for metric, color in TREND_METRICS[report.role]
        if report.trend
        and charts.trend_value(report.trend[0], "ad_spend" if metric == "roi" else metric)
        is not None
    ]
    other: dict[str, str] = {}
    if report.funnel is not None:
        other["funnel"] = charts.funnel_chart(report.funnel, lang)
    if report.movers is not None and (report.movers.rising or report.movers.falling):
        other["movers"] = charts.movers_chart(
            report.movers.rising, report.movers.falling, lang, cur, f.short
        )
    s = report.sections
    if s.refunds is not None and s.refunds.reasons:
        other["reasons"] = charts.counts_chart(s.refunds.reasons, "reasons", charts.AMBER)
    if s.chat is not None and s.chat.topics:
        other["topics"] = charts.counts_chart(s.chat.topics, "topics", charts.TEAL)
    if s.campaigns is not None and (s.campaigns.top or s.campaigns.bottom):
        other["campaigns"] = charts.campaigns_chart(
            s.campaigns.top + s.campaigns.bottom, s.campaigns.target_roi, lang, f.short
        )
    return trends, {k: Markup(v) for k, v in other.items()}


def render_report_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    f = fmt_for(report)
    trends, other = report_charts(report, f)
    hours = next((k.label for k in report.kpis if k.key == "ship_on_time"), None)
    promise = (
        report.sections.shipping.promise_hours
        if report.sections.shipping
        else DEFAULT_PROMISE_HOURS
    )
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            title=title_of(report),
            period_text=f.window(report.period),
            headline=headline(report),
            trend_charts=trends,
            charts=other,
            generated_at=report.generated_at.strftime("%Y-%m-%d %H:%M"),
            hours=f"{promise:g}",
            ship_label=hours,
            **_helpers(f),
        )
    )


def render_inspection_html(
    report: InspectionReport, *, store_name: str | None = None, currency: str = "CNY"
) -> str:
    """An inspection as one self-contained HTML page."""
    f = Fmt(
        report.lang,
        currency,
        common_brand([x.entity.name for x in report.findings if x.entity.name]),
    )
    counts = {s: report.summary.counts.get(s, 0) for s in ("high", "medium", "low")}
    return (
        environment()
        .get_template("inspection.html.j2")
        .render(
            report=report,
            store_name=store_name or report.store,
            counts=counts,
            generated_at=report.generated_at.strftime("%Y-%m-%d %H:%M"),
            **_helpers(f),
        )
    )
