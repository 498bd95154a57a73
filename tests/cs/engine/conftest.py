"""One zh demo store per test module (scale 0.2) with a knowledge base built by a fast stand-in
embedder, a fixed clock, and helpers to talk to the engine and pick orders by what they are."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from shopkeeper.clock import Clock
from shopkeeper.cs.engine import CsEngine
from shopkeeper.cs.kb import build
from shopkeeper.cs.kb.text import tokens
from shopkeeper.cs.messages import CsMessage, CsReply
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from ...dates import END

STORE = "demo"
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
PRESALE_ORDER = "PRESALE-UNPAID-1"
PRESALE_BUYER = "c-presale"
TWO_OPEN_BUYER = "c-two-open"  # sorts before every demo buyer (c0...)


class WordEmbedder:
    """A stand-in for e5 in tests: hashed jieba words and character bigrams on top of a shared
    component, so that related texts land in e5's similarity range (≈0.9) and unrelated ones
    below the knowledge base's support floor. Instant, deterministic, no weights.
    """

    name = "test-words"
    dim = 384
    SHARED = 0.80

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        grams = tokens(text) + [
            text[i : i + 2] for i in range(len(text) - 1) if text[i : i + 2].strip()
        ]
        for g in grams:
            v[int(hashlib.md5(g.encode()).hexdigest(), 16) % (self.dim - 1) + 1] += 1.0
        norm = float(np.linalg.norm(v))
        if norm:
            v = v / norm * np.sqrt(1 - self.SHARED)
        v[0] = np.sqrt(self.SHARED)
        return v / float(np.linalg.norm(v))

    def passages(self, texts: list[str]) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dim), np.float32)
        )

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def clip(self, text: str) -> str:
        return " ".join(text.split())[:200]


@dataclass
class Demo:
    """The demo store and a way to talk to its engine."""

    settings: Settings
    ids: Iterator[int]
    cs: CsEngine

    @property
    def ops(self) -> Engine:
        """The engine's operational database."""
        return self.cs.ops

    def say(
        self,
        customer: str,
        text: str,
        *,
        conversation: str | None = None,
        message_id: str | None = None,
        now: dt.datetime = NOW,
        lang: str | None = None,
        verified: bool = True,
        attachments: list[str] | None = None,
    ) -> CsReply:
        message = CsMessage(
            conversation_id=conversation or f"conv-{customer}",
            customer_id=customer,
            text=text,
            message_id=message_id,
            lang=lang,  # type: ignore[arg-type]
            attachments=attachments or [],
        )
        return self.cs.handle_message(STORE, message, now=now, verified=verified)

    def conversation(self) -> str:
        return f"c{next(self.ids)}"

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with Warehouse.open(self.settings.store_dir(STORE), read_only=True) as wh:
            return wh.con.execute(sql, params or []).fetchall()

    def buyers(self, where: str, n: int = 1, lines: int = 1) -> list[tuple[str, str]]:
        """``n`` (order_id, customer_id) of distinct buyers with exactly one order matching
        ``where`` and ``lines`` order lines."""
        rows = self.rows(
            f"SELECT any_value(o.order_id), o.customer_id FROM orders o WHERE {where} "
            f"AND (SELECT count(*) FROM order_items i WHERE i.order_id = o.order_id) = {lines} "
            f"GROUP BY o.customer_id HAVING count(*) = 1 ORDER BY o.customer_id LIMIT {n}"
        )
        assert len(rows) == n, f"fewer than {n} buyers with an order where {where}"
        return [(str(r[0]), str(r[1])) for r in rows]


def _add_unpaid_presale(settings: Settings) -> None:
    with Warehouse.open(settings.store_dir(STORE)) as wh:
        sku, price = wh.con.execute(
            "SELECT sku_id, price::DOUBLE FROM products WHERE sku_id = "
            "(SELECT json_extract_string(sku_ids, '$[0]') FROM promotions WHERE kind = 'presale' "
            "ORDER BY start_at DESC LIMIT 1)"
        ).fetchone()  # type: ignore[misc]
        wh.con.execute(
            "INSERT INTO orders (order_id, customer_id, created_at, status, pay_amount, presale_deposit) "
            "VALUES (?, ?, TIMESTAMPTZ '2026-10-25 12:00:00+00', 'created', NULL, ?)",
            [PRESALE_ORDER, PRESALE_BUYER, round(price * 0.2, 2)],
        )
        wh.con.execute(
            "INSERT INTO order_items (order_id, line_no, sku_id, quantity, unit_price) VALUES (?, 1, ?, 1, ?)",
            [PRESALE_ORDER, sku, price],
        )


def _add_two_open_orders(settings: Settings) -> None:
    """A buyer with two paid orders not yet due to ship (copies of the latest two): whether the demo
    has one depends on its end date."""
    with Warehouse.open(settings.store_dir(STORE)) as wh:
        picked = wh.con.execute(
            "SELECT order_id FROM orders WHERE status = 'paid' ORDER BY created_at DESC LIMIT 2"
        ).fetchall()
        for n, (order_id,) in enumerate(picked, start=1):
            wh.con.execute(
                "INSERT INTO orders SELECT * REPLACE (? AS order_id, ? AS customer_id) "
                "FROM orders WHERE order_id = ?",
                [f"TWO-OPEN-{n}", TWO_OPEN_BUYER, order_id],
            )
            wh.con.execute(
                "INSERT INTO order_items SELECT * REPLACE (? AS order_id) "
                "FROM order_items WHERE order_id = ?",
                [f"TWO-OPEN-{n}", order_id],
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
        _add_two_open_orders(settings)
        embedder = WordEmbedder()
        build(settings, STORE, embedder=embedder)
        ops = ops_engine(settings)
        yield Demo(
            settings, itertools.count(), CsEngine(settings, ops, Clock(NOW), embedder=embedder)
        )
        ops.dispose()
    get_settings.cache_clear()
