"""What keeps the web app fast and light (issue 15's speed bar, measured by bench/bench_web.py):
answers that scan the warehouse are kept until the next import, pages go gzip-compressed, the
static files they load are versioned and cached, and a page's first load stays under 300 KB.
Also who adds a store: an agency, never an owner (GRANTS)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api import data as data_api
from shopkeeper.api.web.i18n import NAV
from shopkeeper.inspection.tables import table_coverage
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.memo import ImportMemo, import_key
from shopkeeper.store.warehouse import Warehouse, store_dir

from ...store.corpus import write_store
from .conftest import DEMO, WebApp

PAGES = tuple(item.path for item in NAV)
ASSET = re.compile(r"""<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/[^"]+)\"""")
FIRST_LOAD_BUDGET = 300_000


def test_coverage_is_computed_once_per_import(web: WebApp, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted(wh: Warehouse) -> object:
        calls.append("scan")
        return table_coverage(wh)

    monkeypatch.setattr(data_api, "table_coverage", counted)
    browser, _ = web.login("owner")
    for _ in range(3):
        assert browser.get(f"/s/{DEMO}/data").status_code == 200
    answer = browser.get(f"/v1/stores/{DEMO}/data/coverage", headers=_bearer(web, "owner"))
    assert answer.status_code == 200
    assert len(calls) <= 1  # at most the first view after the import reads every row
    assert {c["table"] for c in answer.json()} >= {"orders", "order_items"}


def test_a_new_import_is_a_new_key(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    folder = write_store(tmp_path / "store")
    import_store(folder, "shop", settings=settings)
    memo = ImportMemo()
    with Warehouse.open(store_dir(settings, "shop"), read_only=True) as wh:
        first = import_key(wh.con)
        assert memo.get(("shop", "coverage"), first, lambda: "one") == "one"
        assert memo.get(("shop", "coverage"), import_key(wh.con), lambda: "two") == "one"
    import_store(folder, "shop", settings=settings)
    with Warehouse.open(store_dir(settings, "shop"), read_only=True) as wh:
        second = import_key(wh.con)
    assert second != first
    assert memo.get(("shop", "coverage"), second, lambda: "two") == "two"
    assert memo.get(("other", "coverage"), second, lambda: "three") == "three"


def test_pages_go_compressed_and_their_files_are_cached(web: WebApp) -> None:
    browser, _ = web.login("owner")
    page = browser.get(f"/s/{DEMO}/findings", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assets = ASSET.findall(page.text)
    assert assets
    assert all(re.search(r"\?v=[0-9a-f]{10}$", a) for a in assets), assets
    for url in assets:
        served = browser.get(url)
        assert served.status_code == 200
        assert "immutable" in served.headers["cache-control"]
    plain = browser.get("/static/web/app.css")
    assert plain.headers["cache-control"] == "no-cache"  # no version named: revalidate


def test_every_page_first_load_stays_under_300_kb(web: WebApp) -> None:
    browser, _ = web.login("owner")
    for name in PAGES:
        url = f"/s/{DEMO}/{name}"
        html = browser.get(url).text
        total = sum(_sent(browser, u) for u in [url, *dict.fromkeys(ASSET.findall(html))])
        assert total < FIRST_LOAD_BUDGET, (name, total)


def test_an_agency_adds_a_store_an_owner_does_not(web: WebApp) -> None:
    agency, _ = web.login("agency")
    home = agency.get("/")
    assert 'action="/stores/new"' in home.text
    added = agency.get("/stores/new?name=tea-shop", follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == "/s/tea-shop/data"
    assert agency.get(added.headers["location"]).status_code == 200
    known = agency.get(f"/stores/new?name={DEMO}", follow_redirects=False)
    assert known.headers["location"] == f"/s/{DEMO}"
    bad = agency.get("/stores/new?name=..bad&lang=en")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "is not allowed" in bad.text
    owner, _ = web.login("owner")
    assert owner.get("/", follow_redirects=False).status_code == 303  # straight to its store
    refused = owner.get("/stores/new?name=tea-shop&lang=en")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")  # a page, one sentence
    assert "takes an agency token" in refused.text
    assert "Traceback" not in refused.text
    assert owner.get("/s/tea-shop/data").status_code == 404


def test_an_agency_of_one_store_sees_its_stores_page(web: WebApp) -> None:
    from shopkeeper.api.tokens import create_token
    from shopkeeper.opsdb import ops_engine

    engine = ops_engine(web.settings)
    token = create_token(engine, DEMO, "agency").token
    engine.dispose()
    browser = TestClient(web.client.app)
    done = browser.post("/login", data={"token": token}, headers={"Origin": "http://testserver"})
    assert done.status_code == 200
    assert 'action="/stores/new"' in done.text  # not sent to the store: it may add one


def test_an_agency_adds_a_store_over_the_json_route_too(web: WebApp, tmp_path: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in write_store(tmp_path / "export").iterdir():
            zipped.write(path, path.name)
    upload = {"files": ("export.zip", archive.getvalue(), "application/zip")}
    url = "/v1/stores/json-shop/data/imports"
    refused = web.client.post(url, files=upload, headers=_bearer(web, "owner"))
    assert refused.status_code == 403  # an owner's token belongs to its one store
    bad = web.client.post(
        "/v1/stores/..x/data/imports", files=upload, headers=_bearer(web, "agency")
    )
    assert bad.status_code in (403, 404, 422)
    started = web.client.post(url, files=upload, headers=_bearer(web, "agency"))
    assert started.status_code == 202, started.text
    job = started.json()
    for _ in range(300):
        job = web.client.get(f"{url}/{job['job_id']}", headers=_bearer(web, "agency")).json()
        if job["status"] != "running":
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    me = web.client.get("/v1/stores/json-shop/me", headers=_bearer(web, "agency")).json()
    assert "json-shop" in me["stores"]
    again = web.client.post(url, files=upload, headers=_bearer(web, "other-owner"))
    assert again.status_code == 403  # now an existing store: not another's to import into


def _bearer(web: WebApp, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {web.tokens[role]}"}


def _sent(browser: TestClient, url: str) -> int:
    """Bytes of ``url`` as sent to a browser that accepts gzip (body and headers)."""
    answer = browser.get(url, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200, url
    return answer.num_bytes_downloaded + sum(len(k) + len(v) + 4 for k, v in answer.headers.items())
