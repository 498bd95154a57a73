"""The core pages show what the JSON twins say: Today from the recorded inspection and report,
findings dismissed and acted on, approvals approved with their audit line, the team asked with the
answer streamed."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.web.core import Page
from shopkeeper.text import money

from .conftest import DEMO, ORIGIN, WebApp, propose_price_change


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def refreshed(web: WebApp) -> WebApp:
    """The demo store after one "refresh" (inspection recorded, daily report archived)."""
    reply = web.client.post(f"/v1/stores/{DEMO}/today/refresh", headers=bearer(web.tokens["owner"]))
    assert reply.status_code == 200, reply.text
    return web


def test_today_reads_what_was_recorded_never_recomputes(refreshed: WebApp) -> None:
    web = refreshed
    owner = bearer(web.tokens["owner"])
    view = web.client.get(f"/v1/stores/{DEMO}/today", headers=owner).json()
    assert view["inspected_day"]
    assert view["report"] is not None
    again = web.client.get(f"/v1/stores/{DEMO}/today", headers=owner).json()
    assert again["report_entry"] == view["report_entry"]  # the same archived report, not rebuilt
    browser, _ = web.login("owner")
    page = browser.get(f"/s/{DEMO}/today")
    assert page.status_code == 200
    gmv = next(k for k in view["report"]["kpis"] if k["key"] == "gmv")
    assert money(gmv["value"], "CNY", "zh", digits=None) in page.text
    for problem in view["top"]:
        assert problem["finding"]["title"] in page.text


def test_the_stores_page_matches_the_overview(refreshed: WebApp) -> None:
    web = refreshed
    card = web.client.get(
        f"/v1/stores/{DEMO}/overview", headers=bearer(web.tokens["agency"])
    ).json()
    assert card["gmv"] is not None
    assert card["last_import"] is not None
    browser, _ = web.login("agency")
    page = browser.get("/").text
    assert money(card["gmv"], card["currency"], "zh", digits=None) in page


def test_dismissing_a_finding_hides_it_from_open_ones(refreshed: WebApp) -> None:
    web = refreshed
    owner = bearer(web.tokens["owner"])
    found = web.client.get(
        f"/v1/stores/{DEMO}/findings", headers=owner, params={"status": "new"}
    ).json()
    key = found["problems"][-1]["key"]
    browser, token = web.login("owner")
    done = browser.post(
        f"/s/{DEMO}/findings/dismiss",
        data={"csrf": token, "key": key, "reason": "清仓中"},
        headers=ORIGIN,
    )
    assert done.status_code == 200
    assert "已忽略" in done.text
    after = web.client.get(
        f"/v1/stores/{DEMO}/findings", headers=owner, params={"status": "dismissed"}
    ).json()
    assert key in [p["key"] for p in after["problems"]]
    shown = browser.get(f"/s/{DEMO}/findings", params={"status": "dismissed"}).text
    assert "清仓中" in shown
    history = browser.get(f"/s/{DEMO}/findings", params={"open": key})
    assert history.status_code == 200
    assert 'id="history"' in history.text


def test_approving_from_the_inbox_runs_it_and_writes_the_audit_line(refreshed: WebApp) -> None:
    web = refreshed
    action_id = propose_price_change(web)
    browser, token = web.login("owner")
    inbox = browser.get(f"/s/{DEMO}/approvals").text
    assert action_id in inbox
    done = browser.post(
        f"/s/{DEMO}/approvals/{action_id}/approve", data={"csrf": token}, headers=ORIGIN
    )
    assert done.status_code == 200
    assert "action.executed" in done.text
    assert action_id in done.text
    trail = web.client.get(
        f"/v1/stores/{DEMO}/audit",
        headers=bearer(web.tokens["owner"]),
        params={"action_id": action_id},
    ).json()
    assert trail[-1]["event"] == "action.executed"
    assert trail[-2]["actor"].startswith("api:owner:")
    again = browser.post(
        f"/s/{DEMO}/approvals/{action_id}/approve", data={"csrf": token}, headers=ORIGIN
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("text/html")  # a page, one sentence
    assert "not pending" in again.text
    assert "Traceback" not in again.text


def test_rejecting_keeps_the_note(refreshed: WebApp) -> None:
    web = refreshed
    action_id = propose_price_change(web)
    browser, token = web.login("owner")
    done = browser.post(
        f"/s/{DEMO}/approvals/{action_id}/reject",
        data={"csrf": token, "note": "too steep"},
        headers=ORIGIN,
    )
    assert done.status_code == 200
    assert "too steep" in done.text


def _events(body: str) -> list[tuple[str, dict[str, object]]]:
    frames = []
    for frame in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines())
        frames.append((lines["event"], json.loads(lines["data"])))
    return frames


def test_asking_streams_the_answer_and_files_the_conversation(refreshed: WebApp) -> None:
    web = refreshed
    owner = bearer(web.tokens["owner"])
    with web.client.stream(
        "POST",
        f"/v1/stores/{DEMO}/ask",
        json={"question": "昨天卖了多少？"},
        headers=owner | {"Accept": "text/event-stream"},
    ) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = _events("".join(reply.iter_text()))
    kinds = [k for k, _ in events]
    assert kinds[0] == "start"
    assert "text" in kinds
    assert kinds[-1] == "done"
    conversation = events[0][1]["conversation_id"]
    done = events[-1][1]
    assert done["run"]["steps"]
    assert done["conversation_id"] == conversation
    plain = web.client.post(
        f"/v1/stores/{DEMO}/ask",
        json={"question": "有哪些库存风险？", "conversation_id": conversation},
        headers=owner,
    )
    assert plain.status_code == 200
    assert plain.json()["answer"]
    listed = web.client.get(f"/v1/stores/{DEMO}/conversations", headers=owner).json()
    assert listed[0]["conversation_id"] == conversation
    assert listed[0]["turns"] == 2
    browser, token = web.login("owner")
    with browser.stream(
        "POST",
        f"/s/{DEMO}/ask/stream",
        data={"csrf": token, "question": "昨天卖了多少？"},
        headers=ORIGIN,
    ) as page_reply:
        assert [k for k, _ in _events("".join(page_reply.iter_text()))][-1] == "done"
    page = browser.get(f"/s/{DEMO}/ask", params={"c": conversation})
    assert "有哪些库存风险？" in page.text


def test_page_formats_money_in_the_store_currency() -> None:
    page = Page.__new__(Page)
    page.lang, page.currency = "en", "USD"
    assert page.money(1234.5) == "$1,234.50"
    assert TestClient  # imported for the fixtures' types


def test_a_crafted_notice_link_shows_nothing(web: WebApp) -> None:
    browser, _ = web.login("owner")
    crafted = browser.get(f"/s/{DEMO}/today?flash=Your+account+is+locked:+call+400-123")
    assert "account is locked" not in crafted.text
    forged = browser.get(f"/s/{DEMO}/today?flash=Locked&fs=0123456789abcdef0123456789abcdef")
    assert 'class="flash' not in forged.text or "Locked" not in forged.text
