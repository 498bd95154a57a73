"""The inspection as a merchant reads it in a terminal: ranked, short, in the store's language."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from shopkeeper.inspection.kinds import kind_label
from shopkeeper.inspection.models import Finding, InspectionReport

_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
_LABEL = {
    "zh": {"high": "紧急", "medium": "本周", "low": "关注"},
    "en": {"high": "HIGH", "medium": "MED", "low": "LOW"},
}


def _line(f: Finding, lang: str) -> tuple[Text, Text, Text]:
    sev = Text(_LABEL[lang][f.severity], style=_STYLE[f.severity])
    what = Text(f"{kind_label(f.kind, lang)} · {f.entity.name or f.entity.id}\n", style="bold")
    what.append(f.title + "\n")
    what.append("→ " + f.recommendation, style="green")
    money = Text(f"{f.impact.value:,.0f}" if f.impact else "", style="bold")
    return sev, what, money


def render(report: InspectionReport, *, limit: int = 20) -> RenderableType:
    """A ranked summary of the findings."""
    zh = report.lang == "zh"
    c = report.summary.counts
    head = Text(
        f"巡店 {report.store} · {report.as_of} · 紧急 {c.get('high', 0)} · 本周 {c.get('medium', 0)} · 关注 {c.get('low', 0)} · 用时 {report.seconds:.2f} 秒"
        if zh
        else f"Inspection of {report.store} · {report.as_of} · high {c.get('high', 0)} · medium {c.get('medium', 0)} · low {c.get('low', 0)} · {report.seconds:.2f} s",
        style="bold",
    )
    table = Table(show_header=True, header_style="dim", expand=True)
    table.add_column("", width=4)
    table.add_column("问题与建议" if zh else "finding and what to do", ratio=1)
    table.add_column("金额" if zh else "at stake", justify="right", width=10)
    for f in report.findings[:limit]:
        table.add_row(*_line(f, report.lang))
    parts: list[RenderableType] = [head, table]
    if len(report.findings) > limit:
        more = len(report.findings) - limit
        parts.append(
            Text(
                f"……另有 {more} 条，见 --format json/html"
                if zh
                else f"… {more} more: see --format json/html",
                style="dim",
            )
        )
    if not report.findings:
        parts.append(
            Text(
                "没有发现需要处理的问题。" if zh else "Nothing needs your attention.", style="green"
            )
        )
    if report.summary.dismissed:
        n = report.summary.dismissed
        parts.append(
            Text(
                f"已忽略 {n} 条（证据无明显变化）：shopkeeper findings --store {report.store}"
                if zh
                else f"{n} dismissed finding(s) hidden (evidence unchanged): shopkeeper findings --store {report.store}",
                style="dim",
            )
        )
    for s in report.summary.skipped:
        parts.append(
            Text(
                ("未检查 " if zh else "not checked: ")
                + f"{kind_label(s.kind, report.lang)}（{s.reason}）",
                style="dim",
            )
        )
    return Group(*parts)
