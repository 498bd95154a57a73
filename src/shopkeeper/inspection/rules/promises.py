"""What a store promises its buyers, as the fulfilment rules judge it: to ship within hours of
payment, and to deliver by a date (``orders.promised_delivery_at``, else payment + the shipping
promise + the store's median transit time + a grace); and the moment they are judged at, the end
of the inspected day in the store's time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shopkeeper.inspection.context import InspectionContext

DEFAULT_PROMISE_HOURS = 48.0


def end_of_day(ctx: InspectionContext) -> dt.datetime:
    """The end of the inspected day in the store's time zone."""
    return dt.datetime.combine(
        ctx.as_of + dt.timedelta(days=1), dt.time(), ZoneInfo(ctx.config.timezone)
    )


def has_promised_dates(ctx: InspectionContext) -> bool:
    """Whether ``orders`` has a ``promised_delivery_at`` column holding any value (contract v1.1);
    asked once per inspection.
    """
    return ctx.shared(
        "has_promised_dates",
        lambda: (
            ctx.column_exists("orders", "promised_delivery_at")
            and ctx.has_column("orders", "promised_delivery_at")
        ),
    )


def median_transit(ctx: InspectionContext, cutoff: dt.datetime) -> tuple[float, int]:
    """Median days from shipping to delivery of parcels delivered in the 98 days up to ``cutoff``,
    and how many there were.
    """
    row = ctx.rows(
        """SELECT median((epoch(delivered_at) - epoch(shipped_at)) / 86400.0) AS m, count(*) AS n
           FROM orders WHERE delivered_at > shipped_at
             AND delivered_at BETWEEN ?::TIMESTAMPTZ - INTERVAL 98 DAY AND ?""",
        [cutoff, cutoff],
    )[0]
    return float(row["m"] or 0.0), int(row["n"])


def delivery_promise_sql(
    ctx: InspectionContext, cutoff: dt.datetime, *, min_deliveries: int, grace_days: float
) -> str | None:
    """SQL for an order's delivery promise (a timestamp): ``promised_delivery_at`` where the data
    has it, else payment + shipping promise + median transit (learned from at least
    ``min_deliveries`` deliveries) + ``grace_days``; None when neither can be known.
    """
    ship = ctx.config.targets.ship_within_hours or DEFAULT_PROMISE_HOURS
    transit, n = median_transit(ctx, cutoff)
    seconds = (ship / 24 + transit + grace_days) * 86400
    derived = (
        f"(coalesce(paid_at, created_at) + to_seconds({seconds:.0f}))"
        if n >= min_deliveries
        else None
    )
    if has_promised_dates(ctx):
        return f"coalesce(promised_delivery_at, {derived})" if derived else "promised_delivery_at"
    return derived
