"""A US store's money reads "$" in ``ask`` answers exactly as in its report (issue 11)."""

from __future__ import annotations

from shopkeeper.reports.markdown import render_report_md
from shopkeeper.skills.render import answer
from shopkeeper.text import money

from ..dates import END
from .conftest import Stores


def test_ask_and_report_of_a_us_store_print_the_same_dollars(stores: Stores) -> None:
    sales = stores.run("en", "sales_summary", {"start": END, "end": END})
    report = stores.run("en", "daily_report", {"date": END})
    gmv = report.kpi("gmv")
    assert report.currency == sales.currency == "USD"
    assert gmv is not None
    assert gmv.value == sales.gmv
    asked, document = answer(sales, "en"), render_report_md(report)
    assert money(sales.gmv, "USD", "en") in asked
    assert money(gmv.value, "USD", "en", digits=None) in document
    assert "¥" not in asked
    assert "USD " not in asked
    top = answer(stores.run("en", "top_products", {"days": 7}), "en")
    assert "$" in top
    assert "¥" not in top


def test_ask_inspection_of_a_us_store_prints_dollars(stores: Stores) -> None:
    found = stores.run("en", "inspect_store", {})
    asked = answer(found, "en")
    assert found.currency == "USD"
    assert "¥" not in asked
