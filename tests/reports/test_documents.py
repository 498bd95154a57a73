"""The documents: one JSON shape for every role, role cuts that differ, self-contained HTML with
inline SVG, IM markdown under its limit, Chinese and English."""

from __future__ import annotations

import re

import pytest

from shopkeeper.reports.html import render_report_html
from shopkeeper.reports.markdown import LIMIT, render_report_md
from shopkeeper.reports.models import Report
from shopkeeper.reports.service import run_report
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO

ROLES = ("owner", "ops", "cs", "ads")
TOP_KEYS = {
    "version",
    "store",
    "store_name",
    "platform",
    "currency",
    "kind",
    "role",
    "lang",
    "period",
    "period_promotions",
    "comparisons",
    "generated_at",
    "kpis",
    "decisions",
    "findings",
    "movers",
    "sections",
    "trend",
    "funnel",
    "plan",
    "upcoming_promotions",
    "missing",
}
SECTIONS = {"stock", "shipping", "listings", "refunds", "reviews", "chat", "campaigns"}


@pytest.fixture(scope="module")
def reports(demo_home: Settings) -> dict[tuple[str, str], Report]:
    demo = app_context(demo_home).store(DEMO)
    return {
        (kind, role): run_report(demo, kind=kind, role=role)  # type: ignore[arg-type]
        for kind in ("daily", "weekly")
        for role in ROLES
    }


def test_json_has_one_shape_for_every_role(reports: dict[tuple[str, str], Report]) -> None:
    for r in reports.values():
        data = r.model_dump(mode="json")
        assert set(data) == TOP_KEYS
        assert set(data["sections"]) == SECTIONS
        assert data["version"] == 1
        for k in data["kpis"]:
            assert set(k) >= {
                "key",
                "label",
                "unit",
                "better",
                "value",
                "previous",
                "baseline",
                "target",
            }
            assert set(k["previous"]) == {"value", "diff", "ratio", "trend"}
        assert {c["key"] for c in data["comparisons"]} == {"previous", "baseline"}


def test_roles_are_different_cuts(reports: dict[tuple[str, str], Report]) -> None:
    cut = {role: reports[("daily", role)] for role in ROLES}
    keys = {role: {k.key for k in r.kpis} for role, r in cut.items()}
    assert {"gmv", "aov", "roi", "ship_on_time"} <= keys["owner"]
    assert {"units", "ship_on_time"} <= keys["ops"]
    assert "ad_spend" not in keys["ops"]
    assert {"refund_rate", "avg_rating", "conversations"} <= keys["cs"]
    assert "gmv" not in keys["cs"]
    assert {"ad_spend", "roi", "cpc"} <= keys["ads"]
    assert "refund_rate" not in keys["ads"]
    assert len(cut["owner"].decisions) == 3
    assert not cut["ops"].decisions
    present = {
        role: {name for name, sec in r.sections if sec is not None} for role, r in cut.items()
    }
    assert present == {
        "owner": set(),
        "ops": {"stock", "shipping", "listings"},
        "cs": {"refunds", "reviews", "chat"},
        "ads": {"campaigns"},
    }
    assert cut["owner"].findings.total >= max(cut[r].findings.total for r in ("ops", "cs", "ads"))
    assert {f.kind for f in cut["cs"].findings.top} <= {
        "negative_reviews",
        "refund_spike",
        "shipping_delay",
        "abnormal_address",
    }
    assert all(
        f.kind.startswith("ad_") or f.kind in {"keyword_opportunity", "traffic_black_hole"}
        for f in cut["ads"].findings.top
    )
    chat = cut["cs"].sections.chat
    assert chat is not None
    assert chat.topics
    assert chat.topics[0].count >= chat.topics[-1].count
    campaigns = cut["ads"].sections.campaigns
    assert campaigns is not None
    assert campaigns.top
    assert campaigns.spend > 0


def test_html_is_one_self_contained_file(reports: dict[tuple[str, str], Report]) -> None:
    for r in reports.values():
        html = render_report_html(r)
        assert html.startswith("<!doctype html>")
        assert '<meta name="viewport"' in html
        assert "<svg" in html
        assert "<script" not in html
        assert "<link" not in html
        assert "@import" not in html
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
        assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
        assert '"Noto Sans CJK SC"' in html
        assert "PingFang SC" in html
        assert "<table" not in html or r.role != "owner" or r.movers is not None


def test_html_is_in_the_store_language_and_escapes(
    reports: dict[tuple[str, str], Report], demo_home: Settings
) -> None:
    zh = render_report_html(reports[("daily", "owner")])
    assert "日报" in zh
    assert "核心指标" in zh
    assert 'lang="zh-CN"' in zh
    en = render_report_html(
        run_report(app_context(demo_home).store(DEMO), kind="weekly", role="owner", lang="en")
    )
    assert "Weekly report" in en
    assert "Key figures" in en
    assert "Plan for the coming week" in en
    assert "核心指标" not in en
    evil = reports[("daily", "owner")].model_copy(
        update={"store_name": "<script>alert(1)</script>"}
    )
    assert "<script>alert" not in render_report_html(evil)


def test_markdown_fits_an_im_push(reports: dict[tuple[str, str], Report]) -> None:
    for r in reports.values():
        md = render_report_md(r)
        assert len(md) < LIMIT
        assert md.startswith("## ")
        assert not re.search(r"<(table|div|span|br|p)\b", md)
        assert "|---" not in md
        assert "▲" in md or "▼" in md or "→" in md
    owner = render_report_md(reports[("daily", "owner")])
    assert "今天要拍板的三件事" in owner
    assert "支付金额" in owner
    assert "下周计划" in render_report_md(reports[("weekly", "owner")])


def test_markdown_shrinks_to_fit(reports: dict[tuple[str, str], Report]) -> None:
    r = reports[("daily", "owner")]
    long = [
        f.model_copy(update={"title": "很长的标题" * 40, "recommendation": "很长的建议" * 40})
        for f in r.findings.top
    ]
    crowded = r.model_copy(update={"findings": r.findings.model_copy(update={"top": long * 3})})
    assert len(render_report_md(crowded)) < LIMIT
    assert len(render_report_md(crowded, limit=1500)) < 1500


def test_a_report_reads_one_connection(
    demo_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inspection a report runs reads the report's own connection (what it computed once per
    connection, such as the paid orders per day, is not read again)."""
    opened: list[object] = []
    real = Warehouse.open

    def counting(directory: object, **kwargs: object) -> object:
        opened.append(directory)
        return real(directory, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Warehouse, "open", counting)
    run_report(app_context(demo_home).store(DEMO), kind="daily", role="owner")
    assert len(opened) == 1
