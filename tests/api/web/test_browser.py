"""The web app in a real browser: Debian's chromium driven by Playwright (never downloaded).

Logs in, opens every core page at 1280 and 390 px (no console error, no horizontal overflow on
the phone), approves an action and sees its audit line, dismisses a finding, asks the team and sees
the streamed answer. Screenshots go to ``$SHOPKEEPER_SCREENSHOTS`` (default: a temporary folder).
Without chromium or Playwright the tests skip — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from shopkeeper.api.app import create_app

from .conftest import DEMO, OTHER, WebApp, propose_price_change, registry

CHROMIUM = os.environ.get("SHOPKEEPER_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (1280, 390)

pytestmark = pytest.mark.slow


def _need_browser() -> Any:
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed (pip install -e '.[test]')"
    if missing is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests never skip under CI: {missing}")
        pytest.skip(missing)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web: WebApp) -> Iterator[str]:
    """The app served over HTTP on a free local port (its own process-wide lifespan)."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(web.settings, registry=registry()),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    web.client.post(
        f"/v1/stores/{DEMO}/today/refresh",
        headers={"Authorization": f"Bearer {web.tokens['owner']}"},
    )
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless."""
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go."""
    chosen = os.environ.get("SHOPKEEPER_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Tab:
    """A page of the browser that records console errors."""

    def __init__(self, browser: Any, base: str, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base, self.width = base, width
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def login(self, token: str) -> None:
        self.page.goto(self.base + "/login")
        self.page.get_by_label("访问令牌").fill(token)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_load_state()

    def open(self, path: str, shots: Path, name: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        self.check(shots, name)

    def check(self, shots: Path, name: str) -> None:
        self.page.screenshot(path=str(shots / f"{name}-{self.width}.png"), full_page=True)
        assert not self.errors, f"console errors on {name}: {self.errors}"
        if self.width <= 400:
            wide = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert wide <= 0, f"{name} overflows a {self.width} px screen by {wide} px"

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_core_page_at_both_widths(
    server: str, browser: Any, web: WebApp, shots: Path, width: int
) -> None:
    tab = Tab(browser, server, width)
    tab.login(web.tokens["owner"])
    assert tab.page.url.endswith(f"/s/{DEMO}/today")
    tab.check(shots, "today")
    for path in ("findings", "approvals", "ask"):
        tab.open(f"/s/{DEMO}/{path}", shots, path)
    tab.open(f"/s/{DEMO}/today?lang=en", shots, "today-en")
    tab.close()
    agency = Tab(browser, server, width)
    agency.login(web.tokens["agency"])
    agency.check(shots, "stores")
    agency.open(f"/s/{OTHER}/today", shots, "today-other")
    agency.close()


def test_approve_and_see_the_audit_line(
    server: str, browser: Any, web: WebApp, shots: Path
) -> None:
    action_id = propose_price_change(web)
    tab = Tab(browser, server, 390)
    tab.login(web.tokens["owner"])
    tab.open(f"/s/{DEMO}/approvals", shots, "approvals-pending")
    item = tab.page.locator("li.approval", has_text="改价").first
    item.get_by_role("button", name="批准").click()
    tab.page.wait_for_load_state()
    assert "已批准" in tab.page.locator(".flash").inner_text()
    line = tab.page.locator("ul.audit li", has_text=action_id).filter(has_text="action.executed")
    assert line.count() == 1
    tab.check(shots, "approvals-done")
    tab.close()


def test_dismiss_a_finding(server: str, browser: Any, web: WebApp, shots: Path) -> None:
    tab = Tab(browser, server, 390)
    tab.login(web.tokens["owner"])
    tab.open(f"/s/{DEMO}/findings?status=new", shots, "findings-new")
    form = tab.page.locator("form.dismiss").first
    form.get_by_role("textbox").fill("活动期间，正常")
    form.get_by_role("button", name="忽略").click()
    tab.page.wait_for_load_state()
    assert "已忽略" in tab.page.locator(".flash").inner_text()
    tab.check(shots, "findings-dismissed")
    tab.close()


def test_ask_and_see_the_streamed_answer(
    server: str, browser: Any, web: WebApp, shots: Path
) -> None:
    tab = Tab(browser, server, 390)
    tab.login(web.tokens["owner"])
    tab.open(f"/s/{DEMO}/ask", shots, "ask-empty")
    tab.page.get_by_role("textbox").fill("昨天卖了多少？")
    tab.page.get_by_role("button", name="发送").click()
    done = tab.page.locator(".bubble.a[data-done=true]")
    done.wait_for(timeout=60_000)
    assert done.locator(".answer").inner_text().strip()
    done.locator("details.steps > summary").click()
    assert "c=" in tab.page.url
    tab.check(shots, "ask-answered")
    tab.page.reload()
    assert tab.page.locator("ul.plain a[aria-current=page]").count() == 1  # listed as past
    tab.close()
