"""The Reports, Schedules, Memory, Customer service, Data and Settings pages in a real browser
(Debian's chromium through Playwright): each at 1280 and 390 px without a console error or a
horizontal overflow on the phone, and a broken export uploaded through the Data page's script
ends in the quarantine. Skips without a browser — never under ``CI=true`` (see test_browser).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from shopkeeper.api.app import create_app

from . import test_browser as core
from .conftest import DEMO, OTHER, WebApp, registry
from .test_owner_pages import broken_zip

browser = core.browser  # the same fixtures as the core pages' browser tests
shots = core.shots
Tab, WIDTHS = core.Tab, core.WIDTHS

pytestmark = pytest.mark.slow

PAGES = ("reports", "schedules", "memory", "cs", "data", "settings")


@pytest.fixture(scope="module")
def with_content(web: WebApp) -> Iterator[str]:
    """The app served over HTTP, with something on every page: an archived report, a schedule
    with a failed run, a memory.
    """
    owner = {"Authorization": f"Bearer {web.tokens['owner']}"}
    v1 = f"/v1/stores/{DEMO}"
    web.client.post(f"{v1}/reports", json={"kind": "daily", "role": "owner"}, headers=owner)
    job = {"kind": "report", "period": "daily", "role": "owner"}
    for target in ("file:reports", "email:boss@example.com"):
        made = web.client.post(
            f"{v1}/schedules",
            json={"cron": "0 8 * * *", "job": job, "deliver": target},
            headers=owner,
        ).json()
        web.client.post(f"{v1}/schedules/{made['schedule_id']}/test", headers=owner)
    web.client.post(
        f"{v1}/memory", json={"text": "不做低于5折的促销", "kind": "rule"}, headers=owner
    )
    port = core._free_port()
    app = create_app(web.settings, registry=registry())
    running = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_owner_page_at_both_widths(
    with_content: str,
    browser: Any,
    web: WebApp,
    shots: Path,
    width: int,
) -> None:
    tab = Tab(browser, with_content, width)
    tab.login(web.tokens["owner"])
    for name in PAGES:
        tab.open(f"/s/{DEMO}/{name}", shots, name)
    tab.open(f"/s/{DEMO}/schedules?cron=30+7+*+*+1-5&lang=en", shots, "schedules-en")
    tab.open(f"/s/{DEMO}/settings?lang=en", shots, "settings-en")
    tab.close()


def test_upload_a_broken_export_and_see_the_quarantine(
    with_content: str,
    browser: Any,
    web: WebApp,
    shots: Path,
    tmp_path: Path,
) -> None:
    upload = tmp_path / "export.zip"
    upload.write_bytes(broken_zip(tmp_path / "export"))
    tab = Tab(browser, with_content, 390)
    tab.login(web.tokens["agency"])
    tab.open(f"/s/{OTHER}/data", shots, "data-before")
    tab.page.set_input_files("#zip", str(upload))
    tab.page.locator("#upload button[type=submit]").click()
    tab.page.wait_for_function(
        "location.search.includes('job=') || !!document.querySelector('#stage.error')",
        timeout=60_000,
    )
    assert "job=" in tab.page.url, tab.page.locator("#stage").inner_text()
    tab.page.wait_for_load_state("networkidle")
    rows = tab.page.locator("#quarantine tbody tr")
    assert rows.count() == 1
    assert "orders.csv" in rows.first.inner_text()
    assert "status" in rows.first.inner_text()
    tab.check(shots, "data-quarantine")
    tab.close()
