"""Templated answers (zh/en) from skill results: what the offline team says, with the numbers.

A renderer takes a skill's typed result and the language and returns plain text that quotes the
figures (and finding ids) the answer rests on. Skills without a dedicated renderer get a generic
one that lists the result's top-level numbers and the first rows of its tables, so a pack's skills
answer too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from shopkeeper.agents.answers_data import RENDERERS as DATA_RENDERERS
from shopkeeper.agents.fmt import money
from shopkeeper.inspection.history import FindingsHistory
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.reports.markdown import render_inspection_md, render_report_md
from shopkeeper.reports.models import Report
from shopkeeper.skills.sales import SalesSummary, TopProducts
from shopkeeper.store.info import StoreInfo

Renderer = Callable[[Any, str], str]
RENDERERS: dict[str, Renderer] = {}
LIMIT = 1800
"""Characters per rendered answer (long results are cut with a pointer to the full command)."""


def renders(*skills: str) -> Callable[[Renderer], Renderer]:
    """Register a renderer for these skills."""

    def wrap(fn: Renderer) -> Renderer:
        for name in skills:
            RENDERERS[name] = fn
        return fn

    return wrap


@renders("sales_summary")
def _sales(r: SalesSummary, lang: str) -> str:
    if lang == "zh":
        return (
            f"{r.start} 至 {r.end}：成交额 {money(r.gmv, r.currency)}，订单 {r.orders} 笔，"
            f"买家 {r.buyers} 人，件数 {r.units}，客单价 {money(r.aov, r.currency)}。"
        )
    return (
        f"{r.start} to {r.end}: GMV {money(r.gmv, r.currency)}, {r.orders} orders, "
        f"{r.buyers} buyers, {r.units} units, average order value {money(r.aov, r.currency)}."
    )


@renders("top_products")
def _top(r: TopProducts, lang: str) -> str:
    zh = lang == "zh"
    head = (
        f"{r.start} 至 {r.end} 按{'成交额' if r.by == 'gmv' else '销量'}排名："
        if zh
        else f"Ranked by {'sales value' if r.by == 'gmv' else 'units'}, {r.start} to {r.end}:"
    )
    rows = [
        f"{n}. {p.title}（{p.product_id}）：{money(p.gmv)}，{p.units} 件，{p.orders} 单"
        if zh
        else f"{n}. {p.title} ({p.product_id}): {money(p.gmv)}, {p.units} units, {p.orders} orders"
        for n, p in enumerate(r.products, 1)
    ]
    return "\n".join([head, *rows]) if rows else head + (" 没有商品。" if zh else " no products.")


@renders("inspect_store")
def _inspection(r: InspectionReport, lang: str) -> str:
    if not r.findings:
        return (
            f"{r.as_of} 巡店完成，没有发现需要处理的问题（检查了 {len(r.summary.checks_run)} 项）。"
            if lang == "zh"
            else f"Inspected {r.as_of}: nothing needs attention ({len(r.summary.checks_run)} checks run)."
        )
    return render_inspection_md(r, limit=LIMIT)


@renders("daily_report", "weekly_report")
def _report(r: Report, lang: str) -> str:
    return render_report_md(r, limit=LIMIT)


@renders("findings_history")
def _history(r: FindingsHistory, lang: str) -> str:
    zh = lang == "zh"
    counts: dict[str, int] = {}
    for p in r.problems:
        counts[p.status] = counts.get(p.status, 0) + 1
    names = {"new": "新出现", "ongoing": "持续中", "resolved": "已解决"} if zh else {}
    head = (
        f"自 {r.since} 以来：" + "，".join(f"{names.get(k, k)} {v} 个" for k, v in counts.items())
        if zh
        else f"Since {r.since}: " + ", ".join(f"{v} {k}" for k, v in counts.items())
    )
    rows = [
        f"- [{names.get(p.status, p.status)}] {p.finding.title}（{p.finding.id}，首次 {p.first_seen}）"
        if zh
        else f"- [{p.status}] {p.finding.title} ({p.finding.id}, first seen {p.first_seen})"
        for p in r.problems[:10]
    ]
    return "\n".join(
        [
            head if r.problems else head + ("没有问题记录。" if zh else "no problems recorded."),
            *rows,
        ]
    )


@renders("store_overview")
def _overview(r: StoreInfo, lang: str) -> str:
    zh = lang == "zh"
    lines = [
        f"店铺 {r.name or r.store}（{r.platform or '-'}）的数据："
        if zh
        else f"Data of {r.name or r.store} ({r.platform or '-'}):"
    ]
    for name, t in r.tables.items():
        span = f"{t.from_} ~ {t.to}" if t.from_ else ""
        lines.append(f"- {name}: {t.rows:,} {'行' if zh else 'rows'} {span}".rstrip())
    if r.quarantined:
        lines.append(
            f"隔离区有 {r.quarantined} 行待修正。"
            if zh
            else f"{r.quarantined} rows are quarantined."
        )
    return "\n".join(lines)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def generic(result: BaseModel | dict[str, Any], lang: str) -> str:
    """Any result: its top-level values, then up to five rows of each list."""
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    lines = [f"- {k}: {v}" for k, v in data.items() if _scalar(v) and v not in (None, "")]
    for key, value in data.items():
        if isinstance(value, list) and value:
            lines.append(f"{key} ({len(value)}):")
            for row in value[:5]:
                if isinstance(row, dict):
                    cells = [
                        f"{k}={v}" for k, v in row.items() if _scalar(v) and v not in (None, "")
                    ]
                    lines.append("  - " + ", ".join(cells[:8]))
                else:
                    lines.append(f"  - {row}")
        elif isinstance(value, dict) and value and all(_scalar(v) for v in value.values()):
            lines.append(f"{key}: " + ", ".join(f"{k}={v}" for k, v in list(value.items())[:10]))
    return "\n".join(lines) or ("（没有结果）" if lang == "zh" else "(no result)")


def render(skill: str, result: BaseModel, lang: str) -> str:
    """The answer text for one skill result."""
    renderer = RENDERERS.get(skill) or DATA_RENDERERS.get(skill)
    text = renderer(result, lang) if renderer else generic(result, lang)
    return text if len(text) <= LIMIT else text[: LIMIT - 2].rsplit("\n", 1)[0] + "\n…"
