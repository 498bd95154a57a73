"""Every request needs a live token of that store; roles narrow areas, skills and actions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.auth import GRANTS
from shopkeeper.api.tokens import create_token, revoke_token, verify_token
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

from .conftest import bearer


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "send Authorization: Bearer"),
        ({"Authorization": "Bearer sk_000000000000_nope"}, "unknown or revoked token"),
        ({"Authorization": "Bearer garbage"}, "unknown or revoked token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "send Authorization: Bearer"),
    ],
)
def test_no_valid_token_is_401(client: TestClient, headers: dict[str, str], detail: str) -> None:
    for method, path in (("get", "skills"), ("get", "approvals"), ("post", "memory")):
        reply = client.request(method, f"/v1/stores/demo/{path}", headers=headers, json={})
        assert reply.status_code == 401, (path, reply.text)
        assert reply.json()["error"] == "Unauthorized"
        assert detail in reply.json()["detail"]
        assert reply.headers["www-authenticate"] == "Bearer"


def test_a_tampered_secret_is_401(client: TestClient, tokens: dict[str, str]) -> None:
    token = tokens["owner"]
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/v1/stores/demo/skills", headers=bearer(wrong)).status_code == 401


def test_another_stores_path_is_403_whether_it_exists_or_not(
    client: TestClient, tokens: dict[str, str]
) -> None:
    replies = [
        client.get(f"/v1/stores/{store}/approvals", headers=bearer(tokens["owner"]))
        for store in ("other", "no-such-store")
    ]
    assert [r.status_code for r in replies] == [403, 403]
    assert replies[0].json() == replies[1].json()  # the store's existence is not revealed
    other = client.get("/v1/stores/demo/skills", headers=bearer(tokens["other-owner"]))
    assert other.status_code == 403


def test_revoked_token_is_401(client: TestClient, api_home: Settings) -> None:
    engine = ops_engine(api_home)
    new = create_token(engine, "demo", "ops", label="temp")
    assert client.get("/v1/stores/demo/me", headers=bearer(new.token)).json()["role"] == "ops"
    revoke_token(engine, new.token_id)
    assert verify_token(engine, new.token) is None
    assert client.get("/v1/stores/demo/me", headers=bearer(new.token)).status_code == 401


@pytest.mark.parametrize(
    ("role", "area", "code"),
    [
        ("ops", "memory", 200),
        ("ops", "schedules", 200),
        ("ads", "memory", 403),
        ("ads", "schedules", 403),
        ("ads", "approvals", 200),
        ("cs", "approvals", 403),
        ("cs", "memory", 403),
        ("cs", "audit", 403),
        ("cs", "skills", 200),
    ],
)
def test_roles_grant_areas(
    client: TestClient, tokens: dict[str, str], role: str, area: str, code: int
) -> None:
    reply = client.get(f"/v1/stores/demo/{area}", headers=bearer(tokens[role]))
    assert reply.status_code == code, reply.text
    if code == 403:
        assert reply.json() == {"error": "Forbidden", "detail": f"role {role!r} may not use {area}"}


def test_roles_narrow_skills(client: TestClient, tokens: dict[str, str]) -> None:
    def names(role: str) -> set[str]:
        reply = client.get("/v1/stores/demo/skills", headers=bearer(tokens[role]))
        return {s["name"] for s in reply.json()}

    assert names("owner") == names("ops")
    assert {"sales_summary", "store_overview"} <= names("ads") <= names("owner")
    assert names("cs") == {s for s in names("owner") if "cs" in _tags(client, tokens, s)}
    for name in names("owner") - names("cs"):
        reply = client.post(f"/v1/stores/demo/skills/{name}", headers=bearer(tokens["cs"]), json={})
        assert reply.status_code == 403, name
        assert reply.json()["detail"] == f"role 'cs' may not use the skill {name!r}"


def _tags(client: TestClient, tokens: dict[str, str], name: str) -> list[str]:
    listed = client.get("/v1/stores/demo/skills", headers=bearer(tokens["owner"])).json()
    tags: list[str] = next(s["tags"] for s in listed if s["name"] == name)
    return tags


def test_me_shows_the_grant(client: TestClient, tokens: dict[str, str]) -> None:
    me = client.get("/v1/stores/demo/me", headers=bearer(tokens["ads"])).json()
    assert me["role"] == "ads"
    assert me["actions"] == sorted(GRANTS["ads"].actions or ())
    assert me["actions"] == ["change_bid", "change_budget", "pause_campaign"]
    assert (
        client.get("/v1/stores/demo/me", headers=bearer(tokens["owner"])).json()["actions"] is None
    )


def test_only_a_hash_is_stored(api_home: Settings, tokens: dict[str, str]) -> None:
    dump = b"".join(p.read_bytes() for p in api_home.home.glob("ops.sqlite*"))
    for token in tokens.values():
        assert token.encode() not in dump
