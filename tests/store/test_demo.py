"""The demo-store generator: contract files, consistency, determinism, healthy control, planted problems."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from shopkeeper.errors import ConfigError
from shopkeeper.store.config import load_store_config
from shopkeeper.store.demo import DEFAULT_PROBLEMS, PROBLEM_KINDS, DemoManifest, generate_store
from shopkeeper.store.demo.locale_en import PLACES as EN_PLACES
from shopkeeper.store.demo.locale_zh import PLACES as ZH_PLACES
from shopkeeper.store.schema import TABLES

END = date(2026, 11, 20)
NOW = f"{END.isoformat()} 23:59:59"
ID_COLUMNS = {
    "sku_id",
    "product_id",
    "order_id",
    "our_product_id",
    "competitor_product_id",
    "campaign_id",
    "customer_id",
    "review_id",
    "refund_id",
    "conversation_id",
    "message_id",
    "promotion_id",
}
ENTITY_TYPES = {
    "out_of_stock": "sku",
    "stockout_risk": "sku",
    "slow_moving": "sku",
    "expiry_risk": "sku",
    "price_anomaly": "sku",
    "listing_quality": "product",
    "traffic_drop": "product",
    "conversion_drop": "product",
    "traffic_black_hole": "product",
    "gmv_drop": "store",
    "negative_reviews": "product",
    "refund_spike": "sku",
    "shipping_delay": "order",
    "abnormal_address": "order",
    "competitor_loss": "product",
    "ad_roi_below_target": "campaign",
    "ad_budget_limited": "campaign",
    "keyword_opportunity": "keyword",
    "delivery_late": "store",
    "cancellation_spike": "store",
    "outlier_order": "order",
}


@dataclass
class Store:
    folder: Path
    manifest: DemoManifest
    con: duckdb.DuckDBPyConnection

    def one(self, sql: str, params: list[object] | None = None) -> tuple[Any, ...]:
        row = self.con.execute(sql, params or []).fetchone()
        assert row is not None
        return row

    def value(self, sql: str, params: list[object] | None = None) -> float:
        v = self.one(sql, params)[0]
        return 0.0 if v is None else float(v)


def _open(folder: Path, manifest: DemoManifest) -> Store:
    con = duckdb.connect()
    for table in TABLES:
        path = (folder / f"{table}.csv").as_posix()
        header = con.execute(
            f"SELECT * FROM read_csv('{path}', all_varchar = true) LIMIT 0"
        ).description
        types = {col[0]: "VARCHAR" for col in header if col[0] in ID_COLUMNS}
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_csv('{path}', types = {types!r})")
    return Store(folder, manifest, con)


def _build(tmp_path_factory: pytest.TempPathFactory, name: str, **kwargs: Any) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp(name)
    manifest = generate_store(folder, end_date=END, **kwargs)
    store = _open(folder, manifest)
    yield store
    store.con.close()


@pytest.fixture(scope="module")
def zh_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _build(tmp_path_factory, "zh", lang="zh", scale=0.2, seed=7)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _build(tmp_path_factory, "healthy", lang="zh", scale=0.3, seed=11, problems=())


@pytest.fixture(scope="module")
def en_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _build(tmp_path_factory, "en", lang="en", scale=0.15, seed=3)


@pytest.fixture(scope="module")
def snacks_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _build(tmp_path_factory, "snacks", lang="zh", category="snacks", scale=0.1, seed=5)


@pytest.fixture(scope="module")
def beauty_en(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _build(
        tmp_path_factory, "beauty", lang="en", category="beauty", scale=0.1, seed=9, problems=()
    )


STORES = ["zh_store", "healthy", "en_store", "snacks_store", "beauty_en"]


# ---------------------------------------------------------------- files and contract


@pytest.mark.parametrize("fixture", STORES)
def test_every_table_is_written_with_the_contract_header(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    store: Store = request.getfixturevalue(fixture)
    for name, table in TABLES.items():
        text = (store.folder / f"{name}.csv").read_text(encoding="utf-8")
        header = text.split("\n", 1)[0].split(",")
        assert header == [c.name for c in table.columns], name
        assert store.manifest.row_counts[name] == text.count("\n") - 1 > 0, name
        for column in table.required_columns:
            if table.column(column).blank_ok:  # guest checkouts: no customer
                continue
            nulls = store.value(f"SELECT count(*) FROM {name} WHERE {column} IS NULL")
            assert nulls == 0, (name, column)


@pytest.mark.parametrize("fixture", STORES)
def test_store_toml_and_manifest(fixture: str, request: pytest.FixtureRequest) -> None:
    store: Store = request.getfixturevalue(fixture)
    config = load_store_config(store.folder)
    m = store.manifest
    assert (config.name, config.language, config.currency) == (m.store_name, m.lang, m.currency)
    assert config.targets.ship_within_hours == 48
    assert config.targets.roi == 3.0
    assert config.own_shops
    assert config.targets.ads_objective == "gmv"
    saved = DemoManifest.model_validate_json(
        (store.folder / "planted.json").read_text(encoding="utf-8")
    )
    assert saved == m
    assert (m.start_date, m.end_date) == (END - timedelta(days=179), END)


def test_formats_timestamps_dates_money_and_ids(zh_store: Store) -> None:
    lines = (zh_store.folder / "orders.csv").read_text(encoding="utf-8").splitlines()[1:200]
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
    for line in lines:
        cols = line.split(",")
        assert stamp.match(cols[2]), cols[2]
        assert re.match(r"^\d+\.\d\d$", cols[6]), cols[6]
    skus = [
        ln.split(",")[0]
        for ln in (zh_store.folder / "products.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert any(s.startswith("0") for s in skus), "zh merchant SKU codes keep their leading zeros"
    assert (
        zh_store.value(
            "SELECT count(*) FROM inventory WHERE NOT regexp_matches(CAST(date AS VARCHAR), '^\\d{4}-\\d\\d-\\d\\d$')"
        )
        == 0
    )
    attrs = zh_store.one("SELECT attributes FROM products WHERE image_count >= 5 LIMIT 1")[0]
    assert "产地" in json.loads(str(attrs)) or json.loads(str(attrs))


def test_same_seed_same_bytes_and_other_seed_other_store(tmp_path: Path) -> None:
    args: dict[str, Any] = {"scale": 0.05, "end_date": END, "days": 90}
    a = generate_store(tmp_path / "a", seed=21, **args)
    b = generate_store(tmp_path / "b", seed=21, **args)
    c = generate_store(tmp_path / "c", seed=22, **args)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted([*(f"{t}.csv" for t in TABLES), "store.toml", "planted.json"])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a == b
    assert (tmp_path / "a" / "orders.csv").read_bytes() != (
        tmp_path / "c" / "orders.csv"
    ).read_bytes()
    ids_a = {(p.kind, p.entity_id) for p in a.planted}
    ids_c = {(p.kind, p.entity_id) for p in c.planted}
    assert len(ids_a & ids_c) < len(ids_a) // 2


# ---------------------------------------------------------------- consistency


@pytest.mark.parametrize("fixture", ["zh_store", "en_store", "snacks_store"])
def test_referential_integrity(fixture: str, request: pytest.FixtureRequest) -> None:
    s: Store = request.getfixturevalue(fixture)
    checks = {
        "order_items.order_id": "SELECT count(*) FROM order_items WHERE order_id NOT IN (SELECT order_id FROM orders)",
        "order_items.sku_id": "SELECT count(*) FROM order_items WHERE sku_id NOT IN (SELECT sku_id FROM products)",
        "orders without lines": "SELECT count(*) FROM orders WHERE order_id NOT IN (SELECT order_id FROM order_items)",
        "refunds.order_id": "SELECT count(*) FROM refunds WHERE order_id NOT IN (SELECT order_id FROM orders)",
        "refund line": "SELECT count(*) FROM refunds r ANTI JOIN order_items i USING (order_id, sku_id)",
        "reviews line": "SELECT count(*) FROM reviews r ANTI JOIN order_items i USING (order_id, sku_id)",
        "review product": "SELECT count(*) FROM reviews r ANTI JOIN products p USING (sku_id, product_id)",
        "traffic.product_id": "SELECT count(*) FROM traffic WHERE product_id NOT IN (SELECT product_id FROM products)",
        "search.product_id": "SELECT count(*) FROM search_terms WHERE product_id NOT IN (SELECT product_id FROM products)",
        "ads.product_id": "SELECT count(*) FROM ad_campaigns WHERE product_id NOT IN (SELECT product_id FROM products)",
        "inventory.sku_id": "SELECT count(*) FROM inventory WHERE sku_id NOT IN (SELECT sku_id FROM products)",
        "competitors": "SELECT count(*) FROM competitors WHERE our_product_id NOT IN (SELECT product_id FROM products)",
        "messages.order_id": "SELECT count(*) FROM messages WHERE order_id NOT IN (SELECT order_id FROM orders)",
        "customers": "SELECT count(*) FROM orders WHERE paid_at IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)",
        # a parcel that never came (still 'shipped' past its promise) may be reviewed: "not received"
        "review after delivery": "SELECT count(*) FROM reviews r JOIN orders o USING (order_id) WHERE (o.delivered_at IS NULL AND NOT (o.status = 'shipped' AND r.created_at > o.promised_delivery_at)) OR r.created_at < o.delivered_at",
        "first seen": "SELECT count(*) FROM customers c JOIN orders o USING (customer_id) WHERE o.created_at < c.first_seen_at",
    }
    for name, sql in checks.items():
        assert s.value(sql) == 0, name
    for key, table in (
        ("order_id", "orders"),
        ("sku_id", "products"),
        ("review_id", "reviews"),
        ("refund_id", "refunds"),
    ):
        assert s.value(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}") == 0, table


@pytest.mark.parametrize("fixture", ["zh_store", "en_store", "beauty_en"])
def test_money_adds_up(fixture: str, request: pytest.FixtureRequest) -> None:
    s: Store = request.getfixturevalue(fixture)
    bad_orders = s.value("""
        SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(paid_amount) lines FROM order_items GROUP BY 1) i USING (order_id)
        WHERE abs(o.pay_amount - i.lines - o.shipping_fee) > 0.005""")
    assert bad_orders == 0
    assert (
        s.value(
            "SELECT count(*) FROM order_items WHERE paid_amount > unit_price * quantity + 0.005 OR paid_amount < 0"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM order_items i JOIN products p USING (sku_id) WHERE i.unit_price > p.price * 10.5"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM refunds r JOIN order_items i USING (order_id, sku_id) WHERE r.amount > i.paid_amount + 0.005"
        )
        == 0
    )
    assert s.value("SELECT count(*) FROM products WHERE cost > price AND price > 5 * cost") == 0


@pytest.mark.parametrize("fixture", ["zh_store", "healthy", "en_store"])
def test_order_timeline_and_stock_are_consistent(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    s: Store = request.getfixturevalue(fixture)
    assert (
        s.value(
            f"SELECT count(*) FROM orders WHERE created_at > TIMESTAMP '{NOW}' OR paid_at > TIMESTAMP '{NOW}'"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM orders WHERE paid_at < created_at OR shipped_at < paid_at OR delivered_at < shipped_at"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM orders WHERE status IN ('shipped', 'delivered', 'completed') AND (shipped_at IS NULL OR tracking_no IS NULL)"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM orders WHERE status IN ('paid', 'created', 'closed', 'cancelled') AND shipped_at IS NOT NULL"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM inventory WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand OR in_transit < 0"
        )
        == 0
    )
    assert s.value(f"SELECT count(*) FROM reviews WHERE created_at > TIMESTAMP '{NOW}'") == 0
    sold = s.value(
        "SELECT sum(quantity) FROM order_items JOIN orders USING (order_id) WHERE paid_at IS NOT NULL AND status <> 'cancelled'"
    )
    traffic_buyers = s.value("SELECT sum(buyers) FROM traffic")
    orders = s.value("SELECT count(*) FROM orders WHERE paid_at IS NOT NULL")
    assert orders <= traffic_buyers <= sold


def test_realistic_noise(zh_store: Store) -> None:
    s = zh_store
    by_weekday = s.con.execute("""
        SELECT isodow(created_at) >= 6 AS weekend, count(*) / count(DISTINCT CAST(created_at AS DATE)) FROM orders
        WHERE created_at < TIMESTAMP '2026-10-15' AND created_at > TIMESTAMP '2026-07-01' GROUP BY 1 ORDER BY 1""").fetchall()
    assert by_weekday[1][1] > by_weekday[0][1] * 1.03, "zh weekends sell more"
    intermittent = s.value("""
        WITH days AS (SELECT sku_id, count(DISTINCT CAST(o.created_at AS DATE)) n FROM order_items JOIN orders o USING (order_id) GROUP BY 1)
        SELECT count(*) FROM days WHERE n < 90""")
    assert intermittent >= 20
    refund_rate = s.value("SELECT count(DISTINCT order_id) FROM refunds") / s.value(
        "SELECT count(*) FROM orders"
    )
    assert 0.02 < refund_rate < 0.09
    low = s.value("SELECT avg((rating <= 2)::INT) FROM reviews")
    assert 0.02 < low < 0.15
    assert s.value("SELECT count(*) FROM promotions WHERE name LIKE '%双11%'") >= 2
    assert s.value("SELECT count(*) FROM orders WHERE presale_deposit > 0") > 0
    peak = s.value("SELECT count(*) FROM orders WHERE CAST(created_at AS DATE) = DATE '2026-11-11'")
    quiet = s.value(
        "SELECT count(*) FROM orders WHERE CAST(created_at AS DATE) = DATE '2026-10-14'"
    )
    assert peak > 3 * quiet
    assert s.value("SELECT count(DISTINCT sender) FROM messages") == 3
    assert s.value("SELECT count(*) FROM messages WHERE text LIKE '%{%'") == 0


def test_scale_controls_volume(tmp_path: Path) -> None:
    small = generate_store(tmp_path / "small", scale=0.1, end_date=END, problems=())
    big = generate_store(tmp_path / "big", scale=2.0, end_date=END, problems=())
    assert 13_000 < small.row_counts["order_items"] < 17_000
    assert 270_000 < big.row_counts["order_items"] < 330_000
    assert (
        small.row_counts["products"]
        < big.row_counts["products"]
        < 1.5 * small.row_counts["products"]
    )


# ---------------------------------------------------------------- languages and categories


def test_english_shopify_store(en_store: Store) -> None:
    config = load_store_config(en_store.folder)
    assert (config.platform, config.currency, config.timezone, config.language) == (
        "shopify",
        "USD",
        "America/Los_Angeles",
        "en",
    )
    titles = [r[0] for r in en_store.con.execute("SELECT DISTINCT title FROM products").fetchall()]
    assert all(str(t).isascii() for t in titles)
    assert any("Whole Bean" in str(t) for t in titles)
    carriers = {
        r[0]
        for r in en_store.con.execute(
            "SELECT DISTINCT carrier FROM orders WHERE carrier IS NOT NULL"
        ).fetchall()
    }
    assert carriers == {"USPS", "UPS", "FedEx"}
    assert (
        en_store.value(
            "SELECT count(*) FROM orders WHERE receiver_phone NOT SIMILAR TO '\\(\\d{3}\\) \\*\\*\\*-\\d{4}' AND receiver_phone <> '1234'"
        )
        == 0
    )


def test_other_categories(snacks_store: Store, beauty_en: Store) -> None:
    paths = {
        r[0] for r in snacks_store.con.execute("SELECT DISTINCT category FROM products").fetchall()
    }
    assert all(str(p).startswith("零食/") for p in paths)
    assert snacks_store.manifest.category == "snacks"
    assert snacks_store.manifest.kinds() == set(DEFAULT_PROBLEMS)
    beauty = {
        r[0]
        for r in beauty_en.con.execute(
            "SELECT DISTINCT split_part(category, '/', 1) FROM products"
        ).fetchall()
    }
    assert beauty <= {"Skincare", "Body"}
    assert beauty_en.manifest.planted == []


def test_bad_arguments_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="stockout_risk"):
        generate_store(tmp_path, problems=["stockout_risks"])
    with pytest.raises(ConfigError, match="coffee"):
        generate_store(tmp_path, category="cofee")
    with pytest.raises(ConfigError, match="scale"):
        generate_store(tmp_path, scale=0)
    with pytest.raises(ConfigError, match="days"):
        generate_store(tmp_path, days=10)


def test_only_the_requested_problems(tmp_path: Path) -> None:
    m = generate_store(tmp_path, scale=0.1, end_date=END, problems=["price_anomaly", "gmv_drop"])
    assert m.kinds() == {"price_anomaly", "gmv_drop"}
    gmv = m.planted[[p.kind for p in m.planted].index("gmv_drop")]
    assert gmv.entity_type == "store"
    assert gmv.entity_id == m.store_name
    details: dict[str, Any] = dict(gmv.details)
    assert details["gmv_recent"] < 0.8 * details["gmv_baseline"]


# ---------------------------------------------------------------- healthy control


def _valid_places(lang: str) -> set[tuple[str, str, str]]:
    return {(p.province, p.city, p.district) for p in (ZH_PLACES if lang == "zh" else EN_PLACES)}


def test_healthy_control_has_no_problem(healthy: Store) -> None:
    s = healthy
    assert s.manifest.planted == []
    assert (
        s.value(
            "SELECT count(*) FROM products WHERE price < cost OR image_count < 5 OR length(title) < 15"
        )
        == 0
    )
    assert (
        s.value("""
        WITH u AS (SELECT sku_id, mode(unit_price) m FROM order_items JOIN orders o USING (order_id)
                   WHERE o.created_at > TIMESTAMP '2026-10-21' GROUP BY 1)
        SELECT count(*) FROM products JOIN u USING (sku_id) WHERE abs(price - m) > 0.005""")
        == 0
    )
    assert (
        s.value(
            f"SELECT count(*) FROM orders WHERE status = 'paid' AND paid_at < TIMESTAMP '{NOW}' - INTERVAL 48 HOUR"
        )
        == 0
    )
    assert s.value("SELECT count(*) FROM orders WHERE shipped_at - paid_at > INTERVAL 48 HOUR") == 0
    assert (
        s.value(
            f"SELECT count(*) FROM orders WHERE status = 'shipped' AND shipped_at < TIMESTAMP '{NOW}' - INTERVAL 6 DAY"
        )
        == 0
    )
    triples = set(
        s.con.execute(
            "SELECT DISTINCT receiver_province, receiver_city, receiver_district FROM orders"
        ).fetchall()
    )
    assert triples <= _valid_places("zh")
    assert (
        s.value(
            "SELECT count(*) FROM orders WHERE NOT regexp_matches(receiver_phone, '^1\\d\\d\\*{4}\\d{4}$') OR NOT regexp_matches(receiver_address, '\\d+号')"
        )
        == 0
    )
    stock = s.con.execute(f"""
        WITH last AS (SELECT sku_id, on_hand - reserved available, on_hand, expiry_date FROM inventory WHERE date = DATE '{END}'),
        rate AS (SELECT sku_id, sum(quantity) FILTER (WHERE o.paid_at > TIMESTAMP '{NOW}' - INTERVAL 14 DAY) / 14.0 r14,
                        sum(quantity) / 28.0 r28 FROM order_items JOIN orders o USING (order_id)
                 WHERE o.paid_at > TIMESTAMP '{NOW}' - INTERVAL 28 DAY AND o.status <> 'cancelled' GROUP BY 1),
        sold28 AS (SELECT DISTINCT sku_id FROM order_items JOIN orders o USING (order_id) WHERE o.created_at > TIMESTAMP '{NOW}' - INTERVAL 28 DAY)
        SELECT count(*) FILTER (WHERE r14 > 0 AND available / r14 < p.lead_time_days),
               count(*) FILTER (WHERE on_hand > 20 AND sku_id NOT IN (SELECT sku_id FROM sold28)),
               count(*) FILTER (WHERE expiry_date IS NOT NULL AND r28 * 28 >= 5 AND available / r28 > expiry_date - DATE '{END}')
        FROM products p JOIN last USING (sku_id) LEFT JOIN rate USING (sku_id) WHERE p.status = 'on_sale'""").fetchone()
    assert stock == (0, 0, 0)
    ads = s.con.execute(f"""
        SELECT campaign_id, sum(gmv) / sum(spend) roi, coalesce(any_value(target_roi), 3.0) target,
               count(*) FILTER (WHERE spend >= 0.98 * daily_budget) full_days
        FROM (SELECT campaign_id, date, sum(gmv) gmv, sum(spend) spend, max(daily_budget) daily_budget, any_value(target_roi) target_roi
              FROM ad_campaigns WHERE date > DATE '{END}' - INTERVAL 14 DAY GROUP BY 1, 2) GROUP BY 1""").fetchall()
    for cid, roi, target, full_days in ads:
        assert roi >= 0.9 * target, cid
        assert full_days <= 3, cid
    lost = s.value(f"""
        SELECT max(c.lost / t.buyers) FROM
        (SELECT our_product_id product_id, competitor_shop, sum(lost_buyers) lost FROM competitors WHERE date > DATE '{END}' - INTERVAL 7 DAY GROUP BY 1, 2) c
        JOIN (SELECT product_id, sum(buyers) buyers FROM traffic WHERE date > DATE '{END}' - INTERVAL 7 DAY GROUP BY 1) t USING (product_id)
        WHERE t.buyers >= 10""")
    assert lost < 0.5


# ---------------------------------------------------------------- planted problems


def test_manifest_covers_every_default_kind(zh_store: Store, en_store: Store) -> None:
    for store in (zh_store, en_store):
        m = store.manifest
        assert m.kinds() == set(DEFAULT_PROBLEMS) == set(PROBLEM_KINDS) - {"gmv_drop"}
        for p in m.planted:
            assert p.entity_type == ENTITY_TYPES[p.kind], p.kind
            assert m.start_date <= p.since <= m.end_date, p.kind
            assert p.details, p.kind
        listings = [p.entity_id for p in m.planted if p.entity_type == "product"]
        sku_listings = [str(p.details["product_id"]) for p in m.planted if p.entity_type == "sku"]
        assert len(set(listings + sku_listings)) == len(listings + sku_listings), (
            "no two problems share a listing"
        )


def _planted(store: Store, kind: str) -> list[tuple[str, dict[str, Any], date]]:
    return [
        (p.entity_id, dict(p.details), p.since) for p in store.manifest.planted if p.kind == kind
    ]


@pytest.mark.parametrize("fixture", ["zh_store", "en_store"])
def test_planted_stock_and_price_problems_show_in_the_data(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    s: Store = request.getfixturevalue(fixture)
    last = f"SELECT on_hand, reserved, in_transit, expiry_date FROM inventory WHERE sku_id = ? AND date = DATE '{END}'"
    units = f"""SELECT coalesce(sum(quantity), 0) / ? FROM order_items JOIN orders o USING (order_id)
                WHERE sku_id = ? AND o.paid_at > TIMESTAMP '{NOW}' - to_days(CAST(? AS INTEGER)) AND o.status <> 'cancelled'"""
    [(sku, _, _)] = _planted(s, "out_of_stock")
    on_hand, reserved, _, _ = s.one(last, [sku])
    assert on_hand == reserved == 0
    assert s.value(units, [14, sku, 14]) > 0, "it was selling"
    [(sku, _, _)] = _planted(s, "stockout_risk")
    on_hand, reserved, in_transit, _ = s.one(last, [sku])
    lead = s.value("SELECT lead_time_days FROM products WHERE sku_id = ?", [sku])
    assert lead >= 7
    assert in_transit == 0
    assert (on_hand - reserved) / s.value(units, [14, sku, 14]) < 3 < lead
    [(sku, _, _)] = _planted(s, "slow_moving")
    assert s.value(units, [28, sku, 28]) == 0
    assert s.one(last, [sku])[0] >= 300
    [(sku, details, _)] = _planted(s, "expiry_risk")
    on_hand, _, _, expiry = s.one(last, [sku])
    assert s.value("SELECT shelf_life_days FROM products WHERE sku_id = ?", [sku]) > 0
    assert (expiry - END).days == details["days_to_expiry"] == 25
    assert on_hand / max(s.value(units, [28, sku, 28]), 1e-9) > 2 * 25
    [(sku, details, since)] = _planted(s, "price_anomaly")
    price, cost = s.one("SELECT price, cost FROM products WHERE sku_id = ?", [sku])
    usual = s.value(
        f"SELECT mode(unit_price) FROM order_items JOIN orders o USING (order_id) WHERE sku_id = ? AND o.created_at < TIMESTAMP '{since}'",
        [sku],
    )
    assert 9 < usual / price < 11
    assert price < cost
    assert (
        s.value(
            f"SELECT count(*) FROM order_items JOIN orders o USING (order_id) WHERE sku_id = ? AND o.created_at >= TIMESTAMP '{since}' AND unit_price = ?",
            [sku, price],
        )
        > 0
    )


@pytest.mark.parametrize("fixture", ["zh_store", "en_store"])
def test_planted_listing_problems_show_in_the_data(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    s: Store = request.getfixturevalue(fixture)
    [(pid, _, _)] = _planted(s, "listing_quality")
    images, title_len, attrs = s.one(
        "SELECT max(image_count), max(length(title)), max(attributes) FROM products WHERE product_id = ?",
        [pid],
    )
    assert images == 1
    assert title_len <= 10
    assert attrs == "{}"
    daily = """SELECT date, sum(visitors) v, sum(buyers) b, sum(visitors) FILTER (WHERE source = 'search') sv,
               date NOT IN (SELECT * FROM promo_days) quiet FROM traffic WHERE product_id = ? GROUP BY 1"""
    s.con.execute("""CREATE OR REPLACE TEMP VIEW promo_days AS SELECT DISTINCT CAST(unnest(generate_series(
        start_at, end_at + INTERVAL 4 DAY, INTERVAL 1 DAY)) AS DATE) FROM promotions WHERE sku_ids = '[]' AND kind <> 'coupon'""")
    [(pid, _, since)] = _planted(s, "traffic_drop")
    before, recent = s.one(
        f"""SELECT median(sv) FILTER (WHERE quiet AND date < DATE '{since}' AND date >= DATE '{since}' - INTERVAL 60 DAY),
                                      avg(sv) FILTER (WHERE date >= DATE '{since}') FROM ({daily})""",
        [pid],
    )
    assert recent < 0.5 * before
    [(pid, _, since)] = _planted(s, "conversion_drop")
    base = f"quiet AND date < DATE '{since}' AND date >= DATE '{since}' - INTERVAL 60 DAY"
    cb, cr, vb, vr = s.one(
        f"""SELECT sum(b) FILTER (WHERE {base}) / sum(v) FILTER (WHERE {base}),
                                 sum(b) FILTER (WHERE date >= DATE '{since}') / sum(v) FILTER (WHERE date >= DATE '{since}'),
                                 median(v) FILTER (WHERE {base}),
                                 avg(v) FILTER (WHERE date >= DATE '{since}') FROM ({daily})""",
        [pid],
    )
    assert cr < 0.6 * cb
    assert vr > 0.7 * vb
    [(pid, _, _)] = _planted(s, "traffic_black_hole")
    ranked = s.con.execute(f"""SELECT product_id, sum(visitors) v, sum(buyers) / sum(visitors) c FROM traffic
                               WHERE date > DATE '{END}' - INTERVAL 28 DAY GROUP BY 1 ORDER BY v DESC""").fetchall()
    assert pid in [r[0] for r in ranked[:5]]
    peers = sorted(r[2] for r in ranked[:20] if r[0] != pid)
    assert dict((r[0], r[2]) for r in ranked)[pid] < 0.35 * peers[len(peers) // 2]
    [(pid, details, since)] = _planted(s, "negative_reviews")
    low, total = s.one(
        f"SELECT count(*) FILTER (WHERE rating <= 2), count(*) FROM reviews WHERE product_id = ? AND created_at >= TIMESTAMP '{since}'",
        [pid],
    )
    assert low >= 3
    assert low / total > 0.3
    assert details["topic_reviews_recent"] >= 0.5 * low


@pytest.mark.parametrize("fixture", ["zh_store", "en_store"])
def test_planted_order_and_marketing_problems_show_in_the_data(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    s: Store = request.getfixturevalue(fixture)
    [(sku, details, since)] = _planted(s, "refund_spike")
    reasons = s.con.execute(
        f"SELECT reason FROM refunds WHERE sku_id = ? AND created_at >= TIMESTAMP '{since}'", [sku]
    ).fetchall()
    assert len(reasons) >= 2
    assert details["top_reason_share"] >= 0.5
    assert details["refund_rate_recent"] > 2 * details["refund_rate_before"]
    for oid, details, _ in _planted(s, "shipping_delay"):
        status, paid, shipped = s.one(
            "SELECT status, paid_at, shipped_at FROM orders WHERE order_id = ?", [oid]
        )
        if details["issue"] == "not_shipped":
            assert status == "paid"
            assert shipped is None
            assert (END + timedelta(days=1) - paid.date()).days >= 2
        else:
            assert status == "shipped"
            assert (END - shipped.date()).days >= 6
    places = _valid_places(s.manifest.lang)
    addresses = _planted(s, "abnormal_address")
    assert len(addresses) == 5
    for oid, details, _ in addresses:
        row = s.one(
            "SELECT status, receiver_province, receiver_city, receiver_district, receiver_phone, receiver_address FROM orders WHERE order_id = ?",
            [oid],
        )
        status, province, city, district, phone, address = row
        bad = (
            (province, city, district) not in places
            or phone == "1234"
            or not re.search(r"\d", str(address))
            or "测试" in str(address)
            or "test" in str(address)
        )
        assert status == "paid", details
        assert bad, details
    for pid, details, since in _planted(s, "competitor_loss"):
        lost, before = s.one(
            f"""SELECT sum(lost_buyers) FILTER (WHERE date >= DATE '{since}'), sum(lost_buyers) FILTER (WHERE date < DATE '{since}' AND date >= DATE '{since}' - INTERVAL 7 DAY)
                                 FROM competitors WHERE our_product_id = ? AND competitor_shop = ?""",
            [pid, details["competitor_shop"]],
        )
        buyers = s.value(
            f"SELECT sum(buyers) FROM traffic WHERE product_id = ? AND date >= DATE '{since}'",
            [pid],
        )
        assert lost > buyers
        assert lost > 4 * before
    assert {d["own_shop"] for _, d, _ in _planted(s, "competitor_loss")} == {True, False}
    [(cid, details, since)] = _planted(s, "ad_roi_below_target")
    roi, target, spend_share = s.one(
        f"""SELECT sum(gmv) / sum(spend), any_value(target_roi),
        sum(spend) / (SELECT sum(spend) FROM ad_campaigns WHERE date >= DATE '{since}') FROM ad_campaigns WHERE campaign_id = ? AND date >= DATE '{since}'""",
        [cid],
    )
    assert roi < 1.0
    assert target == 3.0
    assert spend_share > 0.1
    [(cid, details, since)] = _planted(s, "ad_budget_limited")
    roi, full, days = s.one(
        f"""SELECT sum(gmv) / sum(spend), count(*) FILTER (WHERE spend >= 0.99 * daily_budget), count(*)
        FROM ad_campaigns WHERE campaign_id = ? AND date >= DATE '{since}'""",
        [cid],
    )
    assert roi > 1.5 * 3.0
    assert full == days >= 28
    [(keyword, details, since)] = _planted(s, "keyword_opportunity")
    kv, kb = s.one(
        f"SELECT sum(visitors), sum(buyers) FROM search_terms WHERE keyword = ? AND product_id = ? AND date >= DATE '{since}'",
        [keyword, details["product_id"]],
    )
    lv, lb = s.one(
        f"SELECT sum(visitors), sum(buyers) FROM traffic WHERE product_id = ? AND source = 'search' AND date >= DATE '{since}'",
        [details["product_id"]],
    )
    assert kb / kv > 2 * lb / lv
    assert kv < 0.25 * lv


def test_imports_cleanly(zh_store: Store, tmp_path: Path) -> None:
    """The demo store passes the importer's validation with no quarantined row."""
    importer = pytest.importorskip("shopkeeper.store.importer")
    from shopkeeper.settings import Settings

    report = importer.import_store(
        zh_store.folder, "demo", settings=Settings(home=tmp_path, import_threads=2)
    )
    assert report.bad_rows == 0
    assert report.tables["order_items"].imported == zh_store.manifest.row_counts["order_items"]


# ---------------------------------------------------------------- contract v1.1


@pytest.mark.parametrize("fixture", ["zh_store", "en_store"])
def test_v11_columns_are_filled(fixture: str, request: pytest.FixtureRequest) -> None:
    store: Store = request.getfixturevalue(fixture)
    assert store.value("SELECT count(*) FROM products WHERE sku_name IS NULL") == 0
    country = "CN" if store.manifest.lang == "zh" else "US"
    assert store.one("SELECT min(receiver_country), max(receiver_country) FROM orders") == (
        country,
        country,
    )
    paid, promised, before = store.one(
        """SELECT count(*) FILTER (WHERE paid_at IS NOT NULL),
                  count(promised_delivery_at) FILTER (WHERE paid_at IS NOT NULL),
                  count(*) FILTER (WHERE promised_delivery_at < paid_at + INTERVAL 2 DAY)
           FROM orders"""
    )
    assert paid == promised > 0
    assert before == 0
    guests = store.value("SELECT avg(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END) FROM orders")
    if store.manifest.lang == "zh":  # Tmall and Taobao have no guest checkout
        assert guests == 0
    else:
        assert 0.02 < guests < 0.1


def test_creatives_and_their_daily_results(zh_store: Store) -> None:
    s = zh_store
    assert (
        s.value(
            "SELECT count(*) FROM creatives WHERE creative_id NOT IN (SELECT creative_id FROM creative_stats)"
        )
        > 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM creative_stats WHERE creative_id NOT IN (SELECT creative_id FROM creatives)"
        )
        == 0
    )
    assert (
        s.value(
            "SELECT count(*) FROM creatives WHERE product_id NOT IN (SELECT product_id FROM products)"
        )
        == 0
    )
    assert (
        s.value("SELECT count(*) FROM creative_stats WHERE clicks > impressions OR buyers > clicks")
        == 0
    )
    kinds = {r[0] for r in s.con.execute("SELECT DISTINCT kind FROM creatives").fetchall()}
    assert kinds == {"main_image", "title", "video"}
    best = s.manifest.notes["better_creative"]
    assert isinstance(best, dict)
    ctr = {
        cid: c / i
        for cid, c, i in s.con.execute(
            "SELECT creative_id, sum(clicks), sum(impressions) FROM creative_stats s JOIN creatives c "
            "USING (creative_id) WHERE c.kind = 'main_image' AND c.product_id = ? GROUP BY 1",
            [best["product_id"]],
        ).fetchall()
    }
    assert len(ctr) == 3
    winner = ctr.pop(str(best["creative_id"]))
    assert winner > 1.3 * max(ctr.values())


def test_planted_order_problems_of_v11(zh_store: Store) -> None:
    s, m = zh_store, zh_store.manifest
    by_kind = {p.kind: p for p in m.planted}
    late = by_kind["delivery_late"]
    carrier = late.details["carrier"]
    promised = "promised_delivery_at < TIMESTAMP '" + NOW + "'"
    n, bad = s.one(
        f"""SELECT count(*), count(*) FILTER (WHERE coalesce(delivered_at, TIMESTAMP '{NOW}') > promised_delivery_at)
            FROM orders WHERE shipped_at IS NOT NULL AND {promised}
              AND promised_delivery_at >= TIMESTAMP '{NOW}' - INTERVAL 30 DAY"""
    )
    assert bad / n > 0.08
    lost = s.value(
        f"SELECT count(*) FROM orders WHERE carrier = ? AND status = 'shipped' AND {promised}",
        [carrier],
    )
    assert lost >= 3
    low_late, low_ok = s.one(
        f"""SELECT avg(CASE WHEN r.rating <= 2 THEN 1 ELSE 0 END) FILTER (WHERE coalesce(o.delivered_at, TIMESTAMP '{NOW}') > o.promised_delivery_at),
                   avg(CASE WHEN r.rating <= 2 THEN 1 ELSE 0 END) FILTER (WHERE o.delivered_at <= o.promised_delivery_at)
            FROM reviews r JOIN orders o USING (order_id)
            WHERE r.created_at >= TIMESTAMP '{NOW}' - INTERVAL 30 DAY"""
    )
    assert low_late > 0.6 > 0.1 > low_ok
    assert s.value("SELECT count(*) FROM reviews WHERE text LIKE '%没收到%'") >= 10
    spike = by_kind["cancellation_spike"]
    assert float(str(spike.details["cancelled_share"])) > 0.08
    normal = s.value(
        f"""SELECT avg(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) FROM orders
            WHERE paid_at IS NOT NULL AND paid_at < TIMESTAMP '{NOW}' - INTERVAL 30 DAY"""
    )
    assert normal < 0.02
    bulk = by_kind["outlier_order"]
    qty, pay = s.one(
        "SELECT sum(quantity), any_value(o.pay_amount) FROM order_items JOIN orders o USING (order_id) WHERE order_id = ?",
        [bulk.entity_id],
    )
    assert qty >= 200
    assert pay > 20 * s.value("SELECT median(pay_amount) FROM orders WHERE paid_at IS NOT NULL")


def test_healthy_store_delivers_on_time_and_keeps_its_orders(healthy: Store) -> None:
    late = healthy.value(
        f"""SELECT count(*) FROM orders WHERE promised_delivery_at < TIMESTAMP '{NOW}'
              AND coalesce(delivered_at, TIMESTAMP '{NOW}') > promised_delivery_at AND status <> 'cancelled'"""
    )
    assert late == 0
    assert healthy.value("SELECT max(quantity) FROM order_items") < 50


# ---------------------------------------------------------------- the pet-supplies category


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pet_shop_has_listings_with_two_sales_attributes(
    lang: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp(f"pets-{lang}")
    manifest = generate_store(folder, lang=lang, category="pets", scale=0.05, seed=4, end_date=END)  # type: ignore[arg-type]
    s = _open(folder, manifest)
    assert manifest.category == "pets"
    many = s.value(
        "SELECT count(*) FROM (SELECT product_id FROM products GROUP BY 1 HAVING count(*) >= 6)"
    )
    assert many >= 10
    flavour, weight = ("口味", "重量") if lang == "zh" else ("Flavor", "Size")
    sep = " " if lang == "zh" else " / "
    rows = s.con.execute(
        f"""SELECT sku_name, json_extract_string(attributes, '$."{flavour}"'),
                   json_extract_string(attributes, '$."{weight}"')
            FROM products WHERE (category LIKE '%粮' OR category LIKE '%Food') AND attributes <> '{{}}'"""
    ).fetchall()
    assert rows
    assert all(name == f"{a}{sep}{b}" for name, a, b in rows)
    salmon = "三文鱼味" if lang == "zh" else "Salmon"
    assert any(name.startswith(salmon) for name, _, _ in rows)
    sold = s.value(
        "SELECT count(DISTINCT sku_id) FROM order_items JOIN products USING (sku_id) WHERE sku_name IS NOT NULL"
    )
    assert sold > 100
    ended, running = s.one(
        f"""SELECT count(*) FILTER (WHERE end_at < TIMESTAMP '{NOW}'),
                   count(*) FILTER (WHERE start_at <= TIMESTAMP '{NOW}' AND end_at >= TIMESTAMP '{NOW}')
            FROM promotions"""
    )
    assert ended > 0
    assert running > 0
    s.con.close()
