"""The console's login: a server-side session (never the token in the cookie), CSRF and Origin
checks on every form, logout and revocation end it, Secure over https."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api import sessions
from shopkeeper.api.tokens import create_token, revoke_token
from shopkeeper.opsdb import ops_engine

from .cs_fake import ORIGIN, STORE, CsApp, cs_app, csrf


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CsApp]:
    with cs_app(tmp_path_factory.mktemp("sk-console")) as made:
        made.client.post(
            f"/v1/stores/{STORE}/cs/messages",
            json={"conversation_id": "s-1", "customer_id": "buyer-1", "text": "我要转人工"},
            headers={"Authorization": f"Bearer {made.tokens['cs']}"},
        )
        yield made


def _login(client: TestClient, token: str) -> str:
    page = client.post(f"/console/{STORE}/login", data={"token": token}, headers=ORIGIN)
    assert page.status_code == 200, page.text
    return csrf(page.text)


def test_the_cookie_is_a_session_id_never_the_token(cs: CsApp) -> None:
    client = TestClient(cs.client.app)
    raw = client.post(
        f"/console/{STORE}/login",
        data={"token": cs.tokens["cs"]},
        headers=ORIGIN,
        follow_redirects=False,
    )
    cookie = raw.headers["set-cookie"]
    value = raw.cookies[sessions.COOKIE]
    assert cs.tokens["cs"] not in cookie
    assert len(value) >= 43  # 32 random bytes, urlsafe
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain http (a test server): a Secure cookie would be lost
    secure = TestClient(cs.client.app, base_url="https://testserver")
    over_https = secure.post(
        f"/console/{STORE}/login",
        data={"token": cs.tokens["cs"]},
        headers={"Origin": "https://testserver"},
        follow_redirects=False,
    )
    assert "Secure" in over_https.headers["set-cookie"]


def test_every_form_needs_the_csrf_token_and_this_sites_origin(cs: CsApp) -> None:
    client = TestClient(cs.client.app)
    token = _login(client, cs.tokens["cs"])
    url = f"/console/{STORE}/release"
    assert client.post(url, data={"c": "s-1"}, headers=ORIGIN).status_code == 403  # no CSRF
    wrong = {"c": "s-1", "csrf": "x" * 43}
    assert client.post(url, data=wrong, headers=ORIGIN).status_code == 403
    good = {"c": "s-1", "csrf": token}
    evil = {"Origin": "https://evil.example"}
    assert client.post(url, data=good, headers=evil).status_code == 403
    assert client.post(url, data=good).status_code == 403  # no Origin, no Referer
    referer = {"Referer": f"http://testserver/console/{STORE}"}
    assert client.post(url, data=good, headers=referer).status_code == 200
    # logging in from another site is refused too
    login = client.post(f"/console/{STORE}/login", data={"token": cs.tokens["cs"]}, headers=evil)
    assert login.status_code == 403


def test_logout_ends_the_session(cs: CsApp) -> None:
    client = TestClient(cs.client.app)
    token = _login(client, cs.tokens["owner"])
    stolen = client.cookies[sessions.COOKIE]
    client.post(f"/console/{STORE}/logout", data={"csrf": token}, headers=ORIGIN)
    replay = TestClient(cs.client.app, cookies={sessions.COOKIE: stolen})
    page = replay.get(f"/console/{STORE}")
    assert page.status_code == 401
    assert 'name="token"' in page.text


def test_a_revoked_token_ends_its_sessions(cs: CsApp) -> None:
    engine = ops_engine(cs.settings)
    made = create_token(engine, STORE, "cs")
    client = TestClient(cs.client.app)
    _login(client, made.token)
    assert client.get(f"/console/{STORE}/panel").status_code == 200
    revoke_token(engine, made.token_id)
    engine.dispose()
    assert client.get(f"/console/{STORE}/panel").status_code == 401


def test_a_widget_key_or_another_store_never_logs_in(cs: CsApp) -> None:
    client = TestClient(cs.client.app)
    for token in (cs.tokens["widget"], cs.tokens["other-cs"], cs.tokens["ops"]):
        page = client.post(f"/console/{STORE}/login", data={"token": token}, headers=ORIGIN)
        assert 'name="token"' in page.text
        assert sessions.COOKIE not in client.cookies
