"""The widget script and the agents' console: rendered HTML, the console's forms, and (when
Debian's chromium is installed) screenshots of both pages served by a real uvicorn server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.responses import HTMLResponse

from .cs_fake import ORIGIN, STORE, CsApp, auth, cs_app, csrf

URL = f"/v1/stores/{STORE}/cs"


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CsApp]:
    with cs_app(tmp_path_factory.mktemp("sk-cs-pages")) as made:
        staff = auth(made.tokens["cs"])
        for conv, customer, texts in (
            ("pg-1", "buyer-1", ["挂耳咖啡一包多少克？", "我要退货", "转人工"]),
            ("pg-2", "buyer-2", ["冷萃咖啡有现货吗"]),
        ):
            for text in texts:
                body = {"conversation_id": conv, "customer_id": customer, "text": text}
                made.client.post(f"{URL}/messages", json=body, headers=staff)
        yield made


def test_widget_script_is_served_from_the_package(cs: CsApp) -> None:
    r = cs.client.get(f"/widget/{STORE}.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert 'var SK_STORE = "demo";' in r.text
    assert "/cs/ws?" in r.text  # WebSocket first
    assert "/cs/messages" in r.text  # HTTP fallback
    assert "在线客服" in r.text
    assert "Customer service" in r.text  # both languages
    assert cs.client.get("/static/cs/cs-widget.css").status_code == 200
    evil = cs.client.get('/widget/x"<b>.js')
    assert "<b>" not in evil.text  # the store name is escaped


def test_widget_host_page(cs: CsApp) -> None:
    r = cs.client.get(f"/widget/{STORE}", params={"key": "wk_x", "customer_id": "b1", "lang": "en"})
    assert r.status_code == 200
    assert f'src="/widget/{STORE}.js"' in r.text
    assert 'data-key="wk_x"' in r.text
    assert "http://" not in r.text.replace("http://testserver", "")  # no CDN


def test_console_asks_for_a_token_then_shows_queue_conversation_and_suggestions(
    cs: CsApp,
) -> None:
    c = cs.client
    login = c.get(f"/console/{STORE}")
    assert login.status_code == 200
    assert 'name="token"' in login.text
    bad = c.post(f"/console/{STORE}/login", data={"token": cs.tokens["widget"]}, headers=ORIGIN)
    assert (
        "error=1" in bad.url.query.decode()
        if isinstance(bad.url.query, bytes)
        else "error=1" in str(bad.url)
    )
    page = c.post(f"/console/{STORE}/login", data={"token": cs.tokens["cs"]}, headers=ORIGIN)
    assert page.status_code == 200
    assert "待人工" in page.text
    assert "buyer-1" in page.text
    page = c.get(f"/console/{STORE}", params={"c": "pg-1"})
    assert "我要退货" in page.text  # the conversation
    assert "买家要求人工" in page.text  # the handoff summary
    assert "采用" in page.text
    assert "拒绝" in page.text
    assert "亲，已为您加急处理" in page.text  # suggestions
    edit = c.get(f"/console/{STORE}", params={"c": "pg-1", "edit": "s2"})
    assert "亲，稍等，我帮您查一下物流。</textarea>" in edit.text
    panel = c.get(f"/console/{STORE}/panel", params={"c": "pg-1"})
    assert panel.status_code == 200
    assert "我要退货" in panel.text
    # the JSON route and the page show the same queue
    queue = c.get(f"{URL}/queue", headers=auth(cs.tokens["cs"])).json()
    assert all(q["customer_id"] in page.text for q in queue)


def test_console_speaks_the_agents_language_only(cs: CsApp) -> None:
    c = cs.client
    c.post(f"/console/{STORE}/login", data={"token": cs.tokens["cs"]}, headers=ORIGIN)
    zh = c.get(f"/console/{STORE}", params={"c": "pg-1"}).text  # the store's language
    en = c.get(f"/console/{STORE}", params={"c": "pg-1", "lang": "en"}).text
    panel = c.get(f"/console/{STORE}/panel", params={"c": "pg-1", "lang": "en"}).text
    for label in ("待人工", "进行中", "建议回复", "采用", "交还机器人", "机器人 ·"):
        assert label in zh
        assert label not in en
        assert label not in panel
    for label in ("Handed off", "Live", "Suggested replies", "Adopt", "Release to the bot"):
        assert label in en
        assert label not in zh
    assert "Agent console" not in zh
    assert "客服工作台" not in en
    assert "return_refund" not in zh
    assert "handoff</span>" not in zh
    queue = c.get(f"{URL}/queue", headers=auth(cs.tokens["cs"])).json()
    assert all(q["last_message"] in zh for q in queue)  # each one's last message, previewed
    assert "Log out" in en
    assert "退出" in zh


def test_console_actions_record_outcomes_and_reply(cs: CsApp) -> None:
    c = cs.client
    page = c.post(f"/console/{STORE}/login", data={"token": cs.tokens["owner"]}, headers=ORIGIN)
    token = csrf(page.text)
    before = len(cs.engine.outcomes)
    sent = c.post(
        f"/console/{STORE}/reply",
        data={
            "c": "pg-1",
            "text": "亲，已为您加急处理，今天内发出！",
            "suggestion_id": "s1",
            "original": "亲，已为您加急处理，今天内发出。",
            "csrf": token,
        },
        headers=ORIGIN,
    )
    assert sent.status_code == 200
    assert cs.engine.outcomes[before][1:] == ("s1", "edited", "亲，已为您加急处理，今天内发出！")
    c.post(
        f"/console/{STORE}/suggestions/s2/reject",
        data={"c": "pg-1", "csrf": token},
        headers=ORIGIN,
    )
    assert cs.engine.outcomes[-1][1:3] == ("s2", "rejected")
    view = c.get(f"{URL}/conversations/pg-1", headers=auth(cs.tokens["cs"])).json()
    assert view["messages"][-1]["role"] == "human"
    c.post(f"/console/{STORE}/release", data={"c": "pg-1", "csrf": token}, headers=ORIGIN)
    assert cs.engine.conversations[(STORE, "pg-1")].state == "bot"
    c.post(f"/console/{STORE}/logout", data={"csrf": token}, headers=ORIGIN)
    assert 'name="token"' in c.get(f"/console/{STORE}").text


# ── screenshots in headless chromium ──────────────────────────────────────────────────────────

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(cs: CsApp) -> Iterator[str]:
    """The same app behind a real uvicorn server on loopback (WebSocket included)."""
    app = cs.client.app
    token = cs.tokens["cs"]

    @app.get("/test-login", response_class=HTMLResponse, include_in_schema=False)  # type: ignore[attr-defined,misc]
    def test_login(c: str = "") -> str:  # same-origin, so the console's same-site cookie is kept
        return (
            f'<form id="f" method="post" action="/console/{STORE}/login">'
            f'<input name="token" value="{token}"><input name="c" value="{c}"></form>'
            '<script>document.getElementById("f").submit()</script>'
        )

    @app.get("/test-chat", response_class=HTMLResponse, include_in_schema=False)  # type: ignore[attr-defined,misc]
    def test_chat() -> str:  # the widget, live: a buyer types and sends two messages
        key = cs.tokens["widget"]
        return (
            f'<body style="background:#f6f4ef"><script src="/widget/{STORE}.js" data-key="{key}" '
            'data-customer-id="buyer-live" data-conversation-id="live-1" data-open="1"></script>'
            "<script>function say(t){var i=document.querySelector('.skw-input');i.value=t;"
            "document.querySelector('.skw-form').requestSubmit();}"
            "setTimeout(function(){say('挂耳咖啡一包多少克？')},600);"
            "setTimeout(function(){say('我要退货')},1400);</script></body>"
        )

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def screenshot(url: str, out: Path, size: str = "1280,800") -> None:
    assert CHROMIUM
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size}",
            "--virtual-time-budget=4000",
            f"--screenshot={out}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert out.stat().st_size > 10_000  # a real picture, not a blank page


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (under CI=true this test never skips)",
)
def test_pages_in_headless_chromium(cs: CsApp, served: str, tmp_path: Path) -> None:
    out = Path(os.environ.get("SK_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    key = cs.tokens["widget"]
    screenshot(
        f"{served}/widget/{STORE}?key={key}&customer_id=buyer-1&conversation_id=pg-1&open=1",
        out / "widget.png",
        "900,700",
    )
    screenshot(f"{served}/test-chat", out / "widget-live.png", "600,700")
    screenshot(f"{served}/console/{STORE}", out / "console-login.png")
    screenshot(f"{served}/test-login", out / "console-queue.png")
    screenshot(f"{served}/test-login?c=pg-1", out / "console.png", "1280,860")
    screenshot(f"{served}/test-login?c=pg-1", out / "console-390.png", "390,844")
