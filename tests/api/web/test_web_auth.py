"""The web app's login: a server-side session (the cookie is an id, never the token), CSRF and
Origin checks on every form, logout ends it, roles see only their areas, agencies hold several
stores."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api import sessions
from shopkeeper.api.auth import GRANTS
from shopkeeper.api.web.i18n import NAV

from .conftest import DEMO, ORIGIN, OTHER, WebApp, csrf


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_pages_need_a_session_and_login_opens_the_single_store(web: WebApp) -> None:
    browser = TestClient(web.client.app)
    away = browser.get(f"/s/{DEMO}/findings", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == f"/login?next=/s/{DEMO}/findings"
    assert browser.get("/", follow_redirects=False).headers["location"].startswith("/login")
    form = browser.get("/login")
    assert 'name="token"' in form.text
    raw = browser.post(
        "/login", data={"token": web.tokens["owner"]}, headers=ORIGIN, follow_redirects=False
    )
    cookie = raw.headers["set-cookie"]
    assert web.tokens["owner"] not in cookie
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert raw.headers["location"] == "/"
    home = browser.get("/", follow_redirects=False)
    assert home.headers["location"] == f"/s/{DEMO}/today"


def test_a_bad_token_or_another_sites_form_is_refused(web: WebApp) -> None:
    browser = TestClient(web.client.app)
    bad = browser.post("/login", data={"token": "sk_000000000000_nope"}, headers=ORIGIN)
    assert bad.status_code == 401
    assert "令牌无效" in bad.text
    evil = {"Origin": "https://evil.example"}
    assert (
        browser.post("/login", data={"token": web.tokens["owner"]}, headers=evil).status_code == 403
    )
    widget_like = browser.post("/login", data={"token": "wk_1_2"}, headers=ORIGIN)
    assert widget_like.status_code == 401


def test_next_never_leaves_the_site(web: WebApp) -> None:
    browser = TestClient(web.client.app)
    raw = browser.post(
        "/login",
        data={"token": web.tokens["owner"], "next": "//evil.example/x"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert raw.headers["location"] == "/"


def test_every_form_needs_csrf_and_this_sites_origin(web: WebApp) -> None:
    browser, token = web.login("owner")
    url = f"/s/{DEMO}/findings/dismiss"
    form = {"key": "x:sku:y", "reason": "r"}
    assert browser.post(url, data=form, headers=ORIGIN).status_code == 403  # no CSRF
    assert browser.post(url, data=form | {"csrf": "x" * 43}, headers=ORIGIN).status_code == 403
    evil = {"Origin": "https://evil.example"}
    assert browser.post(url, data=form | {"csrf": token}, headers=evil).status_code == 403
    assert browser.post(url, data=form | {"csrf": token}).status_code == 403  # no Origin
    stranger = TestClient(web.client.app)
    assert stranger.post(url, data=form | {"csrf": token}, headers=ORIGIN).status_code == 401


def test_logout_ends_the_session(web: WebApp) -> None:
    browser, token = web.login("owner")
    cookie = browser.cookies[sessions.COOKIE]
    out = browser.post("/logout", data={"csrf": token}, headers=ORIGIN, follow_redirects=False)
    assert out.status_code == 303
    replay = TestClient(web.client.app, cookies={sessions.COOKIE: cookie})
    assert replay.get(f"/s/{DEMO}/today", follow_redirects=False).status_code == 303


def test_each_role_sees_only_what_grants_allow(web: WebApp) -> None:
    for role in ("owner", "ops", "ads", "cs"):
        browser, _ = web.login(role)
        areas = GRANTS[role].areas  # type: ignore[index]
        home = browser.get(f"/s/{DEMO}", follow_redirects=False).headers["location"]
        first = next(item for item in NAV if item.area in areas)
        assert home == f"/s/{DEMO}/{first.path}", role
        if "findings" in areas:
            page = browser.get(f"/s/{DEMO}/today")
            for item in NAV:
                link = f'href="/s/{DEMO}/{item.path}"'
                assert (link in page.text) == (item.area in areas), (role, item.path)
        for path, area in (("findings", "findings"), ("approvals", "approvals"), ("ask", "runs")):
            code = browser.get(f"/s/{DEMO}/{path}").status_code
            assert code == (200 if area in areas else 403), (role, path, code)


def test_a_store_outside_the_session_is_404(web: WebApp) -> None:
    browser, _ = web.login("owner")
    assert browser.get(f"/s/{OTHER}/today").status_code == 404
    assert browser.get(f"/switch?store={OTHER}").status_code == 404


def test_an_agency_token_opens_each_of_its_stores(web: WebApp) -> None:
    browser, _ = web.login("agency")
    stores = browser.get("/")
    assert stores.status_code == 200
    assert f"/s/{DEMO}/" in stores.text
    assert f"/s/{OTHER}/" in stores.text
    assert browser.get(f"/s/{OTHER}/today").status_code == 200
    switched = browser.get(f"/switch?store={OTHER}", follow_redirects=False)
    assert switched.headers["location"] == f"/s/{OTHER}"
    me = web.client.get(f"/v1/stores/{OTHER}/me", headers=bearer(web.tokens["agency"])).json()
    assert me["store"] == OTHER
    assert me["role"] == "agency"
    assert sorted(me["stores"]) == [DEMO, OTHER]
    third = web.client.get("/v1/stores/third/me", headers=bearer(web.tokens["agency"]))
    assert third.status_code == 403
    queue = web.client.get(f"/v1/stores/{OTHER}/cs/queue", headers=bearer(web.tokens["agency"]))
    assert queue.status_code == 200  # customer service accepts it on each of its stores too


def test_a_session_adds_another_stores_token_and_switches(web: WebApp) -> None:
    browser, token = web.login("owner")
    assert 'name="csrf"' in browser.get("/login").text  # logged in: the form adds a token
    added = browser.post(
        "/login", data={"token": web.tokens["other-owner"], "csrf": token}, headers=ORIGIN
    )
    assert added.status_code == 200
    assert f"/s/{OTHER}/" in added.text
    assert f"/s/{DEMO}/" in added.text
    assert browser.get(f"/s/{OTHER}/findings").status_code == 200
    assert csrf(browser.get(f"/s/{OTHER}/findings").text) == token  # one session


def test_the_language_follows_the_store_and_switches(web: WebApp) -> None:
    browser, _ = web.login("agency")
    assert 'lang="zh-CN"' in browser.get(f"/s/{DEMO}/findings").text
    assert 'lang="en"' in browser.get(f"/s/{OTHER}/findings").text
    switched = browser.get(f"/s/{DEMO}/findings?lang=en")
    assert 'lang="en"' in switched.text
    assert "Findings" in switched.text
    assert 'lang="en"' in browser.get(f"/s/{DEMO}/approvals").text  # the choice is kept


def test_only_an_agency_token_is_bound_to_several_stores(web: WebApp) -> None:
    from shopkeeper.api.tokens import create_token, verify_token
    from shopkeeper.errors import ConfigError

    engine = web.client.app.state.services.engine  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="only an agency token"):
        create_token(engine, DEMO, "owner", stores=[OTHER])
    made = create_token(engine, DEMO, "agency", stores=[OTHER, DEMO])
    info = verify_token(engine, made.token)
    assert info is not None
    assert sorted(info.stores) == [DEMO, OTHER]
    assert info.for_store("third") is None
    assert info.for_store(OTHER).store == OTHER  # type: ignore[union-attr]


def test_token_create_agency_from_the_cli(web: WebApp) -> None:
    from typer.testing import CliRunner

    from shopkeeper.cli.main import app

    made = CliRunner().invoke(
        app,
        [
            "token",
            "create",
            "--store",
            DEMO,
            "--also",
            OTHER,
            "--role",
            "agency",
            "--format",
            "json",
        ],
        env={"SHOPKEEPER_HOME": str(web.settings.home)},
    )
    assert made.exit_code == 0, made.output
    assert sorted(json.loads(made.stdout)["stores"]) == [DEMO, OTHER]
    missing = CliRunner().invoke(
        app,
        ["token", "create", "--store", DEMO, "--also", "nowhere", "--role", "agency"],
        env={"SHOPKEEPER_HOME": str(web.settings.home)},
    )
    assert missing.exit_code != 0
