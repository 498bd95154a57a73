"""Formatting shared by the HTML and Markdown documents: numbers, deltas and titles in one language."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper import text
from shopkeeper.inspection.kinds import kind_label
from shopkeeper.reports import text as report_text
from shopkeeper.reports.models import Kpi, Report, Window


@dataclass(frozen=True)
class DeltaView:
    """A KPI change as shown: arrow, text and a CSS class (good / bad / flat / none)."""

    arrow: str
    text: str
    cls: str


@dataclass(frozen=True)
class Fmt:
    """Formatters bound to a language and a currency."""

    lang: str
    currency: str
    brand: str | None = None

    def t(self, key: str, **values: object) -> str:
        """Translated text."""
        return text.t(key, self.lang, **values)

    def money(self, value: float | None) -> str:
        """Money: ``¥1,234``."""
        return text.money(value, self.currency, self.lang, digits=None)

    def num(self, value: float | None) -> str:
        """A count: ``1,234``."""
        return text.number(value, 0)

    def pct(self, value: float | None, digits: int = 1) -> str:
        """A rate: ``3.1%``."""
        return text.pct(value, digits)

    def ratio(self, value: float | None) -> str:
        """A ratio such as ROI: ``2.77``."""
        return "—" if value is None else f"{value:.2f}"

    def short(self, title: str, width: int) -> str:
        """A title cut to about ``width`` columns."""
        return report_text.short_title(title, width, self.brand)

    def kind_label(self, kind: str) -> str:
        """A finding kind's name."""
        return kind_label(kind, self.lang)

    @property
    def colon(self) -> str:
        """``：`` or ``: ``."""
        return text.pick(self.lang, "：", ": ")

    def paren(self, inner: str) -> str:
        """``（…）`` or `` (…)``."""
        return text.pick(self.lang, f"（{inner}）", f" ({inner})")

    def kpi_value(self, k: Kpi, value: float | None = None) -> str:
        """A KPI's value (or ``value``, e.g. its target) in the KPI's unit."""
        v = k.value if value is None else value
        if v is None:
            return "—"
        if k.unit == "money":
            return self.money(v)
        if k.unit == "rate":
            return self.pct(v, 2 if v < 0.1 else 1)
        if k.unit in ("ratio", "rating"):
            return f"{v:.2f}"
        return self.num(v)

    def delta(self, k: Kpi, key: str) -> DeltaView:
        """The change against the previous period or the baseline."""
        d = k.previous if key == "previous" else k.baseline
        if d.diff is None:
            return DeltaView("", "—", "none")
        arrow = "→" if d.trend == "flat" else ("▲" if d.diff > 0 else "▼")
        shown = (
            text.points(d.diff, self.lang)
            if k.unit == "rate"
            else (text.change(d.ratio) if d.ratio is not None else f"{d.diff:+,.0f}")
        )
        return DeltaView(arrow, shown, d.trend)

    def window(self, w: Window) -> str:
        """``2026-11-21`` or ``11-15 – 11-21``."""
        if w.start == w.end:
            return w.start.isoformat()
        return f"{w.start:%m-%d} – {w.end:%m-%d}"

    def windows(self, ws: list[Window]) -> str:
        """One window, or a span of several (a baseline)."""
        if len(ws) == 1:
            return self.window(ws[0])
        return self.window(Window(start=min(w.start for w in ws), end=max(w.end for w in ws)))

    def missing(self, tables: list[str]) -> str:
        """What data is missing."""
        return report_text.missing_text(tables, self.lang) if tables else self.t("no_data")

    def missing_label(self, section: str) -> str:
        """What a ``missing`` entry refers to: a KPI or a section."""
        if section.startswith("kpi:"):
            return report_text.kpi_label(section[4:], self.lang)
        key = "sec.funnel" if section == "funnel" else f"sec.{section}"
        return self.t(key) if key in report_text.STRINGS else section


def titles_in(report: Report) -> list[str]:
    """Every listing title the report shows."""
    titles = [f.entity.name for f in report.findings.top if f.entity.name]
    if report.movers:
        titles += [m.title for m in report.movers.rising + report.movers.falling]
    s = report.sections
    titles += [r.title for r in s.listings.top] if s.listings else []
    titles += [r.title for r in s.stock.at_risk] if s.stock else []
    titles += [r.product for r in s.reviews.recent_low] if s.reviews else []
    return titles


def fmt_for(report: Report) -> Fmt:
    """Formatters for a report, leaving the shop's brand word out of short titles."""
    return Fmt(report.lang, report.currency, report_text.common_brand(titles_in(report)))


def title_of(report: Report) -> str:
    """``日报 · 2026-11-21`` / ``Weekly report · 11-15 – 11-21``."""
    f = fmt_for(report)
    return f"{f.t('report.' + report.kind)} · {f.window(report.period)}"


def headline(report: Report) -> str | None:
    """The one line that matters most: GMV (or, for ads, ROI) against the previous period."""
    f = fmt_for(report)
    k = report.kpi("gmv") if report.role != "ads" else report.kpi("roi")
    if k is None or k.value is None:
        k = next((x for x in report.kpis if x.value is not None), None)
    if k is None:
        return None
    d = f.delta(k, "previous")
    label = report.comparisons[0].label
    return f"{k.label} {f.kpi_value(k)}　{d.arrow} {d.text} {label}".strip()
