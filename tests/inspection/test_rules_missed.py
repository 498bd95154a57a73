"""The problems real stores showed the inspection missing, each planted in a small hand-built store
with a healthy control: late deliveries, stalled parcels on a slow carrier, cancellations, low
ratings spread over listings, a competitor loss that set in weeks ago, and one giant order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import load_rules
from shopkeeper.reports.movers import find_movers
from shopkeeper.reports.periods import plan_periods
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.outliers import outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.store.warehouse import Warehouse, store_dir

from .stores import build_store, inspect_built

AS_OF = dt.date(2026, 3, 31)
NOON = dt.datetime(2026, 3, 31, 12)
PRODUCTS = [(f"S{k}", f"P{k}", f"商品{k}") for k in range(1, 7)]
ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "created_at",
    "paid_at",
    "status",
    "shipped_at",
    "delivered_at",
    "promised_delivery_at",
    "pay_amount",
)


def ts(days_ago: float) -> str:
    """A store-local timestamp ``days_ago`` days before noon of the inspected day."""
    return (NOON - dt.timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M:%S")


def order(
    oid: str,
    days_ago: float,
    *,
    status: str = "completed",
    transit: float | None = 2.0,
    promise: float | None = None,
    sku: str = "S1",
    qty: int = 1,
    price: float = 50.0,
    customer: str | None = None,
) -> dict[str, Any]:
    """An order placed and paid ``days_ago``, shipped half a day later and delivered ``transit``
    days after that (``None``: never delivered); ``promise`` days after payment when given.
    """
    shipped = status in ("shipped", "delivered", "completed")
    delivered = shipped and transit is not None and days_ago - 0.5 - transit > 0
    return {
        "order_id": oid,
        "customer_id": customer or f"c{oid}",
        "created_at": ts(days_ago),
        "paid_at": ts(days_ago),
        "status": status if delivered or not shipped else "shipped",
        "shipped_at": ts(days_ago - 0.5) if shipped else "",
        "delivered_at": ts(days_ago - 0.5 - transit) if delivered and transit is not None else "",
        "promised_delivery_at": ts(days_ago - promise) if promise is not None else "",
        "pay_amount": round(qty * price, 2),
        "_ago": days_ago,
        "_sku": sku,
        "_qty": qty,
        "_price": price,
    }


def build(
    tmp: Path,
    orders: list[dict[str, Any]],
    *,
    reviews: Iterable[tuple[str, str, float, int]] = (),
    competitors: Iterable[tuple[int, str, str, int]] = (),
) -> Path:
    """Write and import a store; ``reviews`` are (order_id, sku, days_ago, rating), ``competitors``
    (days_ago, our product, rival product, lost buyers).
    """
    src = tmp / "src"
    src.mkdir(parents=True)
    (src / "store.toml").write_text(
        'name = "t"\nplatform = "tmall"\ncurrency = "CNY"\ntimezone = "Asia/Shanghai"\n'
        'language = "en"\n[targets]\nship_within_hours = 48\n',
        encoding="utf-8",
    )
    (src / "products.csv").write_text(
        "sku_id,product_id,title,category,price\n"
        + "".join(f"{s},{p},{t},咖啡/咖啡豆,50\n" for s, p, t in PRODUCTS),
        encoding="utf-8",
    )
    lines = [",".join(ORDER_COLUMNS)] + [",".join(str(o[c]) for c in ORDER_COLUMNS) for o in orders]
    (src / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "order_items.csv").write_text(
        "order_id,sku_id,quantity,unit_price\n"
        + "".join(f"{o['order_id']},{o['_sku']},{o['_qty']},{o['_price']}\n" for o in orders),
        encoding="utf-8",
    )
    rows = list(reviews)
    if rows:
        (src / "reviews.csv").write_text(
            "review_id,order_id,sku_id,created_at,rating,text\n"
            + "".join(
                f"R{n},{oid},{sku},{ts(ago)},{rating},{'never arrived' if rating <= 2 else 'good'}\n"
                for n, (oid, sku, ago, rating) in enumerate(rows)
            ),
            encoding="utf-8",
        )
    watch = list(competitors)
    if watch:
        (src / "competitors.csv").write_text(
            "date,our_product_id,competitor_product_id,competitor_shop,competitor_price,lost_buyers\n"
            + "".join(
                f"{AS_OF - dt.timedelta(days=ago)},{ours},{rival},shop-{rival},45,{lost}\n"
                for ago, ours, rival, lost in watch
            ),
            encoding="utf-8",
        )
    settings = Settings(home=tmp / "home")
    import_store(src, "t", settings=settings)
    return store_dir(settings, "t")


def inspect(directory: Path, *modules: str) -> InspectionReport:
    rules = load_rules(tuple(f"shopkeeper.inspection.rules.{m}" for m in modules))
    with Warehouse.open(directory, read_only=True) as wh:
        return inspect_store(wh, "t", as_of=AS_OF, rules=rules)


def kinds(report: InspectionReport) -> list[tuple[str, str, str]]:
    return [(f.kind, f.entity.type, f.entity.id) for f in report.findings]


def steady(
    n: int, *, start: float = 0.2, span: float = 100.0, prefix: str = "N"
) -> list[dict[str, Any]]:
    """``n`` ordinary orders spread evenly over ``span`` days from ``start`` days ago."""
    return [order(f"{prefix}{i}", start + span * i / n, sku=PRODUCTS[i % 6][0]) for i in range(n)]


# delivery_late ---------------------------------------------------------------------------------


def _deliveries(late: int, lost: int, *, promise: float | None = None) -> list[dict[str, Any]]:
    """60 orders of the last 30 days delivered in 2 days, of which ``late`` took 9 days and ``lost``
    were shipped and never delivered; 60 older ones teach the normal transit."""
    out = []
    for i in range(60):
        slow = 20 <= i < 20 + late + lost
        transit = (9.0 if i < 20 + late else None) if slow else 2.0
        out.append(order(f"D{i}", 0.2 + i * 0.5, transit=transit, promise=promise))
    return out + steady(60, start=40, span=50, prefix="O")


def _reviews(orders: list[dict[str, Any]]) -> list[tuple[str, str, float, int]]:
    """Late and lost orders (the 20th to 31st) rated 1★ two times in three; the others 5★ (one in
    ten 2★), each written a little after its order."""
    out = []
    for i, o in enumerate(orders):
        slow = 20 <= i < 32
        rating = (1 if i % 3 else 4) if slow else (2 if i % 10 == 0 else 5)
        out.append((o["order_id"], "S1", 0.9 * o["_ago"], rating))
    return out


def test_late_and_lost_deliveries_are_one_store_finding_with_their_ratings(tmp_path: Path) -> None:
    orders = _deliveries(late=6, lost=6)
    report = inspect(build(tmp_path, orders, reviews=_reviews(orders)), "delivery")
    assert kinds(report) == [("delivery_late", "store", "t")]
    ev = report.findings[0].evidence
    assert ev["late_orders"] == 12
    assert ev["undelivered_past_promise"] == 6
    assert ev["delivered_late"] == 6
    assert ev["promise_source"] == "derived"
    assert ev["low_share_late"] > 0.5 > 0.2 > ev["low_share_on_time"]
    assert "1-2★ reviews" in report.findings[0].title


def test_a_promised_date_is_used_when_the_data_has_it(tmp_path: Path) -> None:
    # every parcel arrives in 2 days, but the shop promised delivery within 1.5 days of payment
    orders = [order(f"D{i}", 0.2 + i * 0.5, promise=1.5) for i in range(60)]
    report = inspect(build(tmp_path, orders), "delivery")
    assert kinds(report) == [("delivery_late", "store", "t")]
    assert report.findings[0].evidence["promise_source"] == "promised_delivery_at"
    assert report.findings[0].evidence["late_share"] == 1.0


def test_on_time_deliveries_raise_nothing(tmp_path: Path) -> None:
    orders = _deliveries(late=1, lost=1)
    assert kinds(inspect(build(tmp_path, orders, reviews=_reviews(orders)), "delivery")) == []


def test_too_few_orders_are_not_judged(tmp_path: Path) -> None:
    orders = _deliveries(late=6, lost=6)[:30]  # 20 judged orders, under min_orders
    assert kinds(inspect(build(tmp_path, orders), "delivery")) == []


# shipping_delay on a slow carrier --------------------------------------------------------------


def test_stalled_parcels_are_found_on_a_slow_carrier_with_few_deliveries(tmp_path: Path) -> None:
    # 12 deliveries taking 20-27 days: 1.3 × their p99 is past the 30-day look-back, and under 30
    slow = [order(f"D{i}", 40 + 3 * i, transit=20 + i % 8) for i in range(12)]
    stalled = [order("LOST", 42, transit=None), order("MOVING", 10, transit=None)]
    recent = steady(10, span=10, prefix="R")
    report = inspect(build(tmp_path, slow + stalled + recent), "fulfilment")
    assert kinds(report) == [("shipping_delay", "order", "LOST")]
    assert report.findings[0].evidence["stall_after_days"] > 30


# cancellation_spike ----------------------------------------------------------------------------


def _with_cancellations(recent: int) -> list[dict[str, Any]]:
    """100 orders in the last 28 days with ``recent`` cancelled; 300 before with 1 % cancelled."""
    out = steady(100, start=0.5, span=27, prefix="R") + steady(300, start=29, span=80, prefix="B")
    for i in range(recent):
        out[i * 5] |= {"status": "cancelled", "shipped_at": "", "delivered_at": ""}
    for i in range(3):
        out[100 + i * 90] |= {"status": "cancelled", "shipped_at": "", "delivered_at": ""}
    return out


def test_cancellations_clearly_above_normal_are_a_store_finding(tmp_path: Path) -> None:
    report = inspect(build(tmp_path, _with_cancellations(15)), "cancellations")
    assert kinds(report) == [("cancellation_spike", "store", "t")]
    ev = report.findings[0].evidence
    assert ev["cancelled"] == 15
    assert ev["cancelled_share"] == 0.15
    assert ev["by_status"] == {"cancelled": 15}
    assert ev["top_listings"]


def test_a_normal_share_of_cancellations_raises_nothing(tmp_path: Path) -> None:
    assert kinds(inspect(build(tmp_path, _with_cancellations(2)), "cancellations")) == []


# negative_reviews for the whole store ----------------------------------------------------------


def _review_history(low_recent: int) -> list[tuple[str, str, float, int]]:
    """200 reviews over the half year before (5 % low) and 17 in the last 30 days, ``low_recent``
    of them 1-2★ spread over the six listings."""
    out = [
        (f"B{i}", PRODUCTS[i % 6][0], 29.8 + i * 0.8, 1 if i % 20 == 0 else 5) for i in range(200)
    ]
    out += [
        (f"R{i}", PRODUCTS[i % 6][0], 0.2 + i * 1.75, 2 if i < low_recent else 5) for i in range(17)
    ]
    return out


def test_low_ratings_spread_over_listings_raise_a_store_alarm(tmp_path: Path) -> None:
    orders = steady(200, span=200, prefix="B") + steady(17, span=27, prefix="R")
    report = inspect(build(tmp_path, orders, reviews=_review_history(8)), "service")
    assert kinds(report) == [("negative_reviews", "store", "t")]
    ev = report.findings[0].evidence
    assert (ev["low_reviews_recent"], ev["reviews_recent"]) == (8, 17)
    assert len(ev["listings"]) == 6


def test_a_usual_share_of_low_ratings_raises_no_store_alarm(tmp_path: Path) -> None:
    orders = steady(200, span=200, prefix="B") + steady(17, span=27, prefix="R")
    assert kinds(inspect(build(tmp_path, orders, reviews=_review_history(1)), "service")) == []


# competitor_loss that set in weeks ago ---------------------------------------------------------


def _watch(since: int | None) -> list[tuple[int, str, str, int]]:
    """80 days of the watch: a rival takes 2 buyers a day, 12 a day from ``since`` days ago."""
    return [
        (ago, "P1", "X1", 12 if since is not None and ago < since else 2 if ago % 3 else 1)
        for ago in range(80)
    ]


def test_a_competitor_loss_that_began_weeks_ago_is_still_found(tmp_path: Path) -> None:
    orders = [order(f"N{i}", 0.2 + i * 0.25) for i in range(320)]  # 4 buyers a day on P1
    report = inspect(build(tmp_path, orders, competitors=_watch(30)), "market")
    assert kinds(report) == [("competitor_loss", "product", "P1")]
    assert report.findings[0].evidence["baseline_ends_days_before_window"] >= 28


def test_a_steady_competitor_take_is_not_a_loss(tmp_path: Path) -> None:
    orders = [order(f"N{i}", 0.2 + i * 0.25) for i in range(320)]
    assert kinds(inspect(build(tmp_path, orders, competitors=_watch(None)), "market")) == []


# outlier_order ---------------------------------------------------------------------------------


def _with_giant(giant: bool) -> list[dict[str, Any]]:
    out = steady(300, span=120)
    if giant:
        out.append(order("BIG", 2, sku="S2", qty=1404, customer="bulk"))
    return out


def test_one_giant_order_is_flagged_with_the_figures_without_it(tmp_path: Path) -> None:
    directory = build(tmp_path, _with_giant(True))
    report = inspect(directory, "outliers")
    assert kinds(report) == [("outlier_order", "order", "BIG")]
    ev = report.findings[0].evidence
    assert ev["units"] == 1404
    assert ev["week_gmv_without"] == ev["week_gmv"] - 70200
    assert report.findings[0].severity == "medium"
    with Warehouse.open(directory, read_only=True) as wh:
        q = Query(wh.con, {"orders": 1, "order_items": 1, "products": 1})
        assert outlier_order_ids(q, AS_OF - dt.timedelta(days=6), AS_OF) == ["BIG"]
        rising = find_movers(q, plan_periods("weekly", AS_OF), "en").rising
    assert "P2" not in [m.product_id for m in rising]  # one bulk order is not a product trend


def test_ordinary_orders_are_not_outliers(tmp_path: Path) -> None:
    assert kinds(inspect(build(tmp_path, _with_giant(False)), "outliers")) == []


# generated stores: exactly the planted ones of these problems are found ------------------------

NEW_KINDS = ("delivery_late", "cancellation_spike", "outlier_order")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "scale", "seed", "problems"),
    [("en", 0.3, 41, ()), ("zh", 0.03, 42, ()), ("zh", 0.3, 43, None)],
)
def test_generated_stores_find_exactly_the_planted_order_problems(
    tmp_path: Path, lang: str, scale: float, seed: int, problems: tuple[str, ...] | None
) -> None:
    options: dict[str, Any] = {"lang": lang, "scale": scale, "seed": seed, "end_date": AS_OF}
    if problems is not None:
        options["problems"] = problems
    manifest, directory = build_store(tmp_path, "g", options)
    rules = load_rules(
        tuple(f"shopkeeper.inspection.rules.{m}" for m in ("delivery", "cancellations", "outliers"))
    )
    report = inspect_built(directory, "g", manifest, rules)
    # the default problems plant each of them once; a healthy store plants none
    planted = sorted({p.kind for p in manifest.planted if p.kind in NEW_KINDS})
    assert sorted({f.kind for f in report.findings if f.kind in NEW_KINDS}) == planted
    assert len([f for f in report.findings if f.kind in NEW_KINDS]) == len(planted)


def test_lost_parcels_of_a_delivery_failure_are_counted_once(tmp_path: Path) -> None:
    orders = _deliveries(late=2, lost=10)
    report = inspect(build(tmp_path, orders), "fulfilment", "delivery")
    assert kinds(report) == [("delivery_late", "store", "t")]
    assert report.findings[0].evidence["undelivered_past_promise"] == 10


def test_low_ratings_of_late_orders_belong_to_the_delivery_finding(tmp_path: Path) -> None:
    orders = _deliveries(late=10, lost=10)
    reviews = [
        (oid, sku, ago, 1 if 20 <= i < 40 else rating)
        for i, (oid, sku, ago, rating) in enumerate(_reviews(orders))
    ]
    report = inspect(build(tmp_path, orders, reviews=reviews), "service", "delivery")
    assert kinds(report) == [("delivery_late", "store", "t")]
