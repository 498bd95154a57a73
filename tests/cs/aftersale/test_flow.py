"""The after-sale flow on a tiny in-memory backend: split parcels, the ops integration, docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.cs.aftersale.events import EVENTS
from shopkeeper.cs.aftersale.models import Buyer, Order, OrderLine, PaymentMethod, Shipment, Sku
from shopkeeper.cs.aftersale.policy import CsPolicy, load_cs_policy
from shopkeeper.cs.aftersale.reasons import REASONS
from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.errors import ConfigError
from shopkeeper.ops.actions import ACTIONS, AFTERSALE_ACTIONS, validate_params
from shopkeeper.ops.approvals import propose
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

DOCS = Path(__file__).parents[3] / "docs" / "cs-policy.md"
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


class SplitParcels:
    """One order of two lines in two parcels: one delivered, one still on its way."""

    name = "memory"

    def __init__(self) -> None:
        self.applied: dict[str, str] = {}
        self._order = Order(
            order_id="A1",
            customer_id="c1",
            stage="shipped",
            status="shipped",
            lines=[
                OrderLine(line_id="1", sku_id="s1", product_id="p1", unit_price=30, paid_amount=30),
                OrderLine(line_id="2", sku_id="s2", product_id="p2", unit_price=60, paid_amount=60),
            ],
            shipments=[
                Shipment(tracking_no="T1", line_ids=["1"], status="delivered"),
                Shipment(tracking_no="T2", line_ids=["2"], status="in_transit"),
            ],
        )

    def order(self, order_id: str) -> Order | None:
        return self._order if order_id == "A1" else None

    def orders_of(self, customer_id: str) -> list[Order]:
        return [self._order] if customer_id == "c1" else []

    def sku(self, sku_id: str) -> Sku | None:
        return Sku(sku_id=sku_id, product_id="p" + sku_id[1:], price=30)

    def payment_methods(self, customer_id: str) -> dict[str, PaymentMethod]:
        return {"original": PaymentMethod(method_id="original")}

    def supports(self, action: str) -> bool:
        return True

    def apply(self, action_id: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        again = action_id in self.applied
        self.applied[action_id] = action
        return {"already_applied": again}


@pytest.fixture
def tools(sk_home: Settings) -> AfterSale:
    return AfterSale(SplitParcels(), CsPolicy(), ops_engine(sk_home), "mem", clock=lambda: NOW)


def test_a_missing_item_in_a_parcel_on_its_way_is_not_reshipped(tools: AfterSale) -> None:
    buyer = Buyer(customer_id="c1", verified=True)
    report = tools.missing_item(buyer, "A1", ["2"])
    assert report.lines[0].where == "in_transit"
    assert report.lines[0].tracking_no == "T2"
    assert report.reship is None
    reship = tools.reship(buyer, "A1", ["2"], evidence=["photo"])
    assert reship.decision.codes == ["reship.in_transit"]


def test_a_missing_item_from_a_delivered_parcel_gets_a_reship_run_once(tools: AfterSale) -> None:
    buyer = Buyer(customer_id="c1", verified=True)
    report = tools.missing_item(buyer, "A1", ["1"], evidence=["unboxing video"])
    assert report.reship is not None
    assert report.reship.decision.outcome == "allow"
    first = tools.confirm(buyer, report.reship.token)
    second = tools.confirm(buyer, report.reship.token)
    assert first.status == second.status == "executed"
    assert list(tools.backend.applied.values()) == ["cs.reship"]  # type: ignore[attr-defined]


def test_after_sale_actions_are_typed_and_not_proposable_around_the_buyer(
    sk_home: Settings,
) -> None:
    assert set(AFTERSALE_ACTIONS) <= set(ACTIONS)
    with pytest.raises(ValueError, match="line_ids"):
        validate_params("cs.return_refund", {"order_id": "A1", "customer_id": "c1"})
    with pytest.raises(ConfigError, match="after-sale action"):
        propose(
            sk_home,
            ops_engine(sk_home),
            OutboxConnector(sk_home.home / "stores"),
            "any",
            "cs.cancel_order",
            {"order_id": "A1", "customer_id": "c1"},
        )


def test_policy_file_overrides_defaults_and_rejects_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "cs_policy.toml").write_text("[returns]\nwindow_days = 15\n", encoding="utf-8")
    assert load_cs_policy(tmp_path).returns.window_days == 15
    assert load_cs_policy(tmp_path).reship.auto_max_value == 100
    (tmp_path / "cs_policy.toml").write_text("[returns]\nwindow = 15\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cs_policy\.toml"):
        load_cs_policy(tmp_path)


def test_every_reason_code_and_event_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert [code for code in REASONS if f"`{code}`" not in text] == []
    assert [e.name for e in EVENTS if f"`{e.name}`" not in text] == []
    assert [a for a in AFTERSALE_ACTIONS if f"`{a}`" not in text] == []
