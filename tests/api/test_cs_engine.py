"""The customer-service surfaces on the real offline engine and the demo store (no fakes)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from .conftest import DEMO, bearer

URL = f"/v1/stores/{DEMO}/cs"


@pytest.fixture(scope="module")
def buyer(api_home: Settings) -> tuple[str, str]:
    """A demo customer and one of their orders."""
    with Warehouse.open(api_home.store_dir(DEMO), read_only=True) as wh:
        row = wh.con.execute(
            "select customer_id, max(order_id) from orders group by customer_id "
            "order by count(*) desc limit 1"
        ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def post(client: TestClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{URL}/messages", json=body, headers=bearer(token))
    assert r.status_code == 200, r.text
    reply: dict[str, Any] = r.json()
    return reply


def test_round_trip_and_retry(
    client: TestClient, tokens: dict[str, str], buyer: tuple[str, str]
) -> None:
    customer, order = buyer
    body = {
        "conversation_id": "eng-1",
        "customer_id": customer,
        "text": f"我的订单{order}到哪了",
        "message_id": "e1",
    }
    first = post(client, tokens["cs"], body)
    assert first["message_id"] == "e1"
    assert first["reply"]
    again = post(client, tokens["cs"], body)
    assert again == first
    view = client.get(f"{URL}/conversations/eng-1", headers=bearer(tokens["cs"])).json()
    assert [m["message_id"] for m in view["messages"] if m["role"] == "buyer"] == ["e1"]
    assert view["customer_id"] == customer


def test_handoff_human_reply_pushed_to_the_socket(
    client: TestClient, tokens: dict[str, str], buyer: tuple[str, str]
) -> None:
    customer, _ = buyer
    url = f"{URL}/ws?conversation_id=eng-2&token={tokens['cs']}&customer_id={customer}"
    with client.websocket_connect(url) as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_json({"text": "我要转人工客服"})
        frame = ws.receive_json()
        while frame["type"] == "delta":
            frame = ws.receive_json()
        assert frame["type"] == "reply"
        assert frame["handoff"] is True
        queue = client.get(f"{URL}/queue", headers=bearer(tokens["cs"])).json()
        assert any(q["conversation_id"] == "eng-2" for q in queue)
        r = client.post(
            f"{URL}/conversations/eng-2/reply",
            json={"text": "您好，我是客服小李"},
            headers=bearer(tokens["cs"]),
        )
        assert r.status_code == 200, r.text
        pushed = ws.receive_json()
        assert pushed["from"] == "human"
        assert pushed["reply"] == "您好，我是客服小李"
        released = client.post(
            f"{URL}/conversations/eng-2/release", headers=bearer(tokens["owner"])
        )
        assert released.json()["handoff"] is False
        assert ws.receive_json()["type"] == "state"


def test_suggestions_and_stats(client: TestClient, tokens: dict[str, str]) -> None:
    staff = bearer(tokens["cs"])
    got = client.post(
        f"{URL}/suggestions",
        json={"conversation_id": "eng-2", "message_text": "怎么还不发货"},
        headers=staff,
    )
    assert got.status_code == 200, got.text
    suggestions = got.json()
    assert suggestions
    sid = suggestions[0]["suggestion_id"]
    out = client.post(
        f"{URL}/suggestions/{sid}/outcome",
        json={"outcome": "edited", "final_text": "亲，今天内为您发出"},
        headers=staff,
    )
    assert out.status_code == 200, out.text
    assert (
        client.post(
            f"{URL}/suggestions/nope/outcome", json={"outcome": "rejected"}, headers=staff
        ).status_code
        == 404
    )
    stats = client.get(f"{URL}/stats", headers=staff).json()
    assert stats["edited"] >= 1


def test_console_on_the_real_engine(client: TestClient, tokens: dict[str, str]) -> None:
    page = client.post(
        f"/console/{DEMO}/login",
        data={"token": tokens["cs"], "c": "eng-2"},
        headers={"Origin": "http://testserver"},
    )
    assert page.status_code == 200
    assert "我要转人工客服" in page.text
    assert "eng-1" in client.get(f"/console/{DEMO}/panel").text  # a live conversation
