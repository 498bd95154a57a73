"""One demo store per module (scale 0.2) with its after-sale tools, a fixed clock, and the orders
each test needs picked from the warehouse by what they are (not by id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from shopkeeper.cs.aftersale.models import Buyer
from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.cs.aftersale.store import open_store_aftersale
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from ...dates import END

STORE = "demo"
NOW = dt.datetime(2026, 11, 21, 16, 0, tzinfo=dt.UTC)
PRESALE_ORDER = "PRESALE-UNPAID-1"


@dataclass
class Demo:
    """The demo store's after-sale tools and the facts tests pick orders by."""

    settings: Settings
    engine: Engine
    tools: AfterSale
    connector: OutboxConnector

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with Warehouse.open(self.settings.store_dir(STORE), read_only=True) as wh:
            return wh.con.execute(sql, params or []).fetchall()

    def pick(self, where: str, n: int = 1, skip: int = 0) -> list[tuple[str, Buyer]]:
        """``n`` orders (of distinct buyers, after the first ``skip``) matching ``where``, each
        with its verified buyer; tests that change an order skip to buyers no other test uses."""
        rows = self.rows(
            f"SELECT min(order_id), customer_id FROM orders o WHERE {where} "
            f"GROUP BY customer_id ORDER BY customer_id LIMIT {n} OFFSET {skip}"
        )
        assert len(rows) == n, f"the demo store has fewer than {n} orders where {where}"
        return [(r[0], Buyer(customer_id=r[1], verified=True)) for r in rows]

    def with_clock(self, now: dt.datetime, **policy: Any) -> AfterSale:
        """The same tools at another time, optionally with policy sections overridden."""
        tools = open_store_aftersale(
            self.settings, STORE, self.engine, connector=self.connector, clock=lambda: now
        )
        for section, values in policy.items():
            setattr(tools.policy, section, getattr(tools.policy, section).model_copy(update=values))
        return tools


def _add_unpaid_presale(settings: Settings) -> None:
    """A presale order whose deposit is paid and balance is not (the demo has none left)."""
    with Warehouse.open(settings.store_dir(STORE)) as wh:
        sku, price = wh.con.execute(
            "SELECT sku_id, price::DOUBLE FROM products WHERE sku_id = "
            "(SELECT json_extract_string(sku_ids, '$[0]') FROM promotions WHERE kind = 'presale' "
            "ORDER BY start_at DESC LIMIT 1)"
        ).fetchone()  # type: ignore[misc]
        wh.con.execute(
            "INSERT INTO orders (order_id, customer_id, created_at, status, pay_amount, presale_deposit) "
            "VALUES (?, 'c-presale', TIMESTAMPTZ '2026-10-25 12:00:00+00', 'created', NULL, ?)",
            [PRESALE_ORDER, round(price * 0.2, 2)],
        )
        wh.con.execute(
            "INSERT INTO order_items (order_id, line_no, sku_id, quantity, unit_price) VALUES (?, 1, ?, 1, ?)",
            [PRESALE_ORDER, sku, price],
        )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    home = tmp_path_factory.mktemp("sk-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        create_demo(settings, STORE, scale=0.2, seed=11, end_date=END)
        _add_unpaid_presale(settings)
        engine = ops_engine(settings)
        connector = OutboxConnector(settings.home / "stores")
        tools = open_store_aftersale(
            settings, STORE, engine, connector=connector, clock=lambda: NOW
        )
        yield Demo(settings, engine, tools, connector)
    get_settings.cache_clear()
