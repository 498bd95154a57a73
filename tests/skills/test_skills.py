"""Built-in skills on a generated store, checked against independent SQL; the example pack."""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import store_dir
from shopkeeper.store.zone import use_zone

from ..contexts import app_context
from ..dates import END

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "skillpack"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> SkillContext:
    home = tmp_path_factory.mktemp("skills")
    generate_store(home / "src", scale=0.1, seed=41, end_date=END)
    import_store(home / "src", "shop", settings=Settings(home=home))
    return app_context(Settings(home=home)).store("shop", "en")


def _sql(ctx: SkillContext, sql: str, params: list[object]) -> tuple[object, ...]:
    con = duckdb.connect(str(store_dir(ctx.settings, "shop") / "warehouse.duckdb"), read_only=True)
    try:
        use_zone(con, "Asia/Shanghai")
        return con.execute(sql, params).fetchall()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_sales_summary_matches_sql(shop: SkillContext) -> None:
    result = load_registry(packs=[]).get("sales_summary")(shop, {"days": 7})
    assert (result.end - result.start).days == 6  # type: ignore[attr-defined]
    gmv, orders = _sql(
        shop,
        """SELECT sum(pay_amount)::DOUBLE, count(*) FROM orders
           WHERE status NOT IN ('cancelled', 'closed', 'created') AND CAST(created_at AS DATE) BETWEEN ? AND ?""",
        [result.start, result.end],  # type: ignore[attr-defined]
    )
    assert result.orders == orders  # type: ignore[attr-defined]
    assert result.gmv == pytest.approx(gmv, rel=1e-6)  # type: ignore[attr-defined]
    assert sum(d.orders for d in result.days) == orders  # type: ignore[attr-defined]


@pytest.mark.slow
def test_top_and_bottom_products(shop: SkillContext) -> None:
    top = load_registry(packs=[]).get("top_products")
    best = top(shop, {"days": 28, "limit": 5}).products  # type: ignore[attr-defined]
    worst = top(shop, {"days": 28, "limit": 5, "order": "bottom"}).products  # type: ignore[attr-defined]
    assert [p.gmv for p in best] == sorted((p.gmv for p in best), reverse=True)
    assert best[0].gmv > worst[0].gmv
    assert {p.product_id for p in best}.isdisjoint({p.product_id for p in worst})


@pytest.mark.slow
def test_inspection_skill_filters(shop: SkillContext) -> None:
    report = load_registry(packs=[]).get("inspect_store")(
        shop, {"kinds": ["shipping_delay"], "limit": 3}
    )
    assert report.findings  # type: ignore[attr-defined]
    assert len(report.findings) <= 3  # type: ignore[attr-defined]
    assert {f.kind for f in report.findings} == {"shipping_delay"}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_example_pack_loads_through_its_entry_point(
    shop: SkillContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    ep = EntryPoint(
        name="example", value="shopkeeper_example_pack:register", group="shopkeeper.skills"
    )
    registry = load_registry(packs=[ep])
    s = registry.get("repeat_buyers")
    assert s.pack == "example"
    result = s(shop, {"days": 60})
    assert 0 < result.repeat_buyers < result.buyers  # type: ignore[attr-defined]
    end = result.end  # type: ignore[attr-defined]
    buyers = _sql(
        shop,
        """SELECT count(DISTINCT customer_id) FROM orders
                           WHERE status NOT IN ('cancelled', 'closed', 'created')
                             AND CAST(created_at AS DATE) BETWEEN ? AND ?""",
        [end - dt.timedelta(days=59), end],
    )[0]
    assert result.buyers == buyers  # type: ignore[attr-defined]
    sys.modules.pop("shopkeeper_example_pack", None)


@pytest.mark.slow
def test_cli_list_show_run(shop: SkillContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_HOME", str(shop.settings.home))
    from shopkeeper.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    listed = json.loads(runner.invoke(app, ["skills", "list", "--format", "json"]).stdout)
    assert "sales_summary" in {s["name"] for s in listed}
    shown = json.loads(runner.invoke(app, ["skills", "show", "top_products"]).stdout)
    assert shown["input_schema"]["properties"]["by"]["enum"] == ["gmv", "units"]
    ran = runner.invoke(
        app, ["skills", "run", "top_products", "--store", "shop", "-a", "limit=2", "-a", "by=units"]
    )
    assert ran.exit_code == 0, ran.stderr
    assert len(json.loads(ran.stdout)["products"]) == 2
    bad = runner.invoke(app, ["skills", "run", "top_products", "--store", "shop", "-a", "limit=0"])
    assert bad.exit_code == 1
    assert "not valid" in bad.stderr
    get_settings.cache_clear()
