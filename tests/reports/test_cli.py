"""``shopkeeper report`` and ``shopkeeper inspect --format md|html`` through Typer's CliRunner, and a
store with only the required tables."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.settings import Settings

from .conftest import BARE, DEMO

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_daily_markdown_by_default(demo_home: Settings) -> None:
    code, out, _ = invoke("report", "daily", "--store", DEMO)
    assert code == 0
    assert out.startswith("## ")
    assert "日报" in out
    assert len(out) < 4000


def test_weekly_json_for_a_role(demo_home: Settings) -> None:
    code, out, _ = invoke("report", "weekly", "--store", DEMO, "--role", "ads", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "weekly"
    assert data["role"] == "ads"
    assert data["sections"]["campaigns"]["available"]
    assert 3 <= len(data["plan"]) <= 5


def test_html_to_a_file_in_english(demo_home: Settings, tmp_path: Path) -> None:
    out = tmp_path / "r" / "daily.html"
    code, stdout, _ = invoke(
        "report",
        "daily",
        "--store",
        DEMO,
        "--role",
        "cs",
        "--format",
        "html",
        "--lang",
        "en",
        "--date",
        "2026-11-01",
        "--out",
        str(out),
    )
    assert code == 0
    assert str(out) in stdout
    html = out.read_text(encoding="utf-8")
    assert "Customer service view" in html
    assert "<svg" in html


def test_inspection_as_documents(demo_home: Settings, tmp_path: Path) -> None:
    code, md, _ = invoke("inspect", "--store", DEMO, "--format", "md")
    assert code == 0
    assert md.startswith("## ")
    assert "巡店报告" in md
    assert len(md) < 4000
    out = tmp_path / "inspection.html"
    code, _, _ = invoke(
        "inspect", "--store", DEMO, "--format", "html", "--out", str(out), "--lang", "en"
    )
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "Store inspection" in html
    assert "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    code, out_json, _ = invoke("inspect", "--store", DEMO, "--format", "json")
    assert code == 0
    assert "findings" in json.loads(out_json)


def test_bad_date_and_unknown_store(demo_home: Settings) -> None:
    code, _, err = invoke("report", "daily", "--store", DEMO, "--date", "21/11/2026")
    assert code == 2
    assert "YYYY-MM-DD" in err
    code, _, err = invoke("report", "weekly", "--store", "nope")
    assert code == 1
    assert "no store named 'nope'" in err


def test_a_store_with_only_the_required_tables_still_reports(demo_home: Settings) -> None:
    code, out, _ = invoke("report", "daily", "--store", BARE, "--format", "json")
    assert code == 0
    data = json.loads(out)
    gmv = next(k for k in data["kpis"] if k["key"] == "gmv")
    assert gmv["value"] > 0
    visitors = next(k for k in data["kpis"] if k["key"] == "visitors")
    assert visitors["value"] is None
    assert "traffic" in visitors["note"]
    missing = {m["section"]: m["tables"] for m in data["missing"]}
    assert missing["funnel"] == ["traffic"]
    assert missing["kpi:roi"] == ["ad_campaigns"]
    assert data["funnel"] is None
    for role, section, table in (
        ("cs", "chat", "messages"),
        ("ads", "campaigns", "ad_campaigns"),
        ("ops", "stock", "inventory"),
    ):
        code, out, _ = invoke(
            "report", "weekly", "--store", BARE, "--role", role, "--format", "json"
        )
        assert code == 0
        sec = json.loads(out)["sections"][section]
        assert sec["available"] is False
        assert sec["missing"] == [table]
    code, md, _ = invoke("report", "daily", "--store", BARE)
    assert code == 0
    assert "缺少数据" in md
    code, html, _ = invoke("report", "weekly", "--store", BARE, "--role", "cs", "--format", "html")
    assert code == 0
    assert "缺少售后数据（refunds）" in html
    assert "缺少客服聊天记录（messages）" in html
