"""Customer-service HTTP routes on a fake engine: auth, round trip, idempotent retries, staff side."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shopkeeper.api.cs_auth import SECRET_FILE, SIGNATURE_HEADER, sign_customer

from .cs_fake import OTHER, STORE, CsApp, auth, cs_app

URL = f"/v1/stores/{STORE}/cs"


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CsApp]:
    with cs_app(tmp_path_factory.mktemp("sk-cs")) as made:
        yield made


def msg(
    conv: str, text: str = "挂耳咖啡一包多少克？", customer: str = "buyer-1", **more: str
) -> dict[str, str]:
    return {"conversation_id": conv, "customer_id": customer, "text": text, **more}


def test_message_round_trip(cs: CsApp) -> None:
    r = cs.client.post(
        f"{URL}/messages", json=msg("c-rt", message_id="m1"), headers=auth(cs.tokens["cs"])
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["conversation_id"] == "c-rt"
    assert body["message_id"] == "m1"
    assert body["reply"]
    assert body["intent"] == "presale"
    assert body["handoff"] is False
    assert body["sources"][0]["type"] == "kb"
    assert body["at"].startswith("2026-11-20T18:00")  # the store clock


def test_retry_with_the_same_message_id_gets_the_same_reply_once(cs: CsApp) -> None:
    before = cs.engine.handled
    first = cs.client.post(
        f"{URL}/messages", json=msg("c-idem", message_id="m-x"), headers=auth(cs.tokens["widget"])
    )
    again = cs.client.post(
        f"{URL}/messages", json=msg("c-idem", message_id="m-x"), headers=auth(cs.tokens["widget"])
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert cs.engine.handled == before + 1


def test_bad_message_is_422(cs: CsApp) -> None:
    r = cs.client.post(
        f"{URL}/messages", json={"conversation_id": "c", "text": ""}, headers=auth(cs.tokens["cs"])
    )
    assert r.status_code == 422
    assert r.json()["error"] == "ValidationError"


def test_auth_on_the_buyer_side(cs: CsApp) -> None:
    def post(headers: dict[str, str], **kw: object) -> httpx.Response:
        return cs.client.post(f"{URL}/messages", json=msg("c-auth"), headers=headers, **kw)  # type: ignore[arg-type]

    assert post({}).status_code == 401
    assert post(auth("sk_nope_nope")).status_code == 401
    assert post(auth(cs.tokens["other-cs"])).status_code == 403  # another store's cs token
    assert post(auth(cs.tokens["other-widget"])).status_code == 403
    assert post(auth(cs.tokens["ops"])).status_code == 403  # a role without cs
    assert post(auth(cs.tokens["owner"])).status_code == 200
    # key in the query (a guest: it may not write into the conversation staff opened for buyer-1)
    key = {"key": cs.tokens["widget"]}
    assert post({}, params=key).status_code == 404
    r = cs.client.post(f"{URL}/messages", json=msg("c-auth-w"), params=key)
    assert r.status_code == 200


def test_widget_key_may_not_read_anything_else(cs: CsApp) -> None:
    w = auth(cs.tokens["widget"])
    assert cs.client.post(f"{URL}/messages", json=msg("c-w"), headers=w).status_code == 200
    for path in ("/queue", "/stats"):
        assert cs.client.get(URL + path, headers=w).status_code == 403
    assert (
        cs.client.post(
            f"{URL}/suggestions", json={"conversation_id": "c", "message_text": "x"}, headers=w
        ).status_code
        == 403
    )
    assert (
        cs.client.post(
            f"{URL}/conversations/c-rt/reply", json={"text": "hi"}, headers=w
        ).status_code
        == 403
    )
    assert cs.client.post(f"{URL}/conversations/c-rt/release", headers=w).status_code == 403
    assert cs.client.get(f"/v1/stores/{STORE}/memory", headers=w).status_code == 403
    assert cs.client.get(f"/v1/stores/{STORE}/approvals", headers=w).status_code in (403, 404)
    # another buyer's conversation: not found, whether it exists or not
    assert (
        cs.client.get(
            f"{URL}/conversations/c-rt", headers=w, params={"customer_id": "buyer-2"}
        ).status_code
        == 404
    )
    assert cs.client.get(f"{URL}/conversations/c-rt", headers=w).status_code == 404
    r = cs.client.post(f"{URL}/messages", json=msg("c-w", customer="buyer-2"), headers=w)
    assert r.status_code == 404
    own = cs.client.get(f"{URL}/conversations/c-w", headers=w, params={"customer_id": "buyer-1"})
    assert own.status_code == 200
    assert own.json()["customer_id"] == "guest:buyer-1"  # no secret: a guest, never buyer-1
    # staff opened c-rt for the real buyer-1: a widget claiming to be buyer-1 does not see it
    staff_conv = cs.client.get(
        f"{URL}/conversations/c-rt", headers=w, params={"customer_id": "buyer-1"}
    )
    assert staff_conv.status_code == 404


def test_customer_signature_when_the_store_has_a_secret(cs: CsApp) -> None:
    folder = cs.settings.store_dir(STORE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SECRET_FILE).write_text("s3cret\n")
    try:
        w = auth(cs.tokens["widget"])
        body = msg("c-signed", customer="buyer-9")
        assert cs.client.post(f"{URL}/messages", json=body, headers=w).status_code == 401
        bad = {**w, SIGNATURE_HEADER: sign_customer(b"s3cret", "buyer-1")}
        assert cs.client.post(f"{URL}/messages", json=body, headers=bad).status_code == 401
        good = {**w, SIGNATURE_HEADER: sign_customer(b"s3cret", "buyer-9")}
        assert cs.client.post(f"{URL}/messages", json=body, headers=good).status_code == 200
        assert cs.engine.verified["buyer-9"] is True  # a signed buyer is the buyer
        # staff tokens are not buyers: no signature needed
        assert (
            cs.client.post(f"{URL}/messages", json=body, headers=auth(cs.tokens["cs"])).status_code
            == 200
        )
    finally:
        (folder / SECRET_FILE).unlink()


def test_without_a_secret_a_widget_buyer_is_a_guest(cs: CsApp) -> None:
    """H3: the public key cannot claim a buyer: the engine gets a guest nobody vouched for."""
    w = auth(cs.tokens["widget"])
    body = msg("c-guest", customer="buyer-77")
    assert cs.client.post(f"{URL}/messages", json=body, headers=w).status_code == 200
    assert "buyer-77" not in cs.engine.verified
    assert cs.engine.verified["guest:buyer-77"] is False
    # a staff token (an integration that authenticated its buyer) still vouches for the id
    staff = msg("c-guest-staff", customer="buyer-77")
    assert cs.client.post(f"{URL}/messages", json=staff, headers=auth(cs.tokens["cs"])).is_success
    assert cs.engine.verified["buyer-77"] is True


def test_handoff_queue_human_reply_release(cs: CsApp) -> None:
    staff = auth(cs.tokens["cs"])
    r = cs.client.post(
        f"{URL}/messages", json=msg("c-hand", "转人工", customer="buyer-5"), headers=staff
    )
    assert r.json()["handoff"] is True
    queue = cs.client.get(f"{URL}/queue", headers=staff).json()
    assert any(q["conversation_id"] == "c-hand" and q["state"] == "handoff" for q in queue)
    human = cs.client.post(
        f"{URL}/conversations/c-hand/reply", json={"text": "您好，我是客服小李"}, headers=staff
    )
    assert human.status_code == 200
    assert human.json()["reply"] == "您好，我是客服小李"
    view = cs.client.get(f"{URL}/conversations/c-hand", headers=staff).json()
    assert view["messages"][-1]["role"] == "human"
    assert view["state"] == "human"
    released = cs.client.post(
        f"{URL}/conversations/c-hand/release", headers=auth(cs.tokens["owner"])
    )
    assert released.status_code == 200
    assert released.json()["handoff"] is False
    assert (
        cs.client.post(
            f"{URL}/conversations/nope/reply", json={"text": "x"}, headers=staff
        ).status_code
        == 404
    )


def test_suggestions_outcomes_and_stats(cs: CsApp) -> None:
    staff = auth(cs.tokens["cs"])
    got = cs.client.post(
        f"{URL}/suggestions",
        json={"conversation_id": "c-hand", "message_text": "怎么还不发货"},
        headers=staff,
    )
    assert got.status_code == 200
    ids = [s["suggestion_id"] for s in got.json()]
    assert ids
    out = cs.client.post(
        f"{URL}/suggestions/{ids[0]}/outcome", json={"outcome": "adopted"}, headers=staff
    )
    assert out.status_code == 200
    assert out.json()["outcome"] == "adopted"
    assert (
        cs.client.post(
            f"{URL}/suggestions/{ids[0]}/outcome", json={"outcome": "edited"}, headers=staff
        ).status_code
        == 422
    )
    cs.client.post(
        f"{URL}/suggestions/{ids[0]}/outcome", json={"outcome": "rejected"}, headers=staff
    )
    stats = cs.client.get(f"{URL}/stats", headers=staff).json()
    assert stats["adopted"] >= 1
    assert 0 < stats["use_rate"] <= 1


def test_other_store_cs_token_is_403_on_staff_routes(cs: CsApp) -> None:
    other = auth(cs.tokens["other-cs"])
    assert cs.client.get(f"{URL}/queue", headers=other).status_code == 403
    assert cs.client.get(f"/v1/stores/{OTHER}/cs/queue", headers=other).status_code == 200
