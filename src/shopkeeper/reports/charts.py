"""Charts as inline SVG strings, drawn by pygal: no JavaScript, no external fonts or files.

Text in the charts uses the page's CJK font stack, so Chinese labels render with the reader's
system fonts. Charts are drawn for a ~480-unit-wide view box with large labels, so they stay
readable when a phone scales them down.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import pygal
from pygal.style import Style

from shopkeeper.reports.models import CampaignRow, Funnel, Mover, NamedCount, TrendPoint
from shopkeeper.reports.text import truncate
from shopkeeper.text import money, pct, t

# pygal appends a legacy ``sys.meta_path`` finder (for its map plugins, unused here) that has no
# ``find_spec``: every later failed import then raises an ImportWarning. Take it back out.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

FONT_STACK = (
    '"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei",sans-serif'
)
INK, GRID = "#1f2937", "#e5e7eb"
BLUE, GREEN, RED, AMBER, TEAL = "#2563eb", "#16a34a", "#dc2626", "#d97706", "#0d9488"
WIDTH = 480
BAR_WIDTH = 420
Shorten = Callable[[str, int], str]


def _style(*colors: str) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=GRID,
        guide_stroke_color=GRID,
        major_guide_stroke_color=GRID,
        font_family=FONT_STACK,
        label_font_size=LABEL_SIZE,
        major_label_font_size=LABEL_SIZE,
        value_font_size=13,
        value_label_font_size=13,
        legend_font_size=14,
        title_font_size=15,
        tooltip_font_size=13,
        no_data_font_size=18,
        opacity=".9",
        opacity_hover="1",
        stroke_width=2.5,
        colors=colors or (BLUE,),
        transition="none",
    )


def _common(**extra: Any) -> dict[str, Any]:
    return {
        "js": [],
        "width": BAR_WIDTH if extra.pop("bars", False) else WIDTH,
        "show_legend": False,
        "margin": 6,
        "disable_xml_declaration": True,
        "no_data_text": "—",
        **extra,
    }


LABEL_SIZE = 15


def wide_margin(labels: Sequence[str], size: int = LABEL_SIZE) -> int:
    """Extra left margin for axis labels with CJK characters: pygal sizes every character at 0.6 em,
    a CJK character takes a full em.

    >>> wide_margin(["访客 24,582"]), wide_margin(["visitors"])
    (13, 0)
    """
    return max(
        (round(0.42 * size * sum(1 for ch in label if ord(ch) > 0x2E80)) for label in labels),
        default=0,
    )


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Evenly spaced round ticks from 0 covering ``top``.

    >>> nice_ticks(87548), nice_ticks(0)
    ([0.0, 25000.0, 50000.0, 75000.0, 100000.0], [0.0, 1.0])
    """
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_ID = re.compile(r'id="(chart-[0-9a-f-]{36})"')


def _svg(chart: Any, name: str) -> str:
    """Render to an SVG string with a stable id, no script (pygal inlines its tooltip config even
    without its JS) and no comments (they carry URLs).
    """
    svg: str = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg))
    found = _ID.search(svg)
    if found:
        svg = svg.replace(found.group(1), f"chart-{name}")
    return svg.replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def trend_value(p: TrendPoint, metric: str) -> float | None:
    """A day's value of a trend metric; ``roi`` is derived (ad GMV ÷ spend)."""
    if metric == "roi":
        return p.ad_gmv / p.ad_spend if p.ad_gmv is not None and p.ad_spend else None
    value = getattr(p, metric)
    return float(value) if value is not None else None


def trend_chart(
    points: Sequence[TrendPoint], metric: str, lang: str, currency: str, color: str = BLUE
) -> str:
    """A 30-day line of one metric (``gmv``, ``orders``, ``visitors``, ``ad_spend``, ``roi`` or ``refunds``)."""
    fmt: Callable[[float], str] = (
        (lambda v: money(v, currency, lang, compact=True))
        if metric in ("gmv", "ad_spend")
        else (lambda v: f"{v:.1f}")
        if metric == "roi"
        else (lambda v: f"{v:,.0f}")
    )
    chart = pygal.Line(
        style=_style(color),
        height=230,
        fill=True,
        show_dots=False,
        show_x_guides=False,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=7,
        truncate_label=-1,
        value_formatter=fmt,
        include_x_axis=True,
        **_common(),
    )
    chart.y_labels = nice_ticks(max((trend_value(p, metric) or 0.0 for p in points), default=0.0))
    chart.x_labels = [p.date.strftime("%m-%d") for p in points]
    values = [trend_value(p, metric) for p in points]
    chart.add(t(f"chart.{metric}", lang), values)
    return _svg(chart, f"trend-{metric}")


def funnel_chart(funnel: Funnel, lang: str) -> str:
    """Visitors → add-to-cart → buyers as horizontal bars; each label carries its count and its rate."""
    steps = [("visitors", funnel.visitors)]
    if funnel.add_to_cart is not None:
        steps.append(("add_to_cart", funnel.add_to_cart))
    steps.append(("buyers", funnel.buyers))
    top = funnel.visitors or 1
    labels = [
        f"{t(f'funnel.{k}', lang)} {v:,}" + ("" if k == "visitors" else f" · {pct(v / top)}")
        for k, v in steps
    ]
    chart = pygal.HorizontalBar(
        style=_style(BLUE),
        height=40 + 52 * len(steps),
        show_y_guides=False,
        show_x_labels=False,
        spacing=10,
        truncate_label=-1,
        **_common(bars=True, margin_left=6 + wide_margin(labels)),
    )
    chart.x_labels = list(reversed(labels))
    chart.add("", [v for _, v in reversed(steps)])
    return _svg(chart, "funnel")


def movers_chart(
    rising: Sequence[Mover],
    falling: Sequence[Mover],
    lang: str,
    currency: str,
    short: Shorten = truncate,
) -> str:
    """GMV change of the top risers (green) and fallers (red)."""
    movers = list(rising) + list(reversed(falling))
    labels = [short(m.title, 20) for m in reversed(movers)]
    chart = pygal.HorizontalBar(
        style=_style(GREEN, RED),
        height=80 + 32 * max(len(movers), 1),
        x_labels_major_count=3,
        show_minor_x_labels=False,
        value_formatter=lambda v: money(v, currency, lang, compact=True),
        truncate_label=-1,
        spacing=6,
        **_common(bars=True, margin_left=6 + wide_margin(labels)),
    )
    chart.x_labels = labels
    chart.add(
        t("chart.change", lang),
        [{"value": m.change, "color": GREEN if m.change > 0 else RED} for m in reversed(movers)],
    )
    return _svg(chart, "movers")


def counts_chart(items: Sequence[NamedCount], name: str, color: str = AMBER) -> str:
    """Counts of reasons or topics, largest at the top, labelled with their share."""
    labels = [f"{truncate(i.label, 16)} {pct(i.share, 0)}" for i in reversed(items)]
    chart = pygal.HorizontalBar(
        style=_style(color),
        height=40 + 40 * max(len(items), 1),
        show_x_labels=False,
        show_y_guides=False,
        truncate_label=-1,
        spacing=8,
        **_common(bars=True, margin_left=6 + wide_margin(labels)),
    )
    chart.x_labels = labels
    chart.add("", [i.count for i in reversed(items)])
    return _svg(chart, name)


def campaigns_chart(
    rows: Sequence[CampaignRow], target: float | None, lang: str, short: Shorten = truncate
) -> str:
    """ROI of the best and worst campaigns; green at or above their target, red below."""
    ordered = list(reversed(rows))
    labels = [f"{short(r.name, 20)} {r.roi or 0:.2f}" for r in ordered]
    chart = pygal.HorizontalBar(
        style=_style(GREEN, RED),
        height=40 + 38 * max(len(rows), 1),
        show_x_labels=False,
        show_y_guides=False,
        truncate_label=-1,
        spacing=6,
        **_common(bars=True, margin_left=6 + wide_margin(labels)),
    )
    chart.x_labels = labels

    def ok(r: CampaignRow) -> bool:
        goal = r.target_roi or target
        return goal is None or (r.roi or 0) >= goal

    chart.add(
        t("chart.roi", lang),
        [{"value": r.roi or 0, "color": GREEN if ok(r) else RED} for r in ordered],
    )
    return _svg(chart, "campaigns")
