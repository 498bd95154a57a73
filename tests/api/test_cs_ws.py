"""The customer-service WebSocket on a fake engine: streamed replies, pushes, auth, bad frames."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from .cs_fake import STORE, CsApp, auth, cs_app

WS = f"/v1/stores/{STORE}/cs/ws"


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CsApp]:
    with cs_app(tmp_path_factory.mktemp("sk-cs-ws")) as made:
        yield made


def until_reply(ws: WebSocketTestSession) -> tuple[list[str], dict[str, Any]]:
    deltas: list[str] = []
    while True:
        frame = ws.receive_json()
        if frame["type"] == "delta":
            deltas.append(frame["text"])
        elif frame["type"] == "reply":
            return deltas, frame
        else:
            raise AssertionError(frame)


def test_round_trip_streams_deltas_then_the_reply(cs: CsApp) -> None:
    url = f"{WS}?conversation_id=ws-1&key={cs.tokens['widget']}&customer_id=buyer-ws"
    with cs.client.websocket_connect(url) as ws:
        assert ws.receive_json() == {"type": "ready", "conversation_id": "ws-1"}
        ws.send_json(
            {"text": "挂耳咖啡一包多少克？", "message_id": "w1", "customer_id": "buyer-ws"}
        )
        deltas, reply = until_reply(ws)
        assert cs.engine.verified["guest:buyer-ws"] is False  # no secret: a guest (H3)
        assert len(deltas) > 1
        assert "".join(deltas) == reply["reply"]
        assert reply["message_id"] == "w1"
        assert reply["conversation_id"] == "ws-1"
        assert reply["sources"]
        # a retry over the socket is answered with the same reply, not processed again
        handled = cs.engine.handled
        ws.send_json({"text": "挂耳咖啡一包多少克？", "message_id": "w1"})
        assert until_reply(ws)[1] == reply
        assert cs.engine.handled == handled


def test_human_reply_is_pushed_to_the_socket(cs: CsApp) -> None:
    url = f"{WS}?conversation_id=ws-2&key={cs.tokens['widget']}&customer_id=buyer-ws"
    with cs.client.websocket_connect(url) as ws:
        ws.receive_json()
        ws.send_json({"text": "我要转人工"})
        assert until_reply(ws)[1]["handoff"] is True
        r = cs.client.post(
            f"/v1/stores/{STORE}/cs/conversations/ws-2/reply",
            json={"text": "您好，我是客服小李，马上帮您处理"},
            headers=auth(cs.tokens["cs"]),
        )
        assert r.status_code == 200
        pushed = ws.receive_json()
        assert pushed["type"] == "reply"
        assert pushed["from"] == "human"
        assert pushed["reply"] == "您好，我是客服小李，马上帮您处理"
        cs.client.post(
            f"/v1/stores/{STORE}/cs/conversations/ws-2/release", headers=auth(cs.tokens["cs"])
        )
        assert ws.receive_json() == {"type": "state", "state": "bot", "handoff": False}


def test_auth_by_first_frame_and_bad_frames(cs: CsApp) -> None:
    with cs.client.websocket_connect(f"{WS}?conversation_id=ws-3") as ws:
        ws.send_json({"type": "auth", "token": cs.tokens["cs"]})
        assert ws.receive_json()["type"] == "ready"
        ws.send_text("not json")
        assert ws.receive_json()["status"] == 422
        ws.send_json({"text": ""})  # no customer_id, empty text
        error = ws.receive_json()
        assert error["type"] == "error"
        assert error["status"] == 422
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"text": "挂耳咖啡", "customer_id": "buyer-7", "conversation_id": "other"})
        assert ws.receive_json()["status"] == 422  # another conversation than the socket's
        ws.send_json({"text": "挂耳咖啡", "customer_id": "buyer-7"})
        assert until_reply(ws)[1]["intent"] == "presale"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", 4401),
        ("&token=sk_nope_nope", 4401),
        ("&token={other-cs}", 4403),
        ("&token={ops}", 4403),
        ("&key={widget}", 4401),  # a widget socket needs its buyer
        ("&key={widget}&customer_id=intruder", 4404),  # someone else's conversation
    ],
)
def test_refused_sockets_are_closed(cs: CsApp, query: str, code: int) -> None:
    query = query.format(**cs.tokens)
    first = f"{WS}?conversation_id=ws-1{query}"
    with cs.client.websocket_connect(first) as ws:
        if not query:
            ws.send_json({"type": "auth"})
        frame = ws.receive_json()
        assert frame["type"] == "error"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == code
