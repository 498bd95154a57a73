"""Approving over the API runs an action exactly once — across a restart too — and mirrors its state."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from .conftest import DEMO, bearer, registry


@pytest.fixture(scope="module")
def facts(api_home: Settings) -> dict[str, object]:
    """A SKU with its price and cost, and a campaign with its bid."""
    with Warehouse.open(api_home.store_dir(DEMO), read_only=True) as wh:
        sku, price, cost = wh.con.execute(
            "SELECT sku_id, price::DOUBLE, cost::DOUBLE FROM products WHERE cost < price * 0.7 "
            "ORDER BY sku_id LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        campaign, bid = wh.con.execute(
            "SELECT campaign_id, bid::DOUBLE FROM ad_campaigns WHERE bid IS NOT NULL "
            "ORDER BY date DESC, campaign_id LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    return {"sku": sku, "price": price, "cost": cost, "campaign": campaign, "bid": bid}


def _propose(client: TestClient, token: str, action: str, **params: object) -> dict[str, object]:
    reply = client.post(
        f"/v1/stores/{DEMO}/actions",
        headers=bearer(token),
        json={"action": action, "params": params, "reason": "test"},
    )
    assert reply.status_code == 201, reply.text
    body: dict[str, object] = reply.json()
    return body


def _price_now(client: TestClient, token: str, facts: dict[str, object]) -> float:
    """The SKU's price now: what an approved change left (the policy compares with it), else the
    imported one — the tests of this module share one store, so each starts from where the last
    left it."""
    rows = client.get(
        f"/v1/stores/{DEMO}/state",
        headers=bearer(token),
        params={"entity_type": "sku", "entity_id": str(facts["sku"])},
    ).json()
    prices = [float(r["value"]) for r in rows if r["field"] == "price"]
    return prices[-1] if prices else float(facts["price"])  # type: ignore[arg-type]


def _outbox_ids(settings: Settings) -> list[str]:
    path = settings.store_dir(DEMO) / "outbox.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line)["action_id"] for line in lines]


def test_approve_runs_once_and_twice_is_409(
    client: TestClient, tokens: dict[str, str], facts: dict[str, object], api_home: Settings
) -> None:
    owner = tokens["owner"]
    new_price = round(float(facts["price"]) * 1.2, 2)  # type: ignore[arg-type]
    proposed = _propose(client, owner, "change_price", sku_id=facts["sku"], price=new_price)
    assert proposed["status"] == "pending"
    action_id = proposed["action_id"]
    pending = client.get(f"/v1/stores/{DEMO}/approvals", headers=bearer(owner)).json()
    assert action_id in [a["action_id"] for a in pending]

    first = client.post(f"/v1/stores/{DEMO}/approvals/{action_id}/approve", headers=bearer(owner))
    assert first.status_code == 200
    assert first.json()["status"] == "sent_to_outbox"
    second = client.post(f"/v1/stores/{DEMO}/approvals/{action_id}/approve", headers=bearer(owner))
    assert second.status_code == 409
    assert second.json()["error"] == "Conflict"
    assert "sent_to_outbox, not pending" in second.json()["detail"]
    assert _outbox_ids(api_home).count(str(action_id)) == 1

    events = client.get(
        f"/v1/stores/{DEMO}/audit", headers=bearer(owner), params={"action_id": action_id}
    ).json()
    assert [e["event"] for e in events] == [
        "action.proposed",
        "action.decided",
        "action.approved",
        "action.executed",
    ]
    assert events[2]["actor"].startswith("api:owner:")

    state = client.get(
        f"/v1/stores/{DEMO}/state",
        headers=bearer(owner),
        params={"entity_type": "sku", "entity_id": facts["sku"]},
    ).json()
    assert [(s["field"], s["value"], s["action_id"]) for s in state] == [
        ("price", new_price, action_id)
    ]


def test_concurrent_approvals_execute_once(
    client: TestClient, tokens: dict[str, str], facts: dict[str, object], api_home: Settings
) -> None:
    owner = tokens["owner"]
    price = round(float(facts["price"]) * 1.3, 2)  # type: ignore[arg-type]
    action_id = _propose(client, owner, "change_price", sku_id=facts["sku"], price=price)[
        "action_id"
    ]
    url = f"/v1/stores/{DEMO}/approvals/{action_id}/approve"
    with ThreadPoolExecutor(4) as pool:
        codes = sorted(
            pool.map(lambda _: client.post(url, headers=bearer(owner)).status_code, range(4))
        )
    assert codes == [200, 409, 409, 409]
    assert _outbox_ids(api_home).count(str(action_id)) == 1


def test_reject_then_approve_is_409(
    client: TestClient, tokens: dict[str, str], facts: dict[str, object]
) -> None:
    ops = tokens["ops"]
    price = round(_price_now(client, tokens["owner"], facts) * 1.25, 2)
    action_id = _propose(client, ops, "change_price", sku_id=facts["sku"], price=price)["action_id"]
    rejected = client.post(
        f"/v1/stores/{DEMO}/approvals/{action_id}/reject", headers=bearer(ops), json={"note": "no"}
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    again = client.post(f"/v1/stores/{DEMO}/approvals/{action_id}/approve", headers=bearer(ops))
    assert again.status_code == 409
    assert "rejected" in again.json()["detail"]


def test_refused_by_policy_never_runs(
    client: TestClient, tokens: dict[str, str], facts: dict[str, object]
) -> None:
    below_cost = round(float(facts["cost"]) * 0.5, 2)  # type: ignore[arg-type]
    refused = _propose(
        client, tokens["owner"], "change_price", sku_id=facts["sku"], price=below_cost
    )
    assert refused["status"] == "refused"
    assert "below cost" in str(refused["reasons"])
    bad = client.post(
        f"/v1/stores/{DEMO}/actions",
        headers=bearer(tokens["owner"]),
        json={"action": "change_price", "params": {"sku_id": facts["sku"], "price": -1}},
    )
    assert bad.status_code == 422


def test_ads_role_sees_and_decides_ad_actions_only(
    client: TestClient, tokens: dict[str, str], facts: dict[str, object]
) -> None:
    ads, owner = tokens["ads"], tokens["owner"]
    price = round(float(facts["price"]) * 1.2, 2)  # type: ignore[arg-type]
    price_id = _propose(client, owner, "change_price", sku_id=facts["sku"], price=price)[
        "action_id"
    ]
    bid = round(float(facts["bid"]) * 1.5, 2)  # type: ignore[arg-type]
    bid_id = _propose(client, ads, "change_bid", campaign_id=facts["campaign"], bid=bid)[
        "action_id"
    ]

    visible = {
        a["action_id"]
        for a in client.get(f"/v1/stores/{DEMO}/approvals", headers=bearer(ads)).json()
    }
    assert bid_id in visible
    assert price_id not in visible
    audit_ids = {
        e["action_id"] for e in client.get(f"/v1/stores/{DEMO}/audit", headers=bearer(ads)).json()
    }
    assert bid_id in audit_ids
    assert price_id not in audit_ids

    denied = client.post(f"/v1/stores/{DEMO}/approvals/{price_id}/approve", headers=bearer(ads))
    assert denied.status_code == 403
    assert denied.json()["detail"] == "role 'ads' may not use the action 'change_price'"
    proposing = client.post(
        f"/v1/stores/{DEMO}/actions",
        headers=bearer(ads),
        json={"action": "change_price", "params": {"sku_id": facts["sku"], "price": price}},
    )
    assert proposing.status_code == 403
    done = client.post(f"/v1/stores/{DEMO}/approvals/{bid_id}/approve", headers=bearer(ads))
    assert done.status_code == 200
    assert done.json()["status"] == "sent_to_outbox"
    state = client.get(
        f"/v1/stores/{DEMO}/state", headers=bearer(ads), params={"entity_id": facts["campaign"]}
    ).json()
    assert {(s["field"], s["value"]) for s in state} == {("bid", bid)}
    client.post(f"/v1/stores/{DEMO}/approvals/{price_id}/reject", headers=bearer(owner))


def test_pending_approval_survives_a_restart(
    api_home: Settings, tokens: dict[str, str], facts: dict[str, object]
) -> None:
    owner = tokens["owner"]
    with TestClient(create_app(api_home, registry=registry())) as before:
        price = round(_price_now(before, owner, facts) * 1.15, 2)
        action_id = _propose(before, owner, "change_price", sku_id=facts["sku"], price=price)[
            "action_id"
        ]
    with TestClient(create_app(api_home, registry=registry())) as after:
        url = f"/v1/stores/{DEMO}/approvals/{action_id}/approve"
        assert after.post(url, headers=bearer(owner)).json()["status"] == "sent_to_outbox"
        assert after.post(url, headers=bearer(owner)).status_code == 409
    with TestClient(create_app(api_home, registry=registry())) as later:
        again = later.post(url, headers=bearer(owner))
        assert again.status_code == 409
        assert _outbox_ids(api_home).count(str(action_id)) == 1
