"""Fulfilment: shipping_delay and abnormal_address, one finding per order.

Both judge the orders as they stood at the end of the inspected day (store time): an order shipped
later than that still counts as unshipped. ``shipping_delay`` reports one finding per late order
(the planted and the real unit of work is the order: each one needs shipping or a call to the
buyer), the most valuable first and at most ``max_orders`` of them; when there are more, one extra
``store`` finding lists all their ``order_ids`` so none is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact, Severity
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.addresses import FIELDS, address_issues, describe
from shopkeeper.inspection.rules.delivery import DeliverySettings, late_deliveries
from shopkeeper.inspection.rules.promises import DEFAULT_PROMISE_HOURS, end_of_day
from shopkeeper.store.metrics import (
    not_cancelled,
    order_gmv,
    order_value_or_deposit,
    paid,
    refund_counted,
)


class DelaySettings(BaseModel):
    """Thresholds of shipping_delay."""

    ship_within_hours: float | None = Field(
        None, description="shipping promise; default: store.toml targets, else 48"
    )
    presale_ship_within_hours: float = Field(
        168.0, description="promise for presale (定金) orders, from the final payment"
    )
    grace_hours: float = Field(
        2.0, description="tolerance past the promise before an order is late"
    )
    lookback_days: int = Field(
        30, description="orders paid (or shipped) within this many days are checked"
    )
    stall_quantile: float = Field(
        0.99, description="normal transit: this quantile of the store's delivered orders"
    )
    stall_factor: float = Field(
        1.3, description="a parcel is stalled after this multiple of normal transit"
    )
    min_stall_days: float = Field(3.0, description="…and never before this many days")
    min_deliveries: int = Field(
        30, description="delivered orders to learn normal transit from its stall_quantile"
    )
    min_deliveries_small: int = Field(
        8,
        description="…from this many (fewer than min_deliveries), normal transit is the robust "
        "max(slowest delivery, median + 4 × 1.4826 × MAD); below it, no stall check",
    )
    high_overdue_hours: float = Field(
        24.0, description="this many hours past the promise is high severity"
    )
    max_orders: int = Field(
        30, description="at most this many per-order findings (most valuable first)"
    )


def _transit(ctx: InspectionContext, s: DelaySettings, cutoff: dt.datetime) -> tuple[float, int]:
    """Normal transit days of delivered orders shipped 2-14 weeks ago: their ``stall_quantile``,
    or with fewer than ``min_deliveries`` the robust max(slowest, median + 4 × 1.4826 × MAD).
    """
    rows = ctx.rows(
        """WITH t AS (SELECT (epoch(delivered_at) - epoch(shipped_at)) / 86400.0 AS d FROM orders
                      WHERE delivered_at > shipped_at AND shipped_at BETWEEN ?::TIMESTAMPTZ - INTERVAL 98 DAY
                        AND ?::TIMESTAMPTZ - INTERVAL 14 DAY)
           SELECT quantile_cont(d, ?) AS q, count(*) AS n, max(d) AS top,
                  median(d) + 4 * 1.4826 * coalesce(mad(d), 0) AS robust FROM t""",
        [cutoff, cutoff, s.stall_quantile],
    )
    n = int(rows[0]["n"])
    if n >= s.min_deliveries:
        return float(rows[0]["q"] or 0.0), n
    return max(float(rows[0]["top"] or 0.0), float(rows[0]["robust"] or 0.0)), n


_DELAY_COLUMNS = f"""order_id, status, paid_at, shipped_at, carrier, tracking_no, coalesce({order_gmv("orders")}, 0)::DOUBLE AS value,
    presale_deposit IS NOT NULL AND presale_deposit > 0 AS presale"""


def _not_shipped(
    ctx: InspectionContext, s: DelaySettings, cutoff: dt.datetime
) -> list[dict[str, Any]]:
    """Paid orders unshipped at ``cutoff`` past their promise (no open refund request). An order
    whose export has no payment time counts from its creation.
    """
    promise = s.ship_within_hours or ctx.config.targets.ship_within_hours or DEFAULT_PROMISE_HOURS
    open_refund = (
        f"""AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.order_id AND r.created_at <= $cutoff
                           AND {refund_counted()})"""
        if ctx.has("refunds")
        else ""
    )
    promise_sql = "CASE WHEN presale_deposit > 0 THEN $presale ELSE $promise END"
    return ctx.rows(
        f"""WITH o AS (
                SELECT *, coalesce(paid_at, created_at) AS paid FROM orders
                WHERE created_at BETWEEN $cutoff::TIMESTAMPTZ - INTERVAL ($lookback + 60) DAY AND $cutoff
                  AND {paid("")}
                  AND ((shipped_at IS NULL AND status = 'paid') OR shipped_at > $cutoff))
            SELECT order_id, status, paid AS paid_at, shipped_at, carrier, tracking_no,
                   coalesce({order_gmv()}, 0)::DOUBLE AS value, presale_deposit IS NOT NULL AND presale_deposit > 0 AS presale,
                   {promise_sql} AS promise_hours, (epoch($cutoff::TIMESTAMPTZ) - epoch(paid)) / 3600.0 AS hours_since_payment,
                   NULL AS days_in_transit
            FROM o
            WHERE paid BETWEEN $cutoff::TIMESTAMPTZ - INTERVAL ($lookback) DAY AND $cutoff
              AND epoch(paid) + {promise_sql} * 3600 + $grace < epoch($cutoff::TIMESTAMPTZ)
              {open_refund}""",
        {
            "cutoff": cutoff,
            "lookback": s.lookback_days,
            "presale": s.presale_ship_within_hours,
            "promise": promise,
            "grace": s.grace_hours * 3600,
        },
    )


def _stalled(
    ctx: InspectionContext, s: DelaySettings, cutoff: dt.datetime, stall_days: float
) -> list[dict[str, Any]]:
    """Parcels shipped more than ``stall_days`` before ``cutoff`` and not delivered by then (the
    look-back is ``lookback_days`` past the stall threshold, so a long normal transit cannot push
    every stalled parcel out of it).
    """
    return ctx.rows(
        f"""SELECT {_DELAY_COLUMNS}, NULL AS promise_hours, NULL AS hours_since_payment,
                   (epoch(?::TIMESTAMPTZ) - epoch(shipped_at)) / 86400.0 AS days_in_transit
            FROM orders
            WHERE shipped_at BETWEEN ?::TIMESTAMPTZ - INTERVAL (?) DAY AND ?::TIMESTAMPTZ - to_seconds(?)
              AND {not_cancelled("")}
              AND ((delivered_at IS NULL AND status = 'shipped') OR delivered_at > ?)""",
        [
            cutoff,
            cutoff,
            s.lookback_days + math.ceil(stall_days),
            cutoff,
            stall_days * 86400,
            cutoff,
        ],
    )


def _stalled_apart(
    ctx: InspectionContext, s: DelaySettings, cutoff: dt.datetime, stall: float
) -> list[dict[str, Any]]:
    """Stalled parcels, less those a ``delivery_late`` finding counts (money is counted once)."""
    rows = _stalled(ctx, s, cutoff, stall)
    if not rows:
        return rows
    failed = late_deliveries(ctx, ctx.settings("delivery_late", DeliverySettings))
    counted = {str(r["order_id"]) for r in failed.late} if failed else set()
    return [r for r in rows if str(r["order_id"]) not in counted]


def detect_shipping_delay(ctx: InspectionContext, s: DelaySettings) -> list[Finding]:
    """A paid order still unshipped at the end of the inspected day more than the promise after
    payment (``ship_within_hours`` from store.toml targets, default 48; presale orders get
    ``presale_ship_within_hours`` from their final payment; orders with an open refund request and
    orders still awaiting their final payment are not late), or a parcel shipped longer ago than
    ``stall_factor`` × the store's normal transit time (learned from its own delivered orders: the
    ``stall_quantile`` of at least ``min_deliveries``, or a robust bound from ``min_deliveries_small``)
    and still not delivered. Paid more than ``lookback_days`` ago (shipped more than
    ``lookback_days`` + the stall threshold ago) is left out. Stalled parcels that a
    ``delivery_late`` finding counts (a store-wide delivery failure) are reported there, once,
    not again here. One finding per order,
    ranked by value (``max_orders``, then one store finding listing the rest). High severity:
    ``high_overdue_hours`` past the promise, or stalled twice the threshold. Impact: the order value.
    """
    cutoff = end_of_day(ctx)
    normal, deliveries = _transit(ctx, s, cutoff)
    stall = (
        max(normal * s.stall_factor, s.min_stall_days)
        if deliveries >= min(s.min_deliveries, s.min_deliveries_small)
        else None
    )
    rows = _not_shipped(ctx, s, cutoff) + (
        _stalled_apart(ctx, s, cutoff, stall) if stall is not None else []
    )
    rows.sort(key=lambda r: (-r["value"], r["order_id"]))
    findings = [_delay_finding(ctx, s, r, normal, stall) for r in rows[: s.max_orders]]
    if len(rows) > s.max_orders:
        findings.append(_delay_summary(ctx, rows))
    return findings


def _delay_finding(
    ctx: InspectionContext, s: DelaySettings, r: dict[str, Any], normal: float, stall: float | None
) -> Finding:
    oid = str(r["order_id"])
    shipped = r["days_in_transit"] is not None
    severity: Severity
    if shipped:
        days = float(r["days_in_transit"])
        severity = "high" if stall is not None and days >= 2 * stall else "medium"
        title = ctx.text(
            f"物流停滞：发出 {days:.1f} 天仍未签收（通常 {normal:.1f} 天内送达）",
            f"Parcel stalled: shipped {days:.1f} days ago, not delivered (normally within {normal:.1f} days)",
        )
        evidence: dict[str, Any] = {
            "issue": "stalled_in_transit",
            "shipped_at": r["shipped_at"].isoformat(),
            "days_in_transit": round(days, 1),
            "normal_transit_days": round(normal, 1),
            "stall_after_days": round(stall or 0.0, 1),
            "carrier": r["carrier"],
            "tracking_no": r["tracking_no"],
        }
        advice = ctx.text(
            f"联系{r['carrier'] or '快递'}查询运单 {r['tracking_no'] or ''}，同时告知买家进度；包裹丢失则立即补发",
            f"Ask {r['carrier'] or 'the carrier'} about tracking {r['tracking_no'] or ''}, update the buyer, "
            "and reship at once if the parcel is lost",
        )
    else:
        hours, promise = float(r["hours_since_payment"]), float(r["promise_hours"])
        severity = "high" if hours - promise >= s.high_overdue_hours else "medium"
        title = ctx.text(
            f"超时未发货：付款已 {hours:.0f} 小时（承诺 {promise:.0f} 小时内发货）",
            f"Not shipped {hours:.0f} hours after payment (promise: {promise:.0f} hours)",
        )
        evidence = {
            "issue": "not_shipped",
            "paid_at": r["paid_at"].isoformat(),
            "hours_since_payment": round(hours, 1),
            "promise_hours": promise,
            "overdue_hours": round(hours - promise, 1),
            "presale": bool(r["presale"]),
        }
        advice = ctx.text(
            "今天发货；若缺货或无法按时发出，先联系买家说明并给出补偿或退款选项，避免延迟发货投诉",
            "Ship it today; if it cannot go out, contact the buyer first with a make-good or a refund "
            "option, before a late-shipment complaint",
        )
    evidence |= {"status": r["status"], "order_value": round(float(r["value"]), 2)}
    return Finding.make(
        kind="shipping_delay",
        as_of=ctx.as_of,
        severity=severity,
        entity=Entity(type="order", id=oid),
        title=title,
        evidence=evidence,
        recommendation=advice,
        impact=Impact(metric="order_value", value=round(float(r["value"]), 2)),
        actions=[
            Action(type="contact_buyer", params={"order_id": oid, "reason": evidence["issue"]})
        ],
    )


def _delay_summary(ctx: InspectionContext, rows: list[dict[str, Any]]) -> Finding:
    stalled = sum(1 for r in rows if r["days_in_transit"] is not None)
    value = sum(float(r["value"]) for r in rows)
    return Finding.make(
        kind="shipping_delay",
        as_of=ctx.as_of,
        severity="high",
        entity=ctx.store_entity,
        title=ctx.text(
            f"共 {len(rows)} 单发货超时或物流停滞，涉及 {ctx.money(value)}",
            f"{len(rows)} orders late or stalled in transit, worth {ctx.money(value)}",
        ),
        evidence={
            "orders": len(rows),
            "not_shipped": len(rows) - stalled,
            "stalled_in_transit": stalled,
            "order_value": round(value, 2),
            "order_ids": [str(r["order_id"]) for r in rows[:500]],
        },
        impact=Impact(metric="order_value", value=round(value, 2)),
        recommendation=ctx.text(
            "检查仓库产能与快递揽收，按付款时间优先处理；批量通知受影响买家",
            "Check warehouse capacity and carrier pick-ups, ship oldest payments first, and "
            "message every affected buyer",
        ),
    )


class AddressSettings(BaseModel):
    """Thresholds of abnormal_address."""

    lookback_days: int = Field(
        30, description="unshipped orders paid within this many days are checked"
    )
    min_fill_rate: float = Field(
        0.9, description="a column may be reported missing only if the store fills it this often"
    )
    min_street_chars: int = Field(
        3, description="a street address shorter than this (regions removed) is missing"
    )
    min_fill_orders: int = Field(
        20,
        description="orders of the last week needed to learn which columns the store fills in "
        "(fewer: no column is reported missing)",
    )


def _judged_columns(ctx: InspectionContext, cutoff: dt.datetime, s: AddressSettings) -> list[str]:
    """The receiver columns the store fills in (in at least ``min_fill_rate`` of last week's orders,
    of which there are at least ``min_fill_orders``).
    """
    fills = ", ".join(f"avg(({c} IS NOT NULL AND {c} <> '')::INT) AS {c}" for c in FIELDS)
    row = ctx.rows(
        f"""SELECT count(*) AS n_orders, {fills} FROM orders
            WHERE created_at BETWEEN ?::TIMESTAMPTZ - INTERVAL 7 DAY AND ?""",
        [cutoff, cutoff],
    )
    if not row or row[0]["n_orders"] < s.min_fill_orders:
        return []
    return [c for c in FIELDS if (row[0][c] or 0) >= s.min_fill_rate]


def detect_abnormal_address(ctx: InspectionContext, s: AddressSettings) -> list[Finding]:
    """An order not yet shipped at the end of the inspected day (paid within ``lookback_days``, or
    a presale order waiting for its final payment) whose receiver is a test or placeholder
    (测试, test, xxx, 123...), has no street address, a province/state that does not contain the
    city, a district or ZIP that does not belong to the city or state (judged only against the
    reference of real places: unknown places never fire), or a phone that is not a valid (possibly
    masked) number. A column is reported missing only when the store fills it in for at least
    ``min_fill_rate`` of its orders of the last week, and those are at least ``min_fill_orders``;
    the other issues rest on the order alone. Impact: the order value.
    """
    cutoff = end_of_day(ctx)
    judged = _judged_columns(ctx, cutoff, s)
    columns = (
        f"order_id, status, {order_value_or_deposit('')}::DOUBLE AS value, {', '.join(FIELDS)}"
    )
    rows = ctx.rows(
        f"""SELECT {columns} FROM orders
            WHERE paid_at BETWEEN ?::TIMESTAMPTZ - INTERVAL (?) DAY AND ? AND {not_cancelled("")}
              AND ((shipped_at IS NULL AND status = 'paid') OR shipped_at > ?)
            UNION ALL
            SELECT {columns} FROM orders
            WHERE created_at BETWEEN ?::TIMESTAMPTZ - INTERVAL 60 DAY AND ? AND status = 'created' AND presale_deposit > 0""",
        [cutoff, s.lookback_days, cutoff, cutoff, cutoff, cutoff],
    )
    out = []
    for r in rows:
        issues = address_issues(r, judged, lang=ctx.lang, min_street_chars=s.min_street_chars)
        if issues:
            out.append(_address_finding(ctx, r, issues))
    return out


def _address_finding(ctx: InspectionContext, r: dict[str, Any], issues: list[str]) -> Finding:
    oid = str(r["order_id"])
    said = ctx.text("；", "; ").join(describe(i, ctx.lang) for i in issues)
    receiver = {f.removeprefix("receiver_"): r[f] for f in FIELDS}
    return Finding.make(
        kind="abnormal_address",
        as_of=ctx.as_of,
        severity="high",
        entity=Entity(type="order", id=oid),
        title=ctx.text(f"收货地址异常：{said}", f"Address problem: {said}"),
        evidence={
            "issues": issues,
            "status": r["status"],
            "order_value": round(float(r["value"]), 2),
            **receiver,
        },
        impact=Impact(metric="order_value", value=round(float(r["value"]), 2)),
        recommendation=ctx.text(
            "暂缓发货，联系买家核对收件人、电话和详细地址，确认后再发",
            "Hold the order and confirm the receiver, phone and street address with the buyer "
            "before shipping",
        ),
        actions=[
            Action(type="hold_order", params={"order_id": oid, "reason": issues[0]}),
            Action(type="contact_buyer", params={"order_id": oid, "reason": "confirm_address"}),
        ],
    )


RULES = (
    Rule(
        "shipping_delay",
        (),
        DelaySettings,
        detect_shipping_delay,
        minimums=(
            Minimum(None, "one paid order past its shipping promise: the order is the evidence"),
            Minimum("min_deliveries", "deliveries normal transit is learned from (a stall)"),
            Minimum("min_deliveries_small", "…by a robust bound, from fewer deliveries"),
        ),
    ),
    Rule(
        "abnormal_address",
        (),
        AddressSettings,
        detect_abnormal_address,
        minimums=(
            Minimum(None, "one unshipped order: its own address is the evidence"),
            Minimum("min_fill_orders", "orders a missing column's fill rate is learned from"),
        ),
    ),
)
