"""Rows per day are counted once, at import, in the store's time zone: what a command reads is
exactly what counting live gives; a session in another zone, an older counting or a warehouse of
the previous release never trusts them, and the previous release's warehouse is counted when it is
first opened — in the store's zone, not the upkeep connection's UTC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopkeeper.settings import Settings
from shopkeeper.store import coverage, day_counts
from shopkeeper.store.coverage import day_range, paid_orders_per_day, table_days
from shopkeeper.store.day_counts import (
    COUNTS_TABLE,
    DAILY_TABLES,
    PAID_ORDERS,
    count_live,
    counts_current,
    kept_counts,
)
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import MIGRATIONS, Warehouse, store_dir

START = dt.date(2026, 3, 1)


def _store(tmp: Path, *, late_evening: bool = True) -> Path:
    """A Shanghai store: orders at 23:30 local (15:30 UTC) and at 00:30 local (the UTC day before),
    some cancelled, with refunds."""
    folder = tmp / "src"
    folder.mkdir()
    (folder / "store.toml").write_text(
        'name = "z"\ntimezone = "Asia/Shanghai"\ncurrency = "CNY"\n', encoding="utf-8"
    )
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders = ["order_id,customer_id,created_at,status"]
    items = ["order_id,sku_id,quantity,unit_price"]
    refunds = ["refund_id,order_id,created_at,kind"]
    for d in range(40):
        day = START + dt.timedelta(days=d)
        for k in range(6):
            oid = f"O{d}-{k}"
            hour = "00:30:00" if k % 2 else ("23:30:00" if late_evening else "12:00:00")
            status = "cancelled" if k == 5 else "completed"
            orders.append(f"{oid},c{k},{day}T{hour}+08:00,{status}")
            items.append(f"{oid},S1,1,10")
        refunds.append(f"R{d},O{d}-0,{day}T23:50:00+08:00,refund_only")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    (folder / "refunds.csv").write_text("\n".join(refunds) + "\n", encoding="utf-8")
    settings = Settings(home=tmp / "home")
    import_store(folder, "z", settings=settings)
    return store_dir(settings, "z")


def test_the_import_keeps_exactly_what_counting_live_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _store(tmp_path)
    with Warehouse.open(path, read_only=True) as wh:
        kept = kept_counts(wh.con)
        assert kept is not None
        for key in (*DAILY_TABLES, PAID_ORDERS):
            assert kept[key] == count_live(wh.con, key), key
        assert sum(kept["orders"].values()) == 240
        assert sum(kept[PAID_ORDERS].values()) == 200  # the cancelled ones are not paid
        assert set(kept["orders"].values()) == {6}  # every local day holds its six orders

    def never(*_: object) -> None:
        raise AssertionError("counted live although the import's counts hold")

    monkeypatch.setattr(coverage, "count_live", never)
    with Warehouse.open(path, read_only=True) as wh:
        assert day_range(wh.con, "orders") == (START, START + dt.timedelta(days=39))
        assert paid_orders_per_day(wh.con) == kept[PAID_ORDERS]


def test_a_session_in_another_zone_counts_its_own_days(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with Warehouse.open(path, read_only=True, timezone="UTC") as wh:
        assert kept_counts(wh.con) is None
        days = table_days(wh.con, "orders")
        assert days == count_live(wh.con, "orders")
        # 00:30 in Shanghai is the UTC day before: the first UTC day holds three orders
        assert days[START - dt.timedelta(days=1)] == 3


def test_counts_of_another_counting_are_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _store(tmp_path)
    monkeypatch.setattr(day_counts, "COUNTING", "a-later-release")
    with Warehouse.open(path) as wh:  # a writer does not recount on its own
        assert not counts_current(wh.con)
        assert kept_counts(wh.con) is None
    with Warehouse.open(path, read_only=True) as wh:  # the next read brings them up to date
        assert counts_current(wh.con)
        assert kept_counts(wh.con) is not None


def test_a_warehouse_of_the_previous_release_is_counted_in_its_zone_when_opened(
    tmp_path: Path,
) -> None:
    path = _store(tmp_path)
    with Warehouse.open(path) as wh:
        expected = count_live(wh.con, "orders")
        wh.con.execute(f"DROP TABLE {COUNTS_TABLE}")
        wh.con.execute("DELETE FROM _store WHERE key = 'day_counts'")
        wh.con.execute("DELETE FROM _migrations WHERE version = ?", [len(MIGRATIONS)])
    with Warehouse.open(path, read_only=True) as wh:
        kept = kept_counts(wh.con)
        assert kept is not None
        assert kept["orders"] == expected
        assert set(kept["orders"].values()) == {6}


def test_a_reimport_recounts(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with Warehouse.open(path, read_only=True) as wh:
        first = kept_counts(wh.con)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "store.toml").write_text(
        'name = "z"\ntimezone = "Asia/Shanghai"\ncurrency = "CNY"\n', encoding="utf-8"
    )
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_at,status\nN1,c1,2026-04-15T10:00:00+08:00,completed\n",
        encoding="utf-8",
    )
    import_store(folder, "z", settings=Settings(home=tmp_path / "home"))
    with Warehouse.open(path, read_only=True) as wh:
        again = kept_counts(wh.con)
    assert first is not None
    assert again is not None
    assert again["orders"][dt.date(2026, 4, 15)] == 1
    assert dt.date(2026, 4, 15) not in first["orders"]
