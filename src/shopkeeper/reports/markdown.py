"""Markdown for an IM push (DingTalk, Feishu, WeCom): short, headings, bullets, no HTML, no tables.

A document stays under :data:`LIMIT` characters: when it would not, it is rebuilt with fewer items
and shorter lines (:data:`BUDGETS`), the most important parts (KPIs, decisions, top findings) last
to shrink.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.inspection.models import Finding, InspectionReport
from shopkeeper.reports.models import Action, Report
from shopkeeper.reports.text import common_brand, truncate
from shopkeeper.reports.view import Fmt, fmt_for, headline, title_of
from shopkeeper.text import pick

LIMIT = 4000
SEVERITY_MARK = {"high": "🔴", "medium": "🟠", "low": "🔵"}


@dataclass(frozen=True)
class Budget:
    """How much of each part fits."""

    findings: int
    movers: int
    text: int
    details: bool


BUDGETS = (
    Budget(5, 3, 90, True),
    Budget(5, 2, 60, True),
    Budget(4, 2, 44, False),
    Budget(3, 1, 30, False),
)


def _finding(i: int, f: Finding, fmt: Fmt, width: int) -> str:
    money = fmt.paren(fmt.money(f.impact.value)) if f.impact else ""
    name = fmt.short(f.entity.name or f.entity.id, 28)
    return (
        f"{i}. {SEVERITY_MARK[f.severity]} **{fmt.kind_label(f.kind)}** {name}{fmt.colon}{truncate(f.title, width)}"
        f" → {truncate(f.recommendation, width)}{money}"
    )


def _action(i: int, a: Action, fmt: Fmt, width: int) -> str:
    stake = f" · {fmt.t('at_stake', money=fmt.money(a.at_stake))}" if a.at_stake else ""
    return f"{i}. **{a.subject}**{fmt.colon}{truncate(a.title, width)}{fmt.paren(truncate(a.why, width) + stake)}"


def _kpis(report: Report, fmt: Fmt) -> list[str]:
    lines = []
    for k in report.kpis:
        if k.value is None:
            lines.append(f"- {k.label} —{fmt.paren(k.note or fmt.t('no_data'))}")
            continue
        parts = []
        for c in report.comparisons:
            d = fmt.delta(k, c.key)
            parts.append(f"{d.arrow}{d.text} {fmt.t(f'cmp.short.{report.kind}.{c.key}')}")
        target = (
            fmt.paren(f"{fmt.t('target')} {fmt.kpi_value(k, k.target)}")
            if k.target is not None
            else ""
        )
        lines.append(f"- {k.label} **{fmt.kpi_value(k)}**{target}　{' · '.join(parts)}")
    return lines


def _sections(report: Report, fmt: Fmt, b: Budget) -> list[str]:
    s, out = report.sections, []
    if s.stock is not None and s.stock.available:
        out += [
            f"#### {fmt.t('sec.stock')}",
            f"- {fmt.t('stock.out')} {s.stock.out_of_stock} · {fmt.t('stock.low')} {s.stock.low_cover}",
        ]
        out += [
            f"- {fmt.short(r.title, 24)}{fmt.colon}{fmt.t('stock.available')} {r.available} · {fmt.t('stock.cover')} {r.days_of_cover}"
            for r in s.stock.at_risk[: 3 if b.details else 1]
        ]
    if s.shipping is not None and s.shipping.available:
        out += [
            f"#### {fmt.t('sec.shipping')}",
            f"- {fmt.t('ship.due')} {s.shipping.due} · {fmt.t('ship.late')} {s.shipping.late} · "
            f"{fmt.t('ship.overdue_now')} **{s.shipping.overdue_now}**",
        ]
    if s.refunds is not None and s.refunds.available:
        out += [
            f"#### {fmt.t('sec.refunds')}{fmt.paren(f'{s.refunds.cases} · {fmt.money(s.refunds.amount)}')}"
        ]
        out += [
            f"- {r.label} {r.count}{fmt.paren(fmt.pct(r.share, 0))}"
            for r in s.refunds.reasons[: 3 if b.details else 2]
        ]
    if s.reviews is not None and s.reviews.available:
        avg = f"{s.reviews.avg_rating}★" if s.reviews.avg_rating is not None else "—"
        out += [
            f"#### {fmt.t('sec.reviews')}",
            f"- {fmt.t('review.count')} {s.reviews.count} · {avg} · {fmt.t('review.low')} {s.reviews.low} · "
            f"{fmt.t('review.unreplied')} **{s.reviews.low_unreplied}**",
        ]
        out += [
            f"- {'★' * r.rating} {truncate(r.text, 40)}"
            for r in s.reviews.recent_low[: 2 if b.details else 0]
        ]
    if s.chat is not None and s.chat.available:
        out += [f"#### {fmt.t('chat.topics')}{fmt.paren(str(s.chat.conversations))}"]
        out += [
            f"- {t.label} {fmt.pct(t.share, 0)}"
            + (f"{fmt.colon}“{truncate(t.example or '', 24)}”" if b.details else "")
            for t in s.chat.topics
        ]
    if s.campaigns is not None and s.campaigns.available:
        head = (
            f"ROI {fmt.ratio(s.campaigns.roi)} · {fmt.t('camp.below')} {s.campaigns.below_target}"
        )
        out += [f"#### {fmt.t('sec.campaigns')}{fmt.paren(head)}"]
        out += [
            f"- ▲ {fmt.short(c.name, 24)}{fmt.colon}ROI {fmt.ratio(c.roi)} / {fmt.ratio(c.target_roi)} · {fmt.money(c.spend)}"
            for c in s.campaigns.top[: 3 if b.details else 2]
        ]
        out += [
            f"- ▼ {fmt.short(c.name, 24)}{fmt.colon}ROI {fmt.ratio(c.roi)} / {fmt.ratio(c.target_roi)} · {fmt.money(c.spend)}"
            for c in s.campaigns.bottom[: 3 if b.details else 2]
        ]
    return out


def _report_md(report: Report, b: Budget) -> str:
    fmt = fmt_for(report)
    cmp = " · ".join(f"{c.label} {fmt.windows(c.windows)}" for c in report.comparisons)
    lines = [
        f"## {report.store_name} · {title_of(report)}",
        f"{fmt.t('role.' + report.role)} · {cmp}",
        "",
    ]
    head = headline(report)
    if head:
        lines += [f"**{head}**", ""]
    lines += _kpis(report, fmt)
    if report.kind == "weekly" and report.plan:
        lines += [f"#### {fmt.t('sec.plan')}"] + [
            _action(i, a, fmt, b.text) for i, a in enumerate(report.plan, 1)
        ]
    elif report.decisions:
        lines += [f"#### {fmt.t('sec.decisions')}"] + [
            _action(i, a, fmt, b.text) for i, a in enumerate(report.decisions, 1)
        ]
    shown = {a.ref for a in (report.plan if report.kind == "weekly" else report.decisions)}
    c = report.findings.counts
    counts = f"{fmt.t('sev.high')} {c['high']} · {fmt.t('sev.medium')} {c['medium']} · {fmt.t('sev.low')} {c['low']}"
    lines.append(f"#### {fmt.t('sec.findings')}{fmt.paren(counts)}")
    top = [f for f in report.findings.top if f.id not in shown][: b.findings]
    lines += [_finding(i, f, fmt, b.text) for i, f in enumerate(top, 1)] or [
        f"- {fmt.t('no_findings')}"
    ]
    rest = report.findings.total - len(top) - len(shown & {f.id for f in report.findings.top})
    if rest > 0:
        lines.append(f"- {fmt.t('more_findings', n=rest)}")
    m = report.movers
    if m is not None and (m.rising or m.falling):
        lines.append(f"#### {fmt.t('sec.movers')}{fmt.paren(m.basis)}")
        lines += [
            f"- ▲ {fmt.short(x.title, 24)} +{fmt.money(x.change)}{fmt.paren(x.reason_text)}"
            for x in m.rising[: b.movers]
        ]
        lines += [
            f"- ▼ {fmt.short(x.title, 24)} {fmt.money(x.change)}{fmt.paren(x.reason_text)}"
            for x in m.falling[: b.movers]
        ]
    lines += _sections(report, fmt, b)
    if report.missing:
        names = pick(fmt.lang, "、", ", ").join(
            dict.fromkeys(fmt.missing_label(x.section) for x in report.missing)
        )
        lines += ["", f"> {fmt.t('sec.missing')}{fmt.colon}{names}"]
    return "\n".join(lines) + "\n"


def render_report_md(report: Report, *, limit: int = LIMIT) -> str:
    """The report as IM markdown, under ``limit`` characters."""
    text = ""
    for budget in BUDGETS:
        text = _report_md(report, budget)
        if len(text) < limit:
            return text
    return text[: limit - 2].rsplit("\n", 1)[0] + "\n…\n"


def render_inspection_md(
    report: InspectionReport,
    *,
    store_name: str | None = None,
    currency: str = "CNY",
    limit: int = LIMIT,
) -> str:
    """An inspection as IM markdown: counts, then the top findings, under ``limit`` characters."""
    fmt = Fmt(
        report.lang,
        currency,
        common_brand([f.entity.name for f in report.findings if f.entity.name]),
    )
    c = report.summary.counts
    head = [
        f"## {store_name or report.store} · {fmt.t('report.inspection')} {report.as_of}",
        f"{fmt.t('sev.high')} {c.get('high', 0)} · {fmt.t('sev.medium')} {c.get('medium', 0)} · "
        f"{fmt.t('sev.low')} {c.get('low', 0)}",
        "",
    ]
    text = ""
    for b in BUDGETS:
        n = min(len(report.findings), 2 * b.findings)
        body = [_finding(i, f, fmt, b.text) for i, f in enumerate(report.findings[:n], 1)] or [
            f"- {fmt.t('no_findings')}"
        ]
        if len(report.findings) > n:
            body.append(f"- {fmt.t('more_findings', n=len(report.findings) - n)}")
        sep = pick(fmt.lang, "、", ", ")
        skipped = (
            [
                f"> {fmt.t('not_checked')}{fmt.colon}"
                + sep.join(fmt.kind_label(s.kind) for s in report.summary.skipped)
            ]
            if report.summary.skipped
            else []
        )
        text = "\n".join(head + body + skipped) + "\n"
        if len(text) < limit:
            return text
    return text[: limit - 2].rsplit("\n", 1)[0] + "\n…\n"
