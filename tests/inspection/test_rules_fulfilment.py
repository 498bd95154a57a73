"""shipping_delay and abnormal_address on generated stores and on a hand-written one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import load_rules
from shopkeeper.inspection.rules import geo
from shopkeeper.inspection.rules.addresses import address_issues, phone_valid
from shopkeeper.settings import Settings
from shopkeeper.store.demo.locale_en import PLACES as EN_PLACES
from shopkeeper.store.demo.locale_zh import PLACES as ZH_PLACES
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

from .stores import inspect_stores

KINDS = ("shipping_delay", "abnormal_address")
MODULE = ("shopkeeper.inspection.rules.fulfilment",)
END = dt.date(2026, 9, 30)
STORES: dict[str, dict[str, Any]] = {
    "en-1": {"lang": "en", "scale": 1.0, "seed": 31},
    "small-1": {"lang": "zh", "scale": 0.03, "seed": 32},
    "small-2": {"lang": "en", "scale": 0.03, "seed": 33, "category": "snacks"},
    "small-3": {"lang": "zh", "scale": 0.03, "seed": 34, "category": "beauty"},
    "double11": {"lang": "zh", "scale": 0.1, "seed": 35, "end_date": dt.date(2026, 11, 12)},
    "healthy": {"lang": "en", "scale": 0.1, "seed": 36, "category": "beauty", "problems": ()},
    "healthy-small": {"lang": "zh", "scale": 0.03, "seed": 37, "problems": ()},
    "healthy-double11": {
        "lang": "zh",
        "scale": 0.1,
        "seed": 38,
        "problems": (),
        "end_date": dt.date(2026, 11, 11),
    },
}
Inspected = dict[str, tuple[InspectionReport, list[dict[str, Any]]]]


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Inspected:
    home = tmp_path_factory.mktemp("fulfilment")
    rules = load_rules(MODULE)
    stores = {name: {"end_date": END} | options for name, options in STORES.items()}
    built = inspect_stores(home, stores, rules, KINDS)
    return {name: (report, planted) for name, (report, planted, _) in built.items()}


@pytest.mark.slow
@pytest.mark.parametrize("store", ["en-1", "small-1", "small-2", "small-3", "double11"])
def test_planted_late_orders_and_bad_addresses_are_found(inspected: Inspected, store: str) -> None:
    report, planted = inspected[store]
    assert {p["kind"] for p in planted} == set(KINDS)
    result = score(report.findings, planted)
    assert result.recall == 1.0, {k: v.missed for k, v in result.kinds.items()}
    assert result.unplanted == 0, [(f.kind, f.entity.id, f.title) for f in report.findings]


@pytest.mark.slow
@pytest.mark.parametrize("store", ["healthy", "healthy-small", "healthy-double11"])
def test_healthy_stores_raise_no_fulfilment_alarm(inspected: Inspected, store: str) -> None:
    report, _ = inspected[store]
    assert [(f.kind, f.entity.id, f.title) for f in report.findings] == []


@pytest.mark.slow
def test_findings_explain_themselves(inspected: Inspected) -> None:
    report, planted = inspected["en-1"]
    issue = {p["entity_id"]: p["details"]["issue"] for p in planted}
    for f in report.by_kind("shipping_delay"):
        assert f.evidence["issue"] == issue[f.entity.id]
        assert f.actions[0].type == "contact_buyer"
        if f.evidence["issue"] == "not_shipped":
            assert f.evidence["hours_since_payment"] > f.evidence["promise_hours"] == 48
        else:
            assert (
                f.evidence["days_in_transit"]
                > f.evidence["stall_after_days"]
                > f.evidence["normal_transit_days"]
            )
    for f in report.by_kind("abnormal_address"):
        assert f.actions[0].type == "hold_order"
        assert f.evidence["issues"]
        assert f.title.startswith("Address problem")


def _write_store(folder: Path, orders: list[dict[str, Any]], refunds: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "store.toml").write_text(
        'name = "t"\nplatform = "tmall"\ncurrency = "CNY"\ntimezone = "Asia/Shanghai"\nlanguage = "zh"\n'
        "[targets]\nship_within_hours = 48\n",
        encoding="utf-8",
    )
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,豆子,咖啡/咖啡豆,50\n", encoding="utf-8"
    )
    cols = [
        "order_id",
        "customer_id",
        "created_at",
        "paid_at",
        "status",
        "shipped_at",
        "delivered_at",
        "pay_amount",
        "presale_deposit",
        "receiver_name",
        "receiver_phone",
        "receiver_province",
        "receiver_city",
        "receiver_district",
        "receiver_address",
    ]
    home = {
        "receiver_name": "王**",
        "receiver_phone": "138****1234",
        "receiver_province": "浙江省",
        "receiver_city": "杭州市",
        "receiver_district": "西湖区",
        "receiver_address": "文三路100号2栋301室",
    }
    lines = [",".join(cols)] + [",".join(str((home | o).get(c, "")) for c in cols) for o in orders]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = ["order_id,sku_id,quantity,unit_price"] + [f"{o['order_id']},S1,1,50" for o in orders]
    (folder / "order_items.csv").write_text("\n".join(items) + "\n", encoding="utf-8")
    (folder / "refunds.csv").write_text(
        "refund_id,order_id,created_at,kind,status\n"
        + "".join(f"R{o},{o},2026-03-09 10:00:00,refund_only,requested\n" for o in refunds),
        encoding="utf-8",
    )
    return folder


def test_presale_refund_requests_and_deposits_are_not_late(tmp_path: Path) -> None:
    day = dt.datetime(2026, 3, 10)
    stamp = lambda hours: (day - dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    orders: list[
        dict[str, Any]
    ] = [  # 40 delivered orders teach the store's normal transit (2 days)
        {
            "order_id": f"D{i}",
            "customer_id": "c",
            "created_at": stamp(400 + i),
            "paid_at": stamp(400 + i),
            "status": "completed",
            "shipped_at": stamp(380 + i),
            "delivered_at": stamp(332 + i),
            "pay_amount": 50,
        }
        for i in range(40)
    ]
    orders += [
        {
            "order_id": "LATE",
            "customer_id": "c",
            "created_at": stamp(60),
            "paid_at": stamp(60),
            "status": "paid",
            "pay_amount": 50,
        },
        {  # an export without payment times: counted from the order's creation
            "order_id": "NOPAY",
            "customer_id": "c",
            "created_at": stamp(70),
            "status": "paid",
            "pay_amount": 40,
        },
        {
            "order_id": "PRESALE",
            "customer_id": "c",
            "created_at": stamp(300),
            "paid_at": stamp(60),
            "status": "paid",
            "pay_amount": 50,
            "presale_deposit": 10,
        },
        {
            "order_id": "DEPOSIT",
            "customer_id": "c",
            "created_at": stamp(200),
            "status": "created",
            "presale_deposit": 10,
        },
        {
            "order_id": "ASKED",
            "customer_id": "c",
            "created_at": stamp(60),
            "paid_at": stamp(60),
            "status": "paid",
            "pay_amount": 50,
        },
        {
            "order_id": "FRESH",
            "customer_id": "c",
            "created_at": stamp(30),
            "paid_at": stamp(30),
            "status": "paid",
            "pay_amount": 50,
        },
        {
            "order_id": "STALLED",
            "customer_id": "c",
            "created_at": stamp(200),
            "paid_at": stamp(200),
            "status": "shipped",
            "shipped_at": stamp(190),
            "pay_amount": 50,
        },
        {
            "order_id": "MOVING",
            "customer_id": "c",
            "created_at": stamp(50),
            "paid_at": stamp(50),
            "status": "shipped",
            "shipped_at": stamp(40),
            "pay_amount": 50,
        },
        {
            "order_id": "TYPO",
            "customer_id": "c",
            "created_at": stamp(5),
            "paid_at": stamp(5),
            "status": "paid",
            "pay_amount": 50,
            "receiver_province": "广东省",
        },
        {
            "order_id": "OTHER",
            "customer_id": "c",
            "created_at": stamp(5),
            "paid_at": stamp(5),
            "status": "paid",
            "pay_amount": 50,
            "receiver_city": "某某市",
            "receiver_district": "某某区",
            "receiver_phone": "0571-8888 1234",
        },
    ]
    settings = Settings(home=tmp_path / "home")
    import_store(_write_store(tmp_path / "src", orders, ["ASKED"]), "t", settings=settings)
    with Warehouse.open(store_dir(settings, "t"), read_only=True) as wh:
        report = inspect_store(wh, "t", as_of=dt.date(2026, 3, 9), rules=load_rules(MODULE))
    late = {f.entity.id: f.evidence["issue"] for f in report.by_kind("shipping_delay")}
    assert late == {"LATE": "not_shipped", "NOPAY": "not_shipped", "STALLED": "stalled_in_transit"}
    assert [(f.entity.id, f.evidence["issues"]) for f in report.by_kind("abnormal_address")] == [
        ("TYPO", ["province_city_mismatch"])
    ]


def test_real_places_and_masked_receivers_are_valid() -> None:
    for p in ZH_PLACES:
        row = {
            "receiver_name": "李*",
            "receiver_phone": "199****0000",
            "receiver_province": p.province,
            "receiver_city": p.city,
            "receiver_district": p.district,
            "receiver_address": "人民路1号3栋2单元101室",
        }
        assert address_issues(row) == [], p
    for p in EN_PLACES:
        row = {
            "receiver_name": "Emily K.",
            "receiver_phone": f"({p.area_code}) ***-0000",
            "receiver_province": p.province,
            "receiver_city": p.city,
            "receiver_district": p.district,
            "receiver_address": "12 Main St, Apt 4",
        }
        assert address_issues(row, lang="en") == [], p


def test_each_address_issue_is_named() -> None:
    ok = {
        "receiver_name": "王**",
        "receiver_phone": "13812345678",
        "receiver_province": "四川省",
        "receiver_city": "成都市",
        "receiver_district": "武侯区",
        "receiver_address": "天府大道100号",
    }
    assert address_issues(ok | {"receiver_province": "湖南省"}) == ["province_city_mismatch"]
    assert address_issues(ok | {"receiver_district": "洪山区"}) == ["district_not_in_city"]
    assert (
        address_issues(ok | {"receiver_district": "高新区"}) == []
    )  # a functional zone couriers know
    assert address_issues(ok | {"receiver_address": "成都市武侯区"}) == ["missing_street"]
    assert address_issues(ok | {"receiver_name": "test", "receiver_address": "xxx"}) == [
        "placeholder_text"
    ]
    assert address_issues(ok | {"receiver_phone": "12345678901"}) == ["invalid_phone"]
    assert address_issues(ok | {"receiver_phone": ""}) == ["missing_phone"]
    assert address_issues(ok | {"receiver_phone": ""}, judged=()) == []
    assert phone_valid("138****1234")
    assert phone_valid("+86 138 1234 5678")
    assert not phone_valid("1234")
    assert phone_valid("020 7946 0958", "en")  # an English shop ships abroad too
    assert not phone_valid("7946 0958", "zh")
    assert phone_valid("7946 0958", "en")
    assert geo.cn_city_in_province("延边朝鲜族自治州", "吉林")
    assert geo.cn_city_in_province("某市", "吉林省") is None
    assert geo.us_zip_state("10001") == "NY"
    assert geo.us_state("new york") == "NY"
