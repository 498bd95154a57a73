"""The Reports, Schedules, Memory, Customer service, Data and Settings pages: each shows what its
JSON twin says, its forms need the session's CSRF token, and each role sees only its areas."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from shopkeeper.settings import LLM_FILE

from ...store.corpus import ORDERS, csv_bytes, with_rows, write_store
from .conftest import DEMO, ORIGIN, WebApp

PAGES = ("reports", "schedules", "memory", "cs", "data", "settings")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_opens_in_both_languages(web: WebApp, lang: str) -> None:
    browser, _ = web.login("owner")
    for name in PAGES:
        page = browser.get(f"/s/{DEMO}/{name}?lang={lang}")
        assert page.status_code == 200, (name, page.text[:500])
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page.text
    assert "生成" in browser.get(f"/s/{DEMO}/reports?lang=zh").text
    assert "Build now" in browser.get(f"/s/{DEMO}/reports?lang=en").text


@pytest.mark.parametrize(
    ("role", "refused"),
    [
        ("ops", ("cs", "settings")),
        ("ads", ("schedules", "memory", "cs", "data", "settings")),
        ("cs", ("schedules", "memory", "data", "settings")),
    ],
)
def test_each_role_sees_only_its_areas(web: WebApp, role: str, refused: tuple[str, ...]) -> None:
    browser, _ = web.login(role)
    for name in PAGES:
        code = browser.get(f"/s/{DEMO}/{name}").status_code
        assert code == (403 if name in refused else 200), (role, name)
    nav = browser.get(f"/s/{DEMO}/reports").text
    for name in refused:
        assert f'href="/s/{DEMO}/{name}"' not in nav


def test_forms_need_the_csrf_token(web: WebApp) -> None:
    browser, _ = web.login("owner")
    for path, data in (
        ("memory/add", {"text": "不做低于5折的促销"}),
        ("schedules/add", {"cron": "0 8 * * *", "job": "inspect", "deliver": "file:x"}),
        ("settings/tokens", {"role": "cs"}),
    ):
        answer = browser.post(
            f"/s/{DEMO}/{path}", data=data, headers=ORIGIN, follow_redirects=False
        )
        assert answer.status_code == 403, path


def test_reports_page_builds_opens_and_exports(web: WebApp) -> None:
    browser, token = web.login("owner")
    built = browser.post(
        f"/s/{DEMO}/reports/build",
        data={"csrf": token, "kind": "daily", "role": "owner"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert built.status_code == 303
    page = browser.get(built.headers["location"])
    listed = web.client.get(f"/v1/stores/{DEMO}/reports", headers=bearer(web.tokens["owner"]))
    newest = listed.json()[0]
    opened = web.client.get(
        f"/v1/stores/{DEMO}/reports/{newest['report_id']}", headers=bearer(web.tokens["owner"])
    ).json()
    for kpi in opened["report"]["kpis"][:4]:
        assert kpi["label"] in page.text
    md = browser.get(f"/s/{DEMO}/reports/{newest['report_id']}/export?format=md")
    assert md.status_code == 200
    assert "attachment" in md.headers["content-disposition"]
    full = browser.get(f"/s/{DEMO}/reports/{newest['report_id']}/full")
    assert full.status_code == 200
    assert "<html" in full.text.lower()
    refused = browser.post(
        f"/s/{DEMO}/reports/{newest['report_id']}/send",
        data={"csrf": token, "deliver": "fax:1"},
        headers=ORIGIN,
    )
    assert "未完成" in refused.text  # one sentence on the page, not a JSON body


def test_schedules_page_add_pause_test_and_helper(web: WebApp) -> None:
    browser, token = web.login("ops")
    form = {
        "csrf": token,
        "cron": "0 8 * * *",
        "job": "report daily --role ops",
        "deliver": "file:s",
    }
    added = browser.post(f"/s/{DEMO}/schedules/add", data=form, headers=ORIGIN)
    assert added.status_code == 200
    ops = bearer(web.tokens["ops"])
    made = web.client.get(f"/v1/stores/{DEMO}/schedules", headers=ops).json()[-1]
    assert made["cron"] == "0 8 * * *"
    browser.post(
        f"/s/{DEMO}/schedules/{made['schedule_id']}/pause",
        data={"csrf": token, "paused": "true"},
        headers=ORIGIN,
    )
    got = web.client.get(f"/v1/stores/{DEMO}/schedules", headers=ops).json()
    assert next(s for s in got if s["schedule_id"] == made["schedule_id"])["paused"] is True
    tested = browser.post(
        f"/s/{DEMO}/schedules/{made['schedule_id']}/test", data={"csrf": token}, headers=ORIGIN
    )
    assert "test: delivered" in tested.text
    bad = browser.post(
        f"/s/{DEMO}/schedules/add", data={**form, "cron": "99 * * *"}, headers=ORIGIN
    )
    assert "cron" in bad.text
    helper = browser.get(f"/s/{DEMO}/schedules?cron=30+7+*+*+1-5").text
    assert "07:30" in helper
    assert "Asia/Shanghai" in helper


def test_memory_page_add_search_edit_forget(web: WebApp) -> None:
    browser, token = web.login("owner")
    browser.post(
        f"/s/{DEMO}/memory/add",
        data={"csrf": token, "text": "周末不调价", "kind": "preference"},
        headers=ORIGIN,
    )
    owner = bearer(web.tokens["owner"])
    found = web.client.get(f"/v1/stores/{DEMO}/memory?q=周末", headers=owner).json()
    memory_id = found[0]["memory_id"]
    assert "周末不调价" in browser.get(f"/s/{DEMO}/memory?q=周末").text
    browser.post(
        f"/s/{DEMO}/memory/{memory_id}/edit",
        data={"csrf": token, "text": "周末和节假日不调价", "kind": "rule"},
        headers=ORIGIN,
    )
    listed = web.client.get(f"/v1/stores/{DEMO}/memory?kind=rule", headers=owner).json()
    edited = next(m for m in listed if m["text"] == "周末和节假日不调价")
    browser.post(
        f"/s/{DEMO}/memory/{edited['memory_id']}/forget", data={"csrf": token}, headers=ORIGIN
    )
    left = web.client.get(f"/v1/stores/{DEMO}/memory", headers=owner).json()
    assert "周末" not in " ".join(m["text"] for m in left)


def test_cs_page_matches_the_day_route(web: WebApp) -> None:
    browser, _ = web.login("cs")
    day = web.client.get(
        f"/v1/stores/{DEMO}/cs/day?day=2026-11-20", headers=bearer(web.tokens["cs"])
    ).json()
    page = browser.get(f"/s/{DEMO}/cs?day=2026-11-20").text
    assert f"/console/{DEMO}" in page
    assert f'<span class="value">{day["conversations"]}</span>' in page


def broken_zip(folder: Path) -> bytes:
    bogus = "O-1005,C-003,2026-11-02 10:00:00,,bogus,app,1,0"
    store = write_store(folder, {"orders.csv": csv_bytes(with_rows(ORDERS, bogus))})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in store.iterdir():
            archive.write(path, path.name)
    return out.getvalue()


def test_data_page_upload_without_script_shows_the_quarantine(web: WebApp, tmp_path: Path) -> None:
    browser, token = web.login("agency")  # also holds "other": import a broken export into it
    store = "other"
    started = browser.post(
        f"/s/{store}/data/upload",
        data={"csrf": token},
        files={"files": ("export.zip", broken_zip(tmp_path / "x"), "application/zip")},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].split("job=")[1]
    for _ in range(300):
        job = browser.get(f"/s/{store}/data/imports/{job_id}").json()
        if job["status"] != "running":
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    page = browser.get(started.headers["location"]).text
    assert "orders.csv" in page
    assert "<code>status</code>" in page
    csv_ = browser.get(f"/s/{store}/data/quarantine.csv")
    assert "orders.csv,5,status" in csv_.text


def test_settings_page_llm_policy_tokens(web: WebApp) -> None:
    browser, token = web.login("owner")
    saved = browser.post(
        f"/s/{DEMO}/settings/llm",
        data={"csrf": token, "model": "test", "api_key": "k-123"},
        headers=ORIGIN,
    )
    assert saved.status_code == 200
    assert "k-123" not in saved.text
    assert (web.settings.home / LLM_FILE).stat().st_mode & 0o777 == 0o600
    tested = browser.post(f"/s/{DEMO}/settings/llm/test", data={"csrf": token}, headers=ORIGIN)
    assert "test" in tested.text
    typo = browser.post(
        f"/s/{DEMO}/settings/llm", data={"csrf": token, "model": "deepsek:x"}, headers=ORIGIN
    )
    assert "deepseek" in typo.text
    (web.settings.home / LLM_FILE).unlink()
    owner = bearer(web.tokens["owner"])
    policy = web.client.get(f"/v1/stores/{DEMO}/settings/policy", headers=owner).json()
    form = {"csrf": token}
    for section, limits in policy.items():
        for name, value in limits.items():
            if value is True:
                form[f"{section}.{name}"] = "on"
            elif value is not False:
                form[f"{section}.{name}"] = str(value)
    form["change_price.auto_max_pct"] = "7"
    form.pop("hold_order.auto")  # an unchecked box
    browser.post(f"/s/{DEMO}/settings/policy", data=form, headers=ORIGIN)
    policy = web.client.get(f"/v1/stores/{DEMO}/settings/policy", headers=owner).json()
    assert policy["change_price"]["auto_max_pct"] == 7
    assert policy["hold_order"]["auto"] is False
    refused = browser.post(
        f"/s/{DEMO}/settings/policy",
        data={**form, "change_price.auto_max_pct": "-3"},
        headers=ORIGIN,
    )
    assert "未完成" in refused.text
    made = browser.post(
        f"/s/{DEMO}/settings/tokens",
        data={"csrf": token, "role": "cs", "label": "前台"},
        headers=ORIGIN,
    )
    assert made.status_code == 201
    assert 'id="new-token">sk_' in made.text


def test_an_agency_imports_a_new_store_from_the_data_page(web: WebApp, tmp_path: Path) -> None:
    browser, token = web.login("agency")
    store = "fresh-shop"
    page = browser.get(f"/s/{store}/data")
    assert page.status_code == 200, page.text
    assert "no data yet" in page.text or "还没有数据" in page.text
    assert browser.get(f"/s/{store}/reports").status_code == 404  # only its Data page, for now
    assert browser.get("/s/..bad/data").status_code == 404
    owner, _ = web.login("owner")  # an owner's token is for its one store
    assert owner.get(f"/s/{store}/data").status_code == 404
    started = browser.post(
        f"/s/{store}/data/upload",
        data={"csrf": token},
        files={"files": ("export.zip", broken_zip(tmp_path / "x"), "application/zip")},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].split("job=")[1]
    for _ in range(300):
        job = browser.get(f"/s/{store}/data/imports/{job_id}").json()
        if job["status"] != "running":
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    done = browser.get(started.headers["location"])
    assert done.status_code == 200
    assert "orders.csv" in done.text  # its quarantine: the store is the agency's now
    assert browser.get(f"/s/{store}/reports").status_code == 200
