"""Holes closed: the audit actor is the caller, never an argument; /state hides what the role
may not see; phones and street addresses are masked in /approvals and /audit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shopkeeper.ops.approvals import record_decided
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from .conftest import DEMO, bearer

ROOT = f"/v1/stores/{DEMO}"


def _sku_price(settings: Settings) -> tuple[str, float]:
    with Warehouse.open(settings.store_dir(DEMO), read_only=True) as wh:
        sku, price = wh.con.execute(
            "SELECT sku_id, price::DOUBLE FROM products WHERE cost < price * 0.7 "
            "ORDER BY sku_id DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    return str(sku), float(price)


def test_the_audit_actor_is_the_caller_never_an_argument(
    client: TestClient, tokens: dict[str, str], api_home: Settings
) -> None:
    sku, price = _sku_price(api_home)
    body = {
        "action": "change_price",
        "params": {"sku_id": sku, "price": round(price * 1.05, 2)},
        "proposed_by": "api:owner:boss-laptop",
    }
    r = client.post(f"{ROOT}/skills/propose_action", json=body, headers=bearer(tokens["ops"]))
    assert r.status_code == 422, r.text  # not an argument: refused, never taken for the actor
    assert "'proposed_by'" in r.json()["detail"]
    del body["proposed_by"]
    r = client.post(f"{ROOT}/skills/propose_action", json=body, headers=bearer(tokens["ops"]))
    assert r.status_code == 200, r.text
    record = r.json()["action"]
    assert record["proposed_by"].startswith("api:ops:")
    audit = client.get(
        f"{ROOT}/audit", params={"action_id": record["action_id"]}, headers=bearer(tokens["ops"])
    ).json()
    assert {e["actor"] for e in audit if e["event"] == "action.proposed"} == {record["proposed_by"]}
    posing = client.post(
        f"{ROOT}/skills/remember",
        json={"text": "周末不改价", "source": "owner"},
        headers=bearer(tokens["ops"]),
    )
    assert posing.status_code == 422, posing.text
    said = client.post(
        f"{ROOT}/skills/remember", json={"text": "周末不改价"}, headers=bearer(tokens["ops"])
    ).json()
    assert said["memory"]["source"].startswith("api:ops:")


def test_state_shows_a_role_only_its_actions(
    client: TestClient, tokens: dict[str, str], api_home: Settings
) -> None:
    sku, price = _sku_price(api_home)
    owner = bearer(tokens["owner"])
    made = client.post(
        f"{ROOT}/actions",
        json={"action": "change_price", "params": {"sku_id": sku, "price": round(price * 1.1, 2)}},
        headers=owner,
    ).json()
    if made["status"] == "pending":
        client.post(f"{ROOT}/approvals/{made['action_id']}/approve", headers=owner)
    assert any(
        s["action"] == "change_price" for s in client.get(f"{ROOT}/state", headers=owner).json()
    )
    ads = client.get(f"{ROOT}/state", headers=bearer(tokens["ads"])).json()
    assert all(s["action"] != "change_price" for s in ads)


def test_phones_and_addresses_are_masked_in_approvals_and_audit(
    client: TestClient, tokens: dict[str, str], api_home: Settings
) -> None:
    address = {
        "name": "王小明",
        "phone": "13912345678",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "line1": "文三路90号3单元1502室",
    }
    params = {"order_id": "3600000000000000001", "customer_id": "c1", "address": address}
    engine = ops_engine(api_home)
    try:  # an after-sale address change waiting for a person, as the buyer's chat records it
        made = record_decided(
            engine,
            OutboxConnector(api_home.home / "stores", engine),
            DEMO,
            "cs.change_address",
            params,
            "needs_approval",
            ["test"],
            reason="电话13912345678",
            proposed_by="buyer:c1",
        )
    finally:
        engine.dispose()
    action_id = made.action_id
    ops = bearer(tokens["ops"])
    listed = client.get(f"{ROOT}/approvals", params={"status": "all"}, headers=ops).text
    audit = client.get(f"{ROOT}/audit", params={"action_id": action_id}, headers=ops).text
    for shown in (listed, audit):
        assert "13912345678" not in shown
        assert "文三路90号" not in shown
    assert action_id in listed
    assert "杭州市" in audit
