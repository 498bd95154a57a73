"""Customer-service chats: short scripted conversations in the store's language.

About 2.5 % of paid orders lead to a conversation at some stage of their life (a shipping urge
while unpaid-for-long or unshipped, a tracking question in transit, a return or a broken parcel
after delivery); every planted late order gets an urge. Pre-sale questions about a listing
(origin, roast, size, shipping time, coupons) come in proportion to the day's buyers. Scripts are
exploded into messages with bot replies in seconds and people in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from shopkeeper.store.demo.fulfilment import CANCELLED, PAID, PROMISE_HOURS
from shopkeeper.store.demo.ids import conversation_id_sql, message_id_sql, order_id_sql
from shopkeeper.store.demo.order_tables import TRACKING_MULT
from shopkeeper.store.demo.orders import Chunk
from shopkeeper.store.demo.rng import BoolArray, IntArray, choice_idx, rng_for
from shopkeeper.store.demo.timeline import DAY, HOUR
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import lookup, timestamps

if TYPE_CHECKING:
    from shopkeeper.store.demo.sales import Sales

CHAT_RATE = 0.025
PRESALE_PER_ORDER = 0.02
STAGES = ("paid", "shipped", "delivered")
_GAP = {"customer": (15, 180), "agent": (30, 240), "bot": (2, 8)}


@dataclass
class Conversations:
    """One row per conversation, before being exploded into messages."""

    chat: IntArray
    start: IntArray
    customer: IntArray
    listing: IntArray
    order_seq: IntArray
    """-1 when the chat is about no order."""
    carrier: IntArray


def _stage_windows(chunk: Chunk, idx: IntArray, now: int) -> tuple[IntArray, IntArray]:
    paid, ship, deliver = chunk.paid_at[idx], chunk.shipped[idx], chunk.delivered[idx]
    lo = np.stack([paid + 600, ship + HOUR, deliver + HOUR], axis=1)
    hi = np.stack(
        [
            np.where(ship >= 0, ship, now),
            np.where(deliver >= 0, deliver, now),
            np.minimum(deliver + 7 * DAY, now),
        ],
        axis=1,
    )
    hi[:, 1] = np.where(ship >= 0, hi[:, 1], -1)
    hi[:, 2] = np.where(deliver >= 0, hi[:, 2], -1)
    return lo, hi


def _pick_chats(world: World, stage: IntArray, rng: np.random.Generator) -> IntArray:
    chats = world.locale.chats
    out = np.zeros(len(stage), dtype=np.int64)
    for s, name in enumerate(STAGES):
        rows = np.flatnonzero(stage == s)
        ids = [i for i, c in enumerate(chats) if c.stage == name]
        out[rows] = np.array(ids)[choice_idx(rng, [chats[i].weight for i in ids], len(rows))]
    return out


def write_order_chats(
    world: World, chunk: Chunk, sales: Sales, seq0: int, rng: np.random.Generator
) -> None:
    """Conversations about the chunk's orders."""
    now = world.timeline.now
    ok = (chunk.paid_at >= 0) & (chunk.status != CANCELLED)
    late = (chunk.status == PAID) & (chunk.paid_at < now - PROMISE_HOURS * HOUR)
    idx = np.flatnonzero(ok & ((rng.random(chunk.n_orders) < CHAT_RATE) | late))
    lo, hi = _stage_windows(chunk, idx, now)
    weights = np.array([sum(c.weight for c in world.locale.chats if c.stage == s) for s in STAGES])
    open_ = (hi - lo) > 300
    open_[:, 0] |= late[idx]
    cum = np.cumsum(open_ * weights, axis=1)
    stage = ((rng.random(len(idx)) * cum[:, -1])[:, None] >= cum).sum(axis=1).clip(0, 2)
    stage = np.where(late[idx], 0, stage)
    rows = np.arange(len(idx))
    start = lo[rows, stage] + (
        rng.random(len(idx)) * np.maximum(hi[rows, stage] - lo[rows, stage], 1)
    ).astype(np.int64)
    start = np.where(late[idx], chunk.paid_at[idx] + (PROMISE_HOURS + 2) * HOUR, start)
    chat = _pick_chats(world, stage, rng)
    urge = next(i for i, c in enumerate(world.locale.chats) if c.key == "urge")
    chat = np.where(late[idx], urge, chat)
    listing = world.catalog.sku_listing[chunk.sku[chunk.starts[idx]]]
    carrier = np.where(chunk.carrier[idx] >= 0, chunk.carrier[idx], 0)
    convs = Conversations(chat, start, chunk.customer[idx], listing, seq0 + idx, carrier)
    _write(world, convs, sales, rng)


def write_presale_chats(world: World, sales: Sales) -> None:
    """Pre-sale questions about listings, in proportion to each listing's buyers per day."""
    rng = rng_for(world.seed, "chats", "presale")
    tl, chats = world.timeline, world.locale.chats
    per_day = rng.poisson(sales.buyers.sum(axis=0) * PRESALE_PER_ORDER + 1)
    day = np.repeat(np.arange(tl.days), per_day)
    n = len(day)
    listing = np.concatenate(
        [choice_idx(rng, sales.buyers[:, d] + 0.1, int(k)) for d, k in enumerate(per_day)]
    )
    ids = [i for i, c in enumerate(chats) if c.stage == "presale"]
    chat = np.array(ids)[choice_idx(rng, [chats[i].weight for i in ids], n)]
    start = (
        tl.day_start(day) + choice_idx(rng, world.locale.hours, n) * HOUR + rng.integers(0, HOUR, n)
    )
    carrier = choice_idx(rng, [c.weight for c in world.locale.carriers], n)
    convs = Conversations(chat, start, world.crowd.pick(rng, n), listing, np.full(n, -1), carrier)
    _write(world, convs, sales, rng)


def _explode(
    world: World, convs: Conversations, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray, BoolArray]:
    """Message rows: conversation index, template index, send time, and whether it is in the window."""
    chats = world.locale.chats
    lengths = np.array([len(c.turns) for c in chats])
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    senders = [s for c in chats for s, _ in c.turns]
    n_msg = lengths[convs.chat]
    conv = np.repeat(np.arange(len(convs.chat)), n_msg)
    first = np.r_[0, np.cumsum(n_msg)[:-1]].astype(np.int64)
    turn = np.arange(len(conv)) - first[conv]
    template = offsets[convs.chat][conv] + turn
    lo = np.array([_GAP[s][0] for s in senders])[template]
    hi = np.array([_GAP[s][1] for s in senders])[template]
    gap = np.where(turn == 0, 0, rng.integers(lo, hi + 1))
    total = np.cumsum(gap)
    sent = convs.start[conv] + total - total[first][conv]
    return conv, template, sent, sent <= world.timeline.now


def _attribute_pairs(world: World) -> tuple[list[str], list[str], IntArray, IntArray]:
    cat = world.catalog
    keys: list[str] = []
    values: list[str] = []
    offsets, counts = [], []
    for li in range(cat.n_listings):
        pairs = [(k, v) for k, v in cat.attrs[li].items() if k not in ("品牌", "Brand")]
        first_sku = int(np.flatnonzero(cat.sku_listing == li)[0])
        pairs = pairs or [(cat.variant_label[first_sku], cat.variant[first_sku])]
        offsets.append(len(keys))
        counts.append(len(pairs))
        keys.extend(k for k, _ in pairs)
        values.extend(v for _, v in pairs)
    return keys, values, np.array(offsets, dtype=np.int64), np.array(counts, dtype=np.int64)


def _write(world: World, convs: Conversations, sales: Sales, rng: np.random.Generator) -> None:
    conv, template, sent, keep = _explode(world, convs, rng)
    conv, template, sent = conv[keep], template[keep], sent[keep]
    keys, values, offsets, counts = _attribute_pairs(world)
    pair = offsets[convs.listing] + (rng.random(len(convs.chat)) * counts[convs.listing]).astype(
        np.int64
    )
    place = rng.integers(0, len(world.locale.places), len(convs.chat))
    chats, carriers = world.locale.chats, world.locale.carriers
    has_order = convs.order_seq[conv] >= 0
    trk = (convs.order_seq * TRACKING_MULT + 7 * convs.carrier + 12_345) % np.array(
        [10**c.digits for c in carriers]
    )[convs.carrier]
    cols = {
        "cseq": sales.conversations + conv,
        "mseq": sales.messages + np.arange(len(conv), dtype=np.int64),
        "sent": timestamps(sent),
        "cust": convs.customer[conv],
        "sender": lookup(template, [s for c in chats for s, _ in c.turns]),
        "tpl": lookup(template, [t for c in chats for _, t in c.turns]),
        "oseq": pa.array(convs.order_seq[conv], mask=~has_order),
        "product": lookup(convs.listing[conv], world.catalog.product_id),
        "item": lookup(convs.listing[conv], world.catalog.item),
        "k": lookup(pair[conv], keys),
        "v": lookup(pair[conv], values),
        "carrier": lookup(convs.carrier[conv], [c.name for c in carriers]),
        "trk": lookup(convs.carrier[conv], [c.prefix for c in carriers]),
        "trk_no": trk[conv],
        "trk_digits": np.array([c.digits for c in carriers])[convs.carrier][conv],
        "city": lookup(place[conv], [p.city for p in world.locale.places]),
        "district": lookup(place[conv], [p.district for p in world.locale.places]),
    }
    order_sql = order_id_sql("oseq", world.lang)
    text = "tpl"
    for name, sql in (
        ("item", "item"),
        ("k", "k"),
        ("v", "v"),
        ("carrier", "carrier"),
        ("city", "city"),
        ("district", "district"),
        ("order", f"coalesce({order_sql}, '')"),
        ("tracking", "trk || lpad(CAST(trk_no AS VARCHAR), CAST(trk_digits AS INTEGER), '0')"),
    ):
        text = f"replace({text}, '{{{name}}}', {sql})"
    select = {
        "conversation_id": conversation_id_sql("cseq"),
        "message_id": message_id_sql("mseq"),
        "sent_at": "sent",
        "customer_id": world.crowd.id_sql("cust"),
        "sender": "sender",
        "text": text,
        "order_id": order_sql,
        "product_id": "product",
    }
    world.writer.write("messages", cols, select)
    sales.conversations += len(convs.chat)
    sales.messages += len(conv)
