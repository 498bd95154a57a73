"""Warehouse questions asked in as few statements as their answers allow (issue #11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from shopkeeper.store.memo import import_key
from shopkeeper.store.query import Query
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse, migrate
from shopkeeper.store.zone import use_zone

from .counting import Counting


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    migrate(con)
    use_zone(con, "Asia/Shanghai")
    yield con
    con.close()


def test_import_key_is_one_statement(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "INSERT INTO _imports (import_id, finished_at) VALUES "
        "(1, '2026-11-01 10:00:00+08'), (2, '2026-11-02 10:00:00+08')"
    )
    counted = Counting(con)
    key = import_key(counted.typed)
    assert len(counted.sql) == 1
    assert key == (2, "2026-11-02 10:00:00+08:00", "Asia/Shanghai")
    use_zone(con, "UTC")
    assert import_key(con) != key  # store days are local days: another zone, another key


def test_import_key_of_a_store_never_imported(con: duckdb.DuckDBPyConnection) -> None:
    assert import_key(con) == (None, "None", "Asia/Shanghai")


def test_no_import_key_outside_a_warehouse() -> None:
    with duckdb.connect() as bare:
        assert import_key(bare) is None  # no _imports: CatalogException
        bare.execute("CREATE TABLE _imports (x INTEGER)")
        assert import_key(bare) is None  # someone else's _imports: BinderException


def test_counts_is_each_tables_count_in_one_statement(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con.execute("INSERT INTO products (sku_id, product_id) VALUES ('s1', 'p1'), ('s2', 'p1')")
    con.execute("INSERT INTO inventory (date, sku_id, on_hand) VALUES ('2026-11-01', 's1', 3)")
    counted = Counting(con)
    wh = Warehouse(tmp_path / "warehouse.duckdb", counted.typed)
    counts = wh.counts(TABLES)
    assert len(counted.sql) == 1
    assert counts == {name: Warehouse(wh.path, con).count(name) for name in TABLES}
    assert (counts["products"], counts["inventory"], counts["orders"]) == (2, 1, 0)
    assert list(counts) == list(TABLES)
    assert wh.counts([]) == {}


def test_counts_of_a_missing_table_fails_as_count_does(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    wh = Warehouse(tmp_path / "warehouse.duckdb", con)
    with pytest.raises(duckdb.CatalogException):
        wh.count("nope")
    with pytest.raises(duckdb.CatalogException):
        wh.counts(["orders", "nope"])


def test_column_exists_reads_the_catalog(con: duckdb.DuckDBPyConnection) -> None:
    q = Query(con, {})
    assert q.column_exists("orders", "promised_delivery_at")
    assert not q.column_exists("orders", "colour")
    assert not q.column_exists("nope", "order_id")
    con.execute("ALTER TABLE orders DROP COLUMN promised_delivery_at")
    assert not q.column_exists("orders", "promised_delivery_at")
