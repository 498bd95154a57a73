"""The knowledge base of the zh demo store: built, searched, rebuilt incrementally, over the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.cs.kb import BuildReport, KnowledgeBase, build, open_kb, supported
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from ...dates import END
from .docs import POLICY_MD, write_faq_xlsx

STORE = "demo"
runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, BuildReport, Path]]:
    """The zh demo store (scale 0.2) with an FAQ sheet and a policy page added, built once."""
    root = tmp_path_factory.mktemp("kb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(root / "home"))
        get_settings.cache_clear()
        settings = Settings()
        create_demo(settings, STORE, scale=0.2, seed=11, end_date=END)
        docs = root / "docs"
        docs.mkdir()
        write_faq_xlsx(
            docs / "faq.xlsx",
            [
                ("可以开增值税发票吗", "可以，在订单详情页申请电子发票，1-3个工作日开具。"),
                ("咖啡豆可以帮忙磨粉吗", "可以，下单时备注研磨度（手冲/意式/法压）即可。"),
            ],
            ("问题", "答案"),
        )
        (docs / "售后政策.md").write_text(POLICY_MD, encoding="utf-8")
        report = build(settings, STORE, add=[docs])
        yield settings, report, docs
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def kb(home: tuple[Settings, BuildReport, Path]) -> KnowledgeBase:
    return open_kb(home[0], STORE)


def test_build_holds_every_kind_with_numbers_from_the_warehouse(
    home: tuple[Settings, BuildReport, Path], kb: KnowledgeBase
) -> None:
    settings, report, _ = home
    assert set(report.by_kind) == {"product", "sku", "promotion", "chat_qa", "faq", "policy"}
    assert report.documents == 2
    assert report.reused == 0
    assert report.embedded < report.entries  # a SKU shares its listing's vector
    with Warehouse.open(settings.store_dir(STORE), read_only=True) as wh:
        prices = dict(wh.con.execute("SELECT sku_id, price::DOUBLE FROM products").fetchall())
    skus = [e for e in kb.entries if e.kind == "sku"]
    assert len(skus) == len(prices)
    assert all(e.fields["price"] == prices[e.fields["sku_id"]] for e in skus)
    assert all(e.source.ref == f"products:sku_id={e.fields['sku_id']}" for e in skus)


def test_a_material_question_finds_the_product(kb: KnowledgeBase) -> None:
    hits = kb.search("咖啡滤纸是什么材质的？", k=3)
    assert any("滤纸" in h.entry.title and "原木浆" in h.entry.text for h in hits)
    assert supported(hits, "咖啡滤纸是什么材质的？")


def test_a_price_question_finds_the_sku_with_its_price(kb: KnowledgeBase) -> None:
    sku = next(
        e for e in kb.entries if e.kind == "sku" and "巴西喜拉多" in e.title and "浅烘焙" in e.title
    )
    question = f"巴西喜拉多咖啡豆 浅烘焙 {sku.fields['variant']} 多少钱"
    hits = kb.search(question, k=3, kinds=["sku"])
    assert sku.id in [h.entry.id for h in hits]
    assert f"{sku.fields['price']:.2f}" in sku.text
    by_id = kb.search(f"SKU {sku.fields['sku_id']} 还有货吗", k=1)
    assert by_id[0].entry.id == sku.id
    assert "id" in by_id[0].boosts


def test_a_paraphrased_faq_question_finds_the_faq(kb: KnowledgeBase) -> None:
    hits = kb.search("能给我开个发票不", k=3)
    assert hits[0].entry.kind == "faq"
    assert "发票" in hits[0].entry.title
    assert hits[0].citation == "faq.xlsx[FAQ]:row 3"
    assert supported(hits, "能给我开个发票不")
    grind = kb.search("豆子能磨成粉吗", k=3)
    assert any(h.entry.title == "咖啡豆可以帮忙磨粉吗" for h in grind)


def test_policy_and_chat_answers_are_found(kb: KnowledgeBase) -> None:
    hits = kb.search("拆开了还能七天无理由退货吗", k=3)
    assert {h.entry.kind for h in hits} & {"policy", "chat_qa"}
    assert any("七天无理由" in h.entry.text for h in hits)


def test_running_promotions_come_first(kb: KnowledgeBase) -> None:
    double_11 = next(e for e in kb.entries if e.title == "双11全球狂欢节")
    during = dt.datetime.fromisoformat(str(double_11.fields["start_at"])) + dt.timedelta(days=1)
    hits = kb.search("现在有什么优惠活动", k=3, kinds=["promotion"], now=during)
    assert all(h.entry.kind == "promotion" for h in hits)
    assert "running" in hits[0].boosts
    assert double_11.id in [h.entry.id for h in hits]
    after = kb.search(
        "双11有什么优惠", k=1, kinds=["promotion"], now=during + dt.timedelta(days=60)
    )
    assert "ended" in after[0].boosts
    scoped = kb.search("优惠", k=50, filters={"promotion_kind": "coupon"}, now=during)
    assert scoped
    assert all(h.entry.fields["promotion_kind"] == "coupon" for h in scoped)


@pytest.mark.parametrize("question", ["今天天气怎么样", "怎么煮意大利面", "你们老板是谁"])
def test_unrelated_questions_are_not_supported(kb: KnowledgeBase, question: str) -> None:
    assert not supported(kb.search(question, k=5), question)


def test_rebuilds_are_incremental(home: tuple[Settings, BuildReport, Path]) -> None:
    settings, first, docs = home
    again = build(settings, STORE)
    assert again.entries == first.entries
    assert again.embedded == 0
    assert again.removed == 0
    (docs / "售后政策.md").write_text(POLICY_MD.replace("48小时", "24小时"), encoding="utf-8")
    edited = build(settings, STORE)
    assert edited.embedded == 1
    assert edited.entries == first.entries
    (docs / "售后政策.md").unlink()
    removed = build(settings, STORE)
    assert removed.removed == 2
    assert "policy" not in removed.by_kind
    assert removed.embedded == 0


def test_cli_search_list_and_errors(home: tuple[Settings, BuildReport, Path]) -> None:
    result = runner.invoke(
        app, ["cs", "kb", "search", "可以开发票吗", "--store", STORE, "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["supported"]
    assert answer["hits"][0]["citation"].startswith("faq.xlsx")
    text = runner.invoke(app, ["cs", "kb", "search", "咖啡滤纸的材质", "--store", STORE])
    assert text.exit_code == 0
    assert "滤纸" in text.output
    assert "supported" in text.output
    listed = runner.invoke(app, ["cs", "kb", "list", "--store", STORE, "-k", "faq", "-f", "json"])
    assert [e["kind"] for e in json.loads(listed.output)] == ["faq", "faq"]
    built = runner.invoke(app, ["cs", "kb", "build", "--store", STORE, "-f", "json"])
    assert built.exit_code == 0
    assert json.loads(built.output)["embedded"] == 0
    missing = runner.invoke(app, ["cs", "kb", "search", "x", "--store", "nope"])
    assert missing.exit_code == 1
    assert "nope" in missing.output
    bad = runner.invoke(app, ["cs", "kb", "add", str(home[2] / "none.md"), "--store", STORE])
    assert bad.exit_code == 1
    assert "none.md" in bad.output
