"""Writing one chunk of orders and order lines as contract rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shopkeeper.store.demo.ids import order_id_sql
from shopkeeper.store.demo.orders import Chunk
from shopkeeper.store.demo.rng import IntArray, hash_uniform
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import lookup, money, timestamps
from shopkeeper.store.schema import ORDER_STATUSES
from shopkeeper.store.validation import sql_str

TRACKING_MULT = 2_654_435_761


def _tracking(world: World, chunk: Chunk, seq: IntArray) -> dict[str, pa.Array | IntArray]:
    carriers = world.locale.carriers
    valid = chunk.carrier >= 0
    idx = np.maximum(chunk.carrier, 0)
    mods = np.array([10**c.digits for c in carriers], dtype=np.int64)
    return {
        "carrier": lookup(idx, [c.name for c in carriers], valid),
        "trk_prefix": lookup(idx, [c.prefix for c in carriers]),
        "trk_digits": np.array([c.digits for c in carriers], dtype=np.int64)[idx],
        "trk": (seq * TRACKING_MULT + 7 * idx + 12_345) % mods[idx],
    }


def _receiver(world: World, chunk: Chunk) -> tuple[dict[str, pa.Array | IntArray], dict[str, str]]:
    cols, sql = world.crowd.receiver(chunk.customer)
    for column, changes in chunk.overrides.items():
        values: list[str | None] = [None] * chunk.n_orders
        for i, value in changes.items():
            values[i] = value
        cols[f"o_{column}"] = pa.array(values, pa.string())
        sql[column] = f"coalesce(o_{column}, {sql[column]})"
    return cols, sql


def write_orders(world: World, chunk: Chunk, seq0: int) -> None:
    """Append the chunk's orders to orders.csv."""
    seq = seq0 + np.arange(chunk.n_orders, dtype=np.int64)
    receiver_cols, receiver_sql = _receiver(world, chunk)
    cols: dict[str, pa.Array | IntArray] = {
        "seq": seq,
        "cust": chunk.customer,
        "created": timestamps(chunk.created),
        "paid": timestamps(chunk.paid_at, chunk.paid_at >= 0),
        "status": lookup(chunk.status, ORDER_STATUSES),
        "channel": lookup(chunk.channel, [c for c, _ in world.locale.channels]),
        "pay": chunk.pay,
        "fee": chunk.fee,
        "shipped": timestamps(chunk.shipped, chunk.shipped >= 0),
        "delivered": timestamps(chunk.delivered, chunk.delivered >= 0),
        "deposit": pa.array(chunk.deposit, mask=chunk.deposit < 0),
        "promised": timestamps(chunk.promised, chunk.promised >= 0),
        "guest": hash_uniform(seq, world.seed, "guest") < world.locale.guest_share,
        **receiver_cols,
        **_tracking(world, chunk, seq),
    }
    select = {
        "order_id": order_id_sql("seq", world.lang),
        "customer_id": f"CASE WHEN guest THEN NULL ELSE {world.crowd.id_sql('cust')} END",
        "created_at": "created",
        "paid_at": "paid",
        "status": "status",
        "channel": "channel",
        "pay_amount": money("pay"),
        "shipping_fee": money("fee"),
        **{
            k: receiver_sql[k]
            for k in (
                "receiver_name",
                "receiver_phone",
            )
        },
        "receiver_country": sql_str(world.locale.country),
        **{
            k: receiver_sql[k]
            for k in (
                "receiver_province",
                "receiver_city",
                "receiver_district",
                "receiver_address",
            )
        },
        "shipped_at": "shipped",
        "delivered_at": "delivered",
        "promised_delivery_at": "promised",
        "carrier": "carrier",
        "tracking_no": "CASE WHEN carrier IS NULL THEN NULL ELSE trk_prefix || lpad(CAST(trk AS VARCHAR), CAST(trk_digits AS INTEGER), '0') END",
        "presale_deposit": money("deposit"),
    }
    world.writer.write("orders", cols, select)


def write_items(world: World, chunk: Chunk, seq0: int) -> None:
    """Append the chunk's order lines to order_items.csv."""
    cols: dict[str, pa.Array | IntArray] = {
        "seq": seq0 + chunk.order,
        "line_no": chunk.line_no,
        "sku": lookup(chunk.sku, world.catalog.sku_id),
        "qty": chunk.qty,
        "unit": chunk.unit,
        "paid": chunk.paid_amount,
    }
    select = {
        "order_id": order_id_sql("seq", world.lang),
        "line_no": "line_no",
        "sku_id": "sku",
        "quantity": "qty",
        "unit_price": money("unit"),
        "paid_amount": money("paid"),
    }
    world.writer.write("order_items", cols, select)
