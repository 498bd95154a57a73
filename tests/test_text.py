"""The one text module: catalogue, money in the store's currency, numbers, language (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopkeeper import text
from shopkeeper.text import detect_lang, messages, money, number, pct, pick, t

SRC = Path(text.__file__).parent


def test_money_uses_the_store_currency() -> None:
    assert money(12, "USD", "en") == "$12.00"
    assert money(12, "CNY", "zh") == "¥12.00"
    assert money(1234.5, "EUR", "en") == "€1,234.50"
    assert money(12, "GBP", "en") == "£12.00"
    assert money(12, "BRL", "zh") == "R$12.00"
    assert money(1234.56, "JPY", "zh") == "¥1,235"
    assert money(12, "CHF", "en") == "CHF 12.00"  # an unknown code, never "¥"
    assert money(-1234.5, "USD", "en", digits=None) == "-$1,234"
    assert money(99.5, "USD", "en", digits=None) == "$99.50"
    assert money(None, "USD", "en") == "—"


@pytest.mark.parametrize("currency", ["", None])
def test_money_without_a_currency_is_an_error(currency: str | None) -> None:
    with pytest.raises(ValueError, match="currency"):
        money(12, currency, "zh")


def test_compact_money() -> None:
    assert money(87_500, "CNY", "zh", compact=True) == "¥8.8万"
    assert money(87_500, "USD", "en", compact=True) == "$87.5k"
    assert money(950, "USD", "en", compact=True) == "$950"


def test_numbers_trim_their_decimals() -> None:
    assert number(12.036) == "12"
    assert number(12.25, 2) == "12.25"
    assert number(1_234_567.0) == "1,234,567"
    assert pct(0.0314) == "3.1%"


def test_detect_lang_one_cjk_range() -> None:
    assert detect_lang("上周卖了多少") == "zh"
    assert detect_lang("SKU 100234 的库存") == "zh"
    assert detect_lang("how much did we sell") == "en"
    assert detect_lang("㐀㐁") == "zh"  # extension A is in the one range
    assert text.has_cjk("豆")
    assert not text.has_cjk("bean")


def test_catalogue_lookup_and_conflicts() -> None:
    messages({"x.hello": ("你好，{name}", "Hello, {name}")}, prefix="test.")
    assert t("test.x.hello", "zh", name="甲") == "你好，甲"
    assert t("test.x.hello", "en", name="A") == "Hello, A"
    messages({"x.hello": ("你好，{name}", "Hello, {name}")}, prefix="test.")  # same text: fine
    with pytest.raises(ValueError, match="twice"):
        messages({"x.hello": ("嗨", "Hi")}, prefix="test.")
    with pytest.raises(KeyError, match=r"test\.nope"):
        t("test.nope", "en")
    assert pick("zh", 1, 2) == 1
    assert pick("en", 1, 2) == 2


def test_the_domain_catalogues_share_one_lookup() -> None:
    from shopkeeper.cs.aftersale.reasons import REASONS, reason
    from shopkeeper.cs.engine import replies  # noqa: F401  (adds the cs.* messages)
    from shopkeeper.reports import text as report_text  # noqa: F401

    assert t("report.daily", "en") == "Daily report"
    assert t("cs.not_found", "zh", order_id="1").startswith("没有找到您名下的订单 1")
    assert all(f"aftersale.{code}" in text.CATALOGUE for code in REASONS)
    assert reason("order.not_shipped").text("en") == "the order has not shipped yet"


def _python_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name != "text.py" or p.parent != SRC)


def test_no_inline_language_choice_left_in_src() -> None:
    """Bilingual text goes through the catalogue (``t``) or ``pick``; no other mechanism."""
    inline = re.compile(r"\bif [\w.]*lang == \"zh\" else\b|\bif [\w.]*lang == \"zh\"\s*$", re.M)
    helper = re.compile(r"^\s*def _t\(", re.M)
    alias = re.compile(r"Literal\[\s*\"zh\",\s*\"en\"\s*\]")
    found = [
        f"{p.relative_to(SRC)}: {what}"
        for p in _python_files()
        for what, pattern in (("inline", inline), ("_t helper", helper), ("Lang alias", alias))
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_one_money_formatter_and_one_language_detector() -> None:
    money_defs = re.compile(r"^def (?:money|short_money)\(value", re.M)
    cjk = re.compile(r"\\u4e00-\\u9f|\\u3400-\\u9f")
    found = [
        str(p.relative_to(SRC))
        for p in _python_files()
        if money_defs.search(p.read_text(encoding="utf-8"))
        or (cjk.search(p.read_text(encoding="utf-8")) and "_CJK" in p.read_text(encoding="utf-8"))
    ]
    assert found == []
