"""An import killed with SIGKILL part-way leaves the warehouse exactly as it was before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store

pytestmark = pytest.mark.slow


def write_store(folder: Path, orders: int, *, price_shift: int = 0) -> None:
    """A valid contract store with ``orders`` orders of three lines each, written by DuckDB."""
    folder.mkdir(parents=True)
    (folder / "store.toml").write_text(
        'name = "atomic"\ntimezone = "Asia/Shanghai"\n', encoding="utf-8"
    )
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'S' || range AS sku_id, 'P' || range AS product_id, 'title ' || range AS title,
            'c/d' AS category, 10 + range + {price_shift} AS price FROM range(50)) TO '{folder}/products.csv' (HEADER)"""
    )
    con.execute(
        f"""COPY (SELECT 'O' || range AS order_id, 'c' || range % 997 AS customer_id,
            TIMESTAMP '2026-10-01' + to_seconds(range) AS created_at, 'paid' AS status
            FROM range({orders})) TO '{folder}/orders.csv' (HEADER)"""
    )
    con.execute(
        f"""COPY (SELECT 'O' || range // 3 AS order_id, range % 3 + 1 AS line_no, 'S' || range % 50 AS sku_id,
            1 + range % 5 AS quantity, 10 + range % 50 + {price_shift} AS unit_price
            FROM range({orders * 3})) TO '{folder}/order_items.csv' (HEADER)"""
    )
    con.close()


def snapshot(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent checksum of every table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            row = con.execute(
                f'SELECT count(*), coalesce(sum(hash(to_json(x))), 0) FROM "{t}" x'
            ).fetchone()
            assert row is not None
            out[t] = (int(row[0]), int(row[1]))
        return out
    finally:
        con.close()


_CHILD = """
import sys
from pathlib import Path
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
import_store(Path(sys.argv[1]), "atomic", settings=Settings(home=Path(sys.argv[2])))
"""


def test_kill_9_during_import_leaves_warehouse_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = tmp_path / "first", tmp_path / "second"
    write_store(first, 2_000)
    write_store(second, 400_000, price_shift=5)
    import_store(first, "atomic", settings=Settings(home=home))
    warehouse = home / "stores" / "atomic" / "warehouse.duckdb"
    before = snapshot(warehouse)
    assert before["order_items"][0] == 6_000

    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(second), str(home)])
    marker = home / "stores" / "atomic" / "tmp" / "import"
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.4)  # well inside the transaction: staging and typing 1.2M lines takes longer
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    assert snapshot(warehouse) == before
    report = import_store(second, "atomic", settings=Settings(home=home))
    assert report.bad_rows == 0
    assert snapshot(warehouse)["order_items"][0] == 1_200_000
