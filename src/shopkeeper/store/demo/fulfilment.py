"""Order states, shipping and delivery; and the planted late shipments and bad addresses.

A paid order ships 1.5-45 hours after payment (always inside the 48-hour promise), travels 1-4
days (US: 2-5), and is confirmed a few days after delivery; its status is whatever has happened by
the end of the window. Unpaid orders close after an hour; about 1 % of paid orders are cancelled
with a refund before shipping. In the last chunk, the plan may hold a few paid orders back well
past 48 hours, stall a few parcels in transit (to remote addresses, whose delivery promise has not
passed yet), and garble the address of a few unshipped orders.
"""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.ids import order_id
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.orders import Chunk
from shopkeeper.store.demo.people import Crowd
from shopkeeper.store.demo.plan import Plan
from shopkeeper.store.demo.rng import BoolArray, IntArray, choice_idx
from shopkeeper.store.demo.timeline import DAY, HOUR, Timeline

CREATED, PAID, SHIPPED, DELIVERED, COMPLETED, CANCELLED, CLOSED = range(7)
CANCEL_RATE = 0.012
PROMISE_HOURS = 48
LATE_ORDERS, STALLED_ORDERS, BAD_ADDRESSES = 8, 4, 5
REMOTE_DAYS_LEFT = 3
"""Days a planted stalled parcel still has before its (remote-area) delivery promise."""
ADDRESS_ISSUES = (
    "province_city_mismatch",
    "missing_street",
    "placeholder_text",
    "invalid_phone",
    "district_not_in_city",
)


def _ship_hours(rng: np.random.Generator, n: int) -> IntArray:
    band = choice_idx(rng, [0.55, 0.35, 0.10], n)
    low, high = np.array([1.5, 12.0, 30.0])[band], np.array([10.0, 30.0, 45.0])[band]
    return (rng.uniform(low, high) * HOUR).astype(np.int64)


def fulfil(chunk: Chunk, locale: Locale, timeline: Timeline, rng: np.random.Generator) -> None:
    """Set status, shipped/delivered times and carrier of every order of the chunk."""
    n, now = chunk.n_orders, timeline.now
    paid = chunk.paid_at >= 0
    cancel = paid & (rng.random(n) < CANCEL_RATE) & (chunk.paid_at < now - DAY)
    ship = chunk.paid_at + _ship_hours(rng, n)
    deliver = ship + (rng.uniform(*locale.transit_days, n) * DAY).astype(np.int64)
    confirm = deliver + (np.minimum(rng.exponential(2.5, n), 10.0) * DAY).astype(np.int64)
    shipped = paid & ~cancel & (ship <= now)
    delivered = shipped & (deliver <= now)
    status = np.where(chunk.presale | (chunk.created > now - HOUR), CREATED, CLOSED)
    status = np.where(paid, PAID, status)
    status = np.where(shipped, SHIPPED, status)
    status = np.where(delivered, np.where(confirm <= now, COMPLETED, DELIVERED), status)
    chunk.status = np.where(cancel, CANCELLED, status)
    chunk.shipped = np.where(shipped, ship, -1)
    chunk.delivered = np.where(delivered, deliver, -1)
    chunk.carrier = np.where(shipped, choice_idx(rng, [c.weight for c in locale.carriers], n), -1)
    chunk.promised = promised_delivery(chunk.paid_at, locale)


def promised_delivery(paid_at: IntArray, locale: Locale) -> IntArray:
    """The delivery date promised at payment: the ship promise plus the normal (slowest) transit,
    to the end of that local day; -1 for unpaid orders.
    """
    due = paid_at + PROMISE_HOURS * HOUR + int(np.ceil(locale.transit_days[1])) * DAY
    return np.where(paid_at >= 0, (due // DAY + 1) * DAY - 1, -1)


def _pick(mask: BoolArray, count: int, rng: np.random.Generator) -> IntArray:
    found = np.flatnonzero(mask)
    return (
        np.sort(rng.choice(found, size=min(count, len(found)), replace=False))
        if len(found)
        else found
    )


def _stamp(seconds: int) -> str:
    return str(np.datetime64(int(seconds), "s")).replace("T", " ")


def untouched(chunk: Chunk, plan: Plan) -> BoolArray:
    """Orders without a line of a SKU that carries another planted problem."""
    touched = np.zeros(chunk.n_orders, dtype=bool)
    touched[chunk.order[np.isin(chunk.sku, list(plan.sku.values()))]] = True
    return ~touched


def plant_delays(
    chunk: Chunk, plan: Plan, timeline: Timeline, lang: str, seq0: int, rng: np.random.Generator
) -> None:
    """Hold some paid orders unshipped for 60-120 hours and stall some parcels in transit for 8+ days."""
    now = timeline.now
    moving = (
        ~chunk.presale
        & np.isin(chunk.status, (SHIPPED, DELIVERED, COMPLETED))
        & untouched(chunk, plan)
    )
    late = _pick(
        moving & (chunk.paid_at >= now - 5 * DAY) & (chunk.paid_at <= now - 60 * HOUR),
        LATE_ORDERS,
        rng,
    )
    for i in late:
        chunk.status[i], chunk.shipped[i], chunk.delivered[i], chunk.carrier[i] = PAID, -1, -1, -1
        hours = (now - chunk.paid_at[i]) / HOUR
        plan.add(
            PlantedProblem(
                kind="shipping_delay",
                entity_type="order",
                entity_id=order_id(seq0 + int(i), lang),
                since=timeline.date(
                    timeline.day_of(chunk.paid_at[i : i + 1] + PROMISE_HOURS * HOUR)[0]
                ),
                details={
                    "issue": "not_shipped",
                    "paid_at": _stamp(chunk.paid_at[i]),
                    "hours_since_payment": round(hours, 1),
                    "promise_hours": PROMISE_HOURS,
                    "status": "paid",
                },
            )
        )
    window = moving & (chunk.paid_at >= now - 12 * DAY) & (chunk.paid_at <= now - 9 * DAY)
    for i in _pick(window, STALLED_ORDERS, rng):
        chunk.status[i], chunk.delivered[i] = SHIPPED, -1
        # a remote address with a long delivery promise: stalled, but not yet late (delivery_late)
        chunk.promised[i] = (now // DAY + 1 + REMOTE_DAYS_LEFT) * DAY - 1
        days = (now - chunk.shipped[i]) / DAY
        plan.add(
            PlantedProblem(
                kind="shipping_delay",
                entity_type="order",
                entity_id=order_id(seq0 + int(i), lang),
                since=timeline.date(timeline.day_of(chunk.shipped[i : i + 1] + 5 * DAY)[0]),
                details={
                    "issue": "stalled_in_transit",
                    "shipped_at": _stamp(chunk.shipped[i]),
                    "days_in_transit": round(days, 1),
                    "status": "shipped",
                },
            )
        )


def plant_addresses(
    chunk: Chunk, plan: Plan, crowd: Crowd, timeline: Timeline, seq0: int, rng: np.random.Generator
) -> None:
    """Garble the receiver of a few unshipped, recently paid orders (one issue each)."""
    now, loc = timeline.now, crowd.locale
    fresh = (
        (chunk.status == PAID)
        & ~chunk.presale
        & (chunk.paid_at >= now - 30 * HOUR)
        & untouched(chunk, plan)
    )
    for issue, i in zip(ADDRESS_ISSUES, _pick(fresh, BAD_ADDRESSES, rng), strict=False):
        home = loc.places[int(crowd.place(chunk.customer[i : i + 1])[0])]
        others = [
            p for p in loc.places if p.province != home.province and p.district != home.district
        ]
        other = others[int(rng.integers(len(others)))]
        change = _issue_change(issue, home.city, other.province, other.district, loc.lang)
        for column, value in change.items():
            chunk.overrides.setdefault(column, {})[int(i)] = value
        plan.add(
            PlantedProblem(
                kind="abnormal_address",
                entity_type="order",
                entity_id=order_id(seq0 + int(i), loc.lang),
                since=timeline.date(int(chunk.day[i])),
                details={
                    "issue": issue,
                    "status": "paid",
                    **{k.removeprefix("receiver_"): v for k, v in change.items()},
                    "true_city": home.city,
                },
            )
        )


def _issue_change(
    issue: str, city: str, other_province: str, other_district: str, lang: str
) -> dict[str, str]:
    zh = lang == "zh"
    if issue == "province_city_mismatch":
        return {"receiver_province": other_province}
    if issue == "missing_street":
        return {"receiver_address": city}
    if issue == "placeholder_text":
        return {
            "receiver_name": "测试" if zh else "Test Test",
            "receiver_address": "测试地址 请勿发货" if zh else "test address - do not ship",
        }
    if issue == "invalid_phone":
        return {"receiver_phone": "1234"}
    return {"receiver_district": other_district}
