"""A Shopkeeper store as an order backend: orders, lines, SKUs and presales from the store's
warehouse; executed after-sale changes from the operational database (``cs_order_changes``).

The warehouse is what the platform exported; an order's visible state is that row with every
executed change applied in order (address changed, cancelled, return requested...). A ``cs.*``
action a person approved through any connector (e.g. ``shopkeeper approvals approve``) is
picked up from the actions table on the next read, so the state never misses an execution.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from sqlalchemy import Engine, insert, select

from shopkeeper.clock import utcnow
from shopkeeper.cs.aftersale.models import (
    Address,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    Presale,
    Shipment,
    Sku,
    Stage,
)
from shopkeeper.cs.aftersale.policy import POLICY_FILE, CsPolicy, load_cs_policy
from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.ops.connectors import Connector
from shopkeeper.opsdb import actions, cs_order_changes
from shopkeeper.settings import Settings
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.readers import SharedReader
from shopkeeper.store.warehouse import WAREHOUSE_FILE, Warehouse, existing_store_dir

ORIGINAL = "original"
"""The one payment method id of a Chinese-platform order: refunds go back the way it was paid."""

_STAGES: dict[str, Stage] = {
    "created": "unpaid",
    "paid": "awaiting_shipment",
    "shipped": "shipped",
    "delivered": "delivered",
    "completed": "completed",
    "cancelled": "cancelled",
    "closed": "closed",
}
_SUPPORTED = frozenset(
    {
        "cs.cancel_order",
        "cs.change_address",
        "cs.change_items",
        "cs.return_refund",
        "cs.exchange",
        "cs.refund_deposit",
        "cs.reship",
    }
)
_ORDER_SQL = """
SELECT order_id, customer_id, created_at, paid_at, status, pay_amount::DOUBLE, receiver_name,
       receiver_phone, receiver_province, receiver_city, receiver_district, receiver_address,
       shipped_at, delivered_at, carrier, tracking_no, presale_deposit::DOUBLE
FROM orders WHERE order_id = ?"""
_LINES_SQL = """
SELECT i.line_no, i.sku_id, i.quantity, i.unit_price::DOUBLE,
       coalesce(i.paid_amount, i.unit_price * i.quantity)::DOUBLE, p.product_id, p.title
FROM order_items i LEFT JOIN products p USING (sku_id)
WHERE i.order_id = ? ORDER BY i.line_no"""
_SKU_SQL = """
SELECT sku_id, product_id, title, category, price::DOUBLE, coalesce(status, 'on_sale'),
       attributes::VARCHAR, shelf_life_days
FROM products WHERE sku_id = ?"""


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


_MISSING = object()
_CACHE_SIZE = 20_000


class StoreBackend:
    """One Shopkeeper store's orders, for the after-sale tools."""

    name = "store"

    def __init__(self, store_dir: Path, engine: Engine, store: str) -> None:
        self.store_dir = store_dir
        self.engine = engine
        self.store = store
        self.reader = SharedReader(store_dir)
        self._cache: dict[str, object] = {}
        self._cache_stamp: tuple[int, int] = (0, 0)
        self._cache_lock = threading.Lock()

    @contextmanager
    def _wh(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.reader.cursor() as con:
            yield con

    # -- reads ----------------------------------------------------------------------------------

    def order(self, order_id: str) -> Order | None:
        """The order as the warehouse has it, with executed after-sale changes applied.

        The warehouse part is cached until the warehouse file changes (an import); executed
        changes are read fresh every time.
        """
        stamp = self._stamp()
        with self._cache_lock:
            if stamp != self._cache_stamp:
                self._cache.clear()
                self._cache_stamp = stamp
            cached = self._cache.get(order_id, _MISSING)
        if cached is _MISSING:
            cached = self._warehouse_order(order_id)
            with self._cache_lock:
                if len(self._cache) >= _CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[order_id] = cached
        return None if cached is None else self._with_changes(cached)  # type: ignore[arg-type]

    def _stamp(self) -> tuple[int, int]:
        try:
            st = (self.store_dir / WAREHOUSE_FILE).stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def _warehouse_order(self, order_id: str) -> Order | None:
        with self._wh() as con:
            row = con.execute(_ORDER_SQL, [order_id]).fetchone()
            if row is None:
                return None
            lines = con.execute(_LINES_SQL, [order_id]).fetchall()
            cases = con.execute(
                "SELECT sku_id, kind FROM refunds WHERE order_id = ? "
                "AND coalesce(status, 'requested') IN ('requested', 'approved', 'completed')",
                [order_id],
            ).fetchall()
            presale = self._presale(con, row, [str(ln[1]) for ln in lines])
        return self._order(row, lines, cases, presale)

    def _presale(
        self, con: duckdb.DuckDBPyConnection, row: tuple[Any, ...], skus: list[str]
    ) -> Presale | None:
        deposit = row[16]
        if not deposit:
            return None
        found = con.execute(
            "SELECT rule::VARCHAR FROM promotions WHERE kind = 'presale' AND ? BETWEEN start_at AND end_at "
            "AND list_has_any(CAST(json_extract_string(sku_ids, '$[*]') AS VARCHAR[]), ?) "
            "ORDER BY start_at DESC LIMIT 1",
            [row[2], skus],
        ).fetchone()
        opens = None
        if found is not None:
            start = json.loads(found[0]).get("final_payment_from")
            if start:
                tz = con.execute("SELECT current_setting('TimeZone')").fetchone()
                naive = dt.datetime.fromisoformat(start)
                opens = (
                    naive
                    if naive.tzinfo
                    else naive.replace(tzinfo=ZoneInfo(tz[0] if tz else "UTC"))
                )
        return Presale(
            deposit=float(deposit), balance_paid=row[4] != "created", final_payment_from=opens
        )

    @staticmethod
    def _order(
        row: tuple[Any, ...],
        lines: list[tuple[Any, ...]],
        cases: list[tuple[Any, ...]],
        presale: Presale | None,
    ) -> Order:
        status = str(row[4])
        line_ids = [str(ln[0]) for ln in lines]
        by_sku = {str(ln[1]): str(ln[0]) for ln in lines}
        shipped_at, delivered_at = _aware(row[12]), _aware(row[13])
        payments: list[Payment] = []
        if row[3] is not None and row[5] is not None:
            payments.append(Payment(amount=float(row[5]), method_id=ORIGINAL))
        elif presale is not None:
            payments.append(Payment(amount=presale.deposit, method_id=ORIGINAL))
        return Order(
            order_id=str(row[0]),
            customer_id=str(row[1]),
            stage=_STAGES.get(status, "closed"),
            status=status,
            created_at=_aware(row[2]),
            paid_at=_aware(row[3]),
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            address=Address(
                name=row[6] or "",
                phone=row[7] or "",
                province=row[8] or "",
                city=row[9] or "",
                district=row[10] or "",
                line1=row[11] or "",
            ),
            lines=[
                OrderLine(
                    line_id=str(ln[0]),
                    sku_id=str(ln[1]),
                    quantity=int(ln[2]),
                    unit_price=float(ln[3]),
                    paid_amount=float(ln[4]),
                    product_id=ln[5] or "",
                    title=ln[6] or "",
                )
                for ln in lines
            ],
            shipments=[
                Shipment(
                    tracking_no=row[15] or "",
                    carrier=row[14] or "",
                    line_ids=line_ids,
                    status="delivered" if delivered_at or status == "completed" else "in_transit",
                    shipped_at=shipped_at,
                    delivered_at=delivered_at,
                )
            ]
            if shipped_at
            else [],
            payments=payments,
            presale=presale,
            after_sale_lines={by_sku[str(s)]: str(k) for s, k in cases if str(s) in by_sku},
        )

    def orders_of(self, customer_id: str) -> list[Order]:
        """The buyer's latest 50 orders, newest first."""
        with self._wh() as con:
            ids = con.execute(
                "SELECT order_id FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 50",
                [customer_id],
            ).fetchall()
        found = [self.order(str(i[0])) for i in ids]
        return [o for o in found if o is not None]

    def sku(self, sku_id: str) -> Sku | None:
        """A SKU with its category, attributes and shelf life (what return eligibility needs)."""
        with self._wh() as con:
            row = con.execute(_SKU_SQL, [sku_id]).fetchone()
        if row is None:
            return None
        attributes = json.loads(row[6]) if row[6] else {}
        return Sku(
            sku_id=str(row[0]),
            product_id=str(row[1]),
            title=row[2] or "",
            category=row[3] or "",
            price=float(row[4]),
            available=row[5] != "off_shelf",
            attributes={str(k): str(v) for k, v in attributes.items()},
            shelf_life_days=row[7],
        )

    def payment_methods(self, customer_id: str) -> dict[str, PaymentMethod]:
        """Refunds go back to the original payment only."""
        return {ORIGINAL: PaymentMethod(method_id=ORIGINAL, kind=ORIGINAL)}

    def supports(self, action: str) -> bool:
        """Everything but changing the payment method or the profile address (platform-side)."""
        return action in _SUPPORTED

    # -- executed changes ----------------------------------------------------------------------

    def apply(self, action_id: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """Record an executed change (once per action id); reads show it from now on."""
        with self.engine.begin() as conn:
            seen = conn.execute(
                select(cs_order_changes.c.seq).where(cs_order_changes.c.action_id == action_id)
            ).first()
            if seen is None:
                conn.execute(
                    insert(cs_order_changes).values(
                        store=self.store,
                        action_id=action_id,
                        order_id=params.get("order_id", ""),
                        action=action,
                        params=params,
                        applied_at=utcnow(),
                    )
                )
        return {"order_id": params.get("order_id"), "already_applied": seen is not None}

    def _sync(self, order_id: str) -> None:
        """Pick up ``cs.*`` actions executed through another connector."""
        with self.engine.connect() as conn:
            done = conn.execute(
                select(actions.c.action_id, actions.c.action, actions.c.params).where(
                    actions.c.store == self.store,
                    actions.c.status == "executed",
                    actions.c.action.like("cs.%"),
                )
            ).all()
        for action_id, action, params in done:
            if params.get("order_id") == order_id:
                self.apply(action_id, action, params)

    def _with_changes(self, order: Order) -> Order:
        self._sync(order.order_id)
        with self.engine.connect() as conn:
            changes = conn.execute(
                select(cs_order_changes.c.action, cs_order_changes.c.params)
                .where(
                    cs_order_changes.c.store == self.store,
                    cs_order_changes.c.order_id == order.order_id,
                )
                .order_by(cs_order_changes.c.seq)
            ).all()
        for action, params in changes:
            order = self._change(order, action, params)
        return order

    def _change(self, order: Order, action: str, p: dict[str, Any]) -> Order:
        lines = order.take_lines(list(p.get("line_ids") or [])) or []
        cases = {
            **order.after_sale_lines,
            **{ln.line_id: action.removeprefix("cs.") for ln in lines},
        }
        if action == "cs.cancel_order":
            refund = Payment(kind="refund", amount=order.paid_total, method_id=ORIGINAL)
            return order.model_copy(
                update={
                    "stage": "cancelled",
                    "status": "cancelled",
                    "payments": [*order.payments, refund],
                }
            )
        if action == "cs.change_address":
            return order.model_copy(update={"address": Address.model_validate(p["address"])})
        if action == "cs.change_items":
            return self._swap(order, p)
        if action in ("cs.return_refund", "cs.exchange"):
            status = "return_requested" if action == "cs.return_refund" else "exchange_requested"
            return order.model_copy(update={"after_sale_lines": cases, "status": status})
        if action == "cs.reship":
            return order.model_copy(update={"after_sale_lines": cases})
        if action == "cs.refund_deposit" and order.presale is not None:
            presale = order.presale.model_copy(update={"deposit_refunded": True})
            return order.model_copy(
                update={"presale": presale, "stage": "closed", "status": "closed"}
            )
        return order

    def _swap(self, order: Order, p: dict[str, Any]) -> Order:
        new_lines = list(order.lines)
        for line_id, sku_id in zip(p["line_ids"], p["new_sku_ids"], strict=True):
            i = next(i for i, ln in enumerate(new_lines) if ln.line_id == line_id)
            sku = self.sku(sku_id)
            old = new_lines[i]
            price = sku.price if sku else old.unit_price
            new_lines[i] = old.model_copy(
                update={
                    "sku_id": sku_id,
                    "title": sku.title if sku else old.title,
                    "unit_price": price,
                    "paid_amount": round(
                        old.paid_amount + (price - old.unit_price) * old.quantity, 2
                    ),
                }
            )
        return order.model_copy(update={"lines": new_lines, "locked": True})


def store_policy(directory: Path, config: StoreConfig | None) -> CsPolicy:
    """The store's ``cs_policy.toml``; without one, the defaults with the promises of its
    ``store.toml`` targets (``ship_within_hours``, ``return_window_days``).
    """
    if (directory / POLICY_FILE).exists() or config is None:
        return load_cs_policy(directory)
    policy = CsPolicy()
    targets = config.targets
    if targets.ship_within_hours:
        policy.shipping.ship_within_hours = targets.ship_within_hours
    if targets.return_window_days is not None:
        policy.returns.window_days = targets.return_window_days
    return policy


def open_store_aftersale(
    settings: Settings,
    store: str,
    engine: Engine,
    *,
    connector: Connector | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> AfterSale:
    """The after-sale tools of a Shopkeeper store: its backend, its policy, the ops database."""
    directory = existing_store_dir(settings, store)
    with Warehouse.open(directory, read_only=True) as wh:
        config = wh.store_config()
    backend = StoreBackend(directory, engine, store)
    policy = store_policy(directory, config)
    if clock is None:
        return AfterSale(backend, policy, engine, store, connector=connector)
    return AfterSale(backend, policy, engine, store, connector=connector, clock=clock)
