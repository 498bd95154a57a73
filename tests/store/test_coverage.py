"""The default day (last complete day of real trading) and the gaps of a store's tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkeeper.settings import Settings
from shopkeeper.store.coverage import Coverage, default_day, last_trading_day, trading_stop
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

START = dt.date(2026, 1, 1)


def build(
    tmp: Path,
    *,
    days: int = 120,
    per_day: int = 20,
    stragglers: tuple[tuple[int, str], ...] = (),
    refunds_until: int | None = None,
    refund_hole: tuple[int, int] | None = None,
) -> Warehouse:
    """A store selling ``per_day`` orders a day for ``days`` days, then the ``stragglers``
    (day offset, status); with refunds on every trading day up to ``refunds_until``."""
    folder = tmp / "src"
    folder.mkdir()
    (folder / "store.toml").write_text('name = "t"\ntimezone = "UTC"\n', encoding="utf-8")
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders = ["order_id,customer_id,created_at,status"]
    items = ["order_id,sku_id,quantity,unit_price"]
    refunds = ["refund_id,order_id,created_at,kind"]
    n = 0
    for d in range(days):
        day = START + dt.timedelta(days=d)
        for k in range(per_day):
            n += 1
            orders.append(f"O{n},c{k},{day} {9 + k % 10:02d}:00:00,completed")
            items.append(f"O{n},S1,1,10")
        no_refund = refund_hole is not None and refund_hole[0] <= d <= refund_hole[1]
        if refunds_until is not None and d <= refunds_until and not no_refund:
            refunds.append(f"R{n},O{n},{day} 18:00:00,refund_only")
    for offset, status in stragglers:
        n += 1
        orders.append(f"O{n},x,{START + dt.timedelta(days=offset)} 10:00:00,{status}")
        items.append(f"O{n},S1,1,10")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    if refunds_until is not None:
        (folder / "refunds.csv").write_text("\n".join(refunds) + "\n", encoding="utf-8")
    settings = Settings(home=tmp / "home")
    import_store(folder, "t", settings=settings)
    return Warehouse.open(store_dir(settings, "t"), read_only=True)


def test_one_cancelled_order_weeks_later_is_not_the_default_day(tmp_path: Path) -> None:
    with build(tmp_path, stragglers=((170, "cancelled"), (150, "completed"))) as wh:
        assert default_day(wh.con) == START + dt.timedelta(days=119)
        stop = trading_stop(wh.con)
    assert stop is not None
    assert stop.orders_after == 2
    assert stop.last_order == START + dt.timedelta(days=170)


def test_a_store_still_trading_ends_on_its_last_day(tmp_path: Path) -> None:
    with build(tmp_path) as wh:
        assert default_day(wh.con) == START + dt.timedelta(days=119)
        assert trading_stop(wh.con) is None


def test_a_collapse_that_still_sells_every_day_is_trading_not_a_stop() -> None:
    daily = {START + dt.timedelta(days=d): 200 for d in range(100)}
    daily |= {START + dt.timedelta(days=d): 10 for d in range(100, 121)}  # 5% of normal, daily
    assert last_trading_day(daily) == START + dt.timedelta(days=120)


def test_a_small_shop_selling_every_few_days_is_trading() -> None:
    daily = {START + dt.timedelta(days=d): 1 for d in range(0, 200, 9)}
    assert last_trading_day(daily) == max(daily)


def test_refunds_ending_months_before_the_orders_are_a_gap(tmp_path: Path) -> None:
    with build(tmp_path, refunds_until=30) as wh:
        cov = Coverage.of(wh.con)
    [gap] = cov.gaps
    assert (gap.table, gap.kind, gap.start) == ("refunds", "stops", START + dt.timedelta(days=31))
    end = START + dt.timedelta(days=119)
    assert cov.unknown("refunds", end, end)
    assert not cov.unknown("refunds", START, START + dt.timedelta(days=20))


def test_a_hole_is_a_gap_and_a_quiet_day_is_not(tmp_path: Path) -> None:
    with build(tmp_path, refunds_until=119, refund_hole=(50, 59)) as wh:
        gaps = Coverage.of(wh.con).gaps
    assert [(g.kind, g.start, g.end) for g in gaps] == [
        ("hole", START + dt.timedelta(days=50), START + dt.timedelta(days=59))
    ]


def test_sparse_rows_with_quiet_days_have_no_gap() -> None:
    from shopkeeper.store.coverage import _gaps_of

    orders = {START + dt.timedelta(days=d): 5 for d in range(60)}
    rows = {START + dt.timedelta(days=d): 1 for d in range(0, 60, 4)}  # a refund every 4th day
    assert _gaps_of("refunds", rows, orders, START + dt.timedelta(days=59)) == []


def test_creatives_are_not_a_daily_table_their_stats_are() -> None:
    from shopkeeper.inspection.tables import DAILY_TABLES as SEEN_BY_THE_DATA_PAGE
    from shopkeeper.store.coverage import DAILY_TABLES, GAP_TABLES

    assert SEEN_BY_THE_DATA_PAGE is DAILY_TABLES  # one definition
    assert "creatives" not in DAILY_TABLES
    assert "creative_stats" in DAILY_TABLES
    assert {"orders", "traffic", "refunds"} <= set(DAILY_TABLES)
    assert set(GAP_TABLES) == set(DAILY_TABLES) - {"orders", "inventory"}
