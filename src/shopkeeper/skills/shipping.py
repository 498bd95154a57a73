"""The shipping queue: unshipped and overdue orders, late shipments, abnormal addresses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.rules.addresses import FIELDS, address_issues, describe
from shopkeeper.skills.common import (
    DataAnswer,
    Recommendation,
    StoreData,
    end_of_day,
    open_store,
    promise_hours,
    ratio,
)
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, money, num, tr
from shopkeeper.store.metrics import order_gmv, paid

MIN_FILL_RATE = 0.9


class ShippingArgs(BaseModel):
    """Which day and how far back."""

    date: dt.date | None = Field(
        default=None,
        description="state at the end of this day (default: the last complete day of real trading)",
    )
    lookback_days: int = Field(
        default=30, ge=1, le=365, description="orders paid within this many days"
    )
    limit: int = Field(default=20, ge=1, le=500, description="orders per list")


class WaitingOrder(BaseModel):
    """A paid order not shipped yet."""

    order_id: str
    paid_at: dt.datetime
    hours_since_payment: float
    overdue_hours: float = Field(description="hours past the promise (negative: still in time)")
    value: float = Field(description="money")


class AddressProblem(BaseModel):
    """An unshipped order whose receiver looks wrong."""

    order_id: str
    issues: list[str] = Field(description="issue codes (placeholder_text, missing_street, ...)")
    description: str
    value: float


class ShippingOverview(DataAnswer):
    """The shipping queue at the end of a day."""

    as_of: dt.date | None = None
    promise_hours: float = 48.0
    unshipped: int = Field(default=0, description="paid, not shipped")
    unshipped_value: float = 0.0
    overdue: int = Field(default=0, description="unshipped past the promise")
    overdue_value: float = 0.0
    shipped: int = Field(default=0, description="orders shipped in the lookback")
    late_shipments: int = Field(default=0, description="…shipped later than the promise")
    late_share: float | None = Field(default=None, description="late_shipments / shipped (0-1)")
    avg_hours_to_ship: float | None = None
    overdue_orders: list[WaitingOrder] = Field(
        default_factory=list, description="most overdue first"
    )
    abnormal_addresses: list[AddressProblem] = Field(default_factory=list)

    def render(self, lang: Lang, currency: str = "") -> str:
        """Unshipped and overdue orders against the promise, then the first overdue and bad addresses."""
        cur = self.money_in(currency)
        bad = len(self.abnormal_addresses)
        head = tr(
            lang,
            f"截至 {self.as_of}：未发货 {self.unshipped} 单（{money(self.unshipped_value, cur, lang)}），"
            f"超过 {num(self.promise_hours)} 小时承诺的 {self.overdue} 单；平均 {num(self.avg_hours_to_ship)} 小时发货；"
            f"地址异常 {bad} 单。",
            f"As of {self.as_of}: {self.unshipped} unshipped orders ({money(self.unshipped_value, cur, lang)}), "
            f"{self.overdue} past the {num(self.promise_hours)}-hour promise; {num(self.avg_hours_to_ship)} h to ship on average; "
            f"{bad} abnormal addresses.",
        )
        rows = [
            tr(
                lang,
                f"- 超时 {r.order_id}：已付款 {num(r.hours_since_payment)} 小时",
                f"- overdue {r.order_id}: paid {num(r.hours_since_payment)} h ago",
            )
            for r in self.overdue_orders[:3]
        ] + [
            tr(
                lang,
                f"- 地址 {r.order_id}：{r.description}",
                f"- address {r.order_id}: {r.description}",
            )
            for r in self.abnormal_addresses[:3]
        ]
        return "\n".join([head, *rows, *self.tail(lang)])


def _judged(d: StoreData, cutoff: dt.datetime) -> list[str]:
    fills = ", ".join(f"avg(({c} IS NOT NULL AND {c} <> '')::INT) AS {c}" for c in FIELDS)
    row = d.rows(
        f"SELECT {fills} FROM orders WHERE created_at BETWEEN ?::TIMESTAMPTZ - INTERVAL 7 DAY AND ?",
        [cutoff, cutoff],
    )
    return [c for c in FIELDS if row and (row[0][c] or 0) >= MIN_FILL_RATE]


def _waiting(d: StoreData, cutoff: dt.datetime, days: int) -> list[dict[str, Any]]:
    return d.rows(
        f"""SELECT order_id, coalesce(paid_at, created_at) AS paid, coalesce({order_gmv("orders")}, 0)::DOUBLE AS value,
                   (epoch($cutoff::TIMESTAMPTZ) - epoch(coalesce(paid_at, created_at))) / 3600.0 AS hours, {", ".join(FIELDS)}
            FROM orders WHERE {paid("")}
              AND coalesce(paid_at, created_at) BETWEEN $cutoff::TIMESTAMPTZ - INTERVAL ($days) DAY AND $cutoff
              AND ((shipped_at IS NULL AND status = 'paid') OR shipped_at > $cutoff)
            ORDER BY hours DESC, order_id""",
        {"cutoff": cutoff, "days": days},
    )


@skill(tags=("data", "orders"))
def shipping_overview(ctx: SkillContext, args: ShippingArgs) -> ShippingOverview:
    """Shipping: unshipped and overdue orders against the promise, late shipments, orders with abnormal addresses."""
    with open_store(ctx) as d:
        base = d.answer_base()
        if not d.has_column("orders", "shipped_at"):
            base |= {
                "missing": ["orders.shipped_at"],
                "note": d.text("订单没有发货时间数据", "orders carry no shipped_at times"),
            }
            return ShippingOverview(**base)
        as_of = args.date or d.window_end()
        cutoff, promise = end_of_day(d, as_of), promise_hours(d)
        waiting = _waiting(d, cutoff, args.lookback_days)
        judged = _judged(d, cutoff)
        shipped = d.rows(
            """SELECT count(*) AS n, count(*) FILTER (WHERE epoch(shipped_at) - epoch(coalesce(paid_at, created_at)) > $p * 3600) AS late,
                      avg((epoch(shipped_at) - epoch(coalesce(paid_at, created_at))) / 3600.0) AS hours
               FROM orders WHERE shipped_at BETWEEN $cutoff::TIMESTAMPTZ - INTERVAL ($days) DAY AND $cutoff""",
            {"cutoff": cutoff, "days": args.lookback_days, "p": promise},
        )[0]
        lang, text = d.lang, d.text
    overdue = [w for w in waiting if w["hours"] > promise]
    problems = []
    for w in waiting:
        issues = address_issues(w, judged, lang=lang)
        if issues:
            said = text("；", "; ").join(describe(i, lang) for i in issues)
            problems.append(
                AddressProblem(
                    order_id=w["order_id"],
                    issues=issues,
                    description=said,
                    value=round(w["value"], 2),
                )
            )
    recs = [
        Recommendation(
            text=text(
                f"订单 {p.order_id} 地址异常（{p.description}）：暂缓发货并联系买家核对",
                f"Order {p.order_id} address problem ({p.description}): hold it and confirm with the buyer",
            ),
            action="hold_order",
            params={"order_id": p.order_id, "note": p.description},
        )
        for p in problems[:5]
    ]
    if overdue:
        recs.insert(
            0,
            Recommendation(
                text=text(
                    f"{len(overdue)} 单已超过 {promise:g} 小时未发货：今天优先发出，发不出的先联系买家",
                    f"{len(overdue)} orders are past the {promise:g}-hour promise: ship them first today, call buyers of any that cannot go",
                )
            ),
        )
    return ShippingOverview(
        **base,
        as_of=as_of,
        promise_hours=promise,
        unshipped=len(waiting),
        unshipped_value=round(sum(w["value"] for w in waiting), 2),
        overdue=len(overdue),
        overdue_value=round(sum(w["value"] for w in overdue), 2),
        shipped=int(shipped["n"]),
        late_shipments=int(shipped["late"]),
        late_share=ratio(int(shipped["late"]), int(shipped["n"])),
        avg_hours_to_ship=round(shipped["hours"], 1) if shipped["hours"] is not None else None,
        overdue_orders=[
            WaitingOrder(
                order_id=w["order_id"],
                paid_at=w["paid"],
                hours_since_payment=round(w["hours"], 1),
                overdue_hours=round(w["hours"] - promise, 1),
                value=round(w["value"], 2),
            )
            for w in overdue[: args.limit]
        ],
        abnormal_addresses=problems[: args.limit],
        recommendations=recs,
    )
