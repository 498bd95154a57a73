"""The shared read-only warehouse connection: cursors from many threads, closed when idle."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shopkeeper.errors import StoreBusy
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.locks import import_lock
from shopkeeper.store.readers import SharedReader
from shopkeeper.store.warehouse import Warehouse

from ..conftest import StoreBuilder


def test_cursors_share_one_connection_and_an_import_gets_in_once_idle(
    sk_home: Settings, tiny_store: StoreBuilder
) -> None:
    folder: Path = tiny_store()
    import_store(folder, "shop", settings=sk_home)
    reader = SharedReader(sk_home.store_dir("shop"), idle_seconds=0.3)

    def count(_: int) -> int:
        with reader.cursor() as con:
            row = con.execute("SELECT count(*) FROM orders").fetchone()
            assert row is not None
            return int(row[0])

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(count, range(40)))
    assert len(set(counts)) == 1
    assert counts[0] > 0
    time.sleep(0.8)  # idle: the reader lets go of the file
    assert reader._con is None
    import_store(folder, "shop", settings=sk_home)  # a writer can open it
    assert count(0) == counts[0]
    reader.close()


def test_the_store_time_zone_applies_to_every_cursor(
    sk_home: Settings, tiny_store: StoreBuilder
) -> None:
    import_store(tiny_store(), "shop", settings=sk_home)
    with Warehouse.open(sk_home.store_dir("shop"), read_only=True) as wh:
        expected = wh.config_value("timezone")
    reader = SharedReader(sk_home.store_dir("shop"))
    with reader.cursor() as con:
        zone = con.execute("SELECT current_setting('TimeZone')").fetchone()
    reader.close()
    assert expected
    assert zone == (expected,)


def test_a_reader_in_steady_use_lets_a_waiting_import_in(
    sk_home: Settings, tiny_store: StoreBuilder
) -> None:
    """Reads that never pause (a dashboard polling) kept the idle timer from ever firing, so an
    import through the API waited, gave up and said another import was running."""
    import_store(tiny_store(), "shop", settings=sk_home)
    store_dir = sk_home.store_dir("shop")
    reader = SharedReader(store_dir, idle_seconds=60)
    with reader.cursor() as con:
        con.execute("SELECT 1")
    assert reader._con is not None
    with import_lock(store_dir):  # an import has begun and waits for the file
        with (
            pytest.raises(StoreBusy, match="an import of store 'shop' is running"),
            reader.cursor(),
        ):
            pass
        assert reader._con is None
        with Warehouse.open(store_dir) as wh:  # the import can open it for writing
            assert wh.con.execute("SELECT count(*) FROM orders").fetchone() is not None
    with reader.cursor() as con:  # and reads resume once it is done
        assert con.execute("SELECT count(*) FROM orders").fetchone() is not None
    reader.close()
