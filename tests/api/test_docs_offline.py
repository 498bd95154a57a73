"""/docs and /redoc work offline: every asset they reference is served by the app itself."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_reference_no_external_url_and_assets_are_served(
    client: TestClient, page: str
) -> None:
    html = client.get(page)
    assert html.status_code == 200
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html.text)
    refs += re.findall(r"""(?:url|spec-url)\s*[:=]\s*["']([^"']+)["']""", html.text)
    assert refs, html.text
    assert not [r for r in refs if re.match(r"(https?:)?//", r)], refs
    for ref in refs:
        served = client.get(ref)
        assert served.status_code == 200, ref
        assert served.content, ref
    assert "cdn" not in html.text.lower()
    assert "fonts.googleapis" not in html.text


def test_vendored_assets_ship_their_licenses(client: TestClient) -> None:
    for path in ("swagger-ui/LICENSE", "redoc/LICENSE"):
        assert client.get(f"/static/vendor/{path}").status_code == 200


def test_the_schema_the_pages_load_lists_the_owner_app_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/stores/{store}/reports",
        "/v1/stores/{store}/schedules/{schedule_id}/test",
        "/v1/stores/{store}/data/imports",
        "/v1/stores/{store}/data/coverage",
        "/v1/stores/{store}/settings/llm",
        "/v1/stores/{store}/cs/day",
    ):
        assert path in paths, path
