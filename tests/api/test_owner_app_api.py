"""The JSON routes behind the web app's Reports, Schedules, Customer service, Data and Settings
pages: roles, validation, the 0600 key file, the background import and its quarantine.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from shopkeeper.api.tokens import create_token
from shopkeeper.cs.day import cs_day
from shopkeeper.opsdb import cs_conversations, cs_messages, ops_engine
from shopkeeper.settings import LLM_FILE, Settings

from ..store.corpus import ORDERS, csv_bytes, with_rows, write_store, xlsx_bytes
from .conftest import DEMO, bearer

V1 = f"/v1/stores/{DEMO}"


# ── reports ───────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def archived(client: TestClient, tokens: dict[str, str]) -> str:
    made = client.post(
        f"{V1}/reports", json={"kind": "daily", "role": "owner"}, headers=bearer(tokens["owner"])
    )
    assert made.status_code == 201, made.text
    return str(made.json()["report_id"])


def test_reports_archive_lists_opens_and_exports(
    client: TestClient, tokens: dict[str, str], archived: str
) -> None:
    owner = bearer(tokens["owner"])
    listed = client.get(f"{V1}/reports", headers=owner).json()
    assert archived in [r["report_id"] for r in listed]
    opened = client.get(f"{V1}/reports/{archived}", headers=owner).json()
    assert opened["report"]["store"] == DEMO
    assert opened["entry"]["role"] == "owner"
    md = client.get(f"{V1}/reports/{archived}/export?format=md", headers=owner)
    assert md.status_code == 200
    assert "attachment" in md.headers["content-disposition"]
    assert md.text.startswith("#")
    csv_ = client.get(f"{V1}/reports/{archived}/export?format=csv", headers=owner)
    assert csv_.text.startswith("\ufeffkey,label,unit,value")
    assert len(csv_.text.splitlines()) == 1 + len(opened["report"]["kpis"])


def test_reports_by_role(client: TestClient, tokens: dict[str, str], archived: str) -> None:
    ads = bearer(tokens["ads"])
    assert archived not in [r["report_id"] for r in client.get(f"{V1}/reports", headers=ads).json()]
    assert client.get(f"{V1}/reports/{archived}", headers=ads).status_code == 403
    assert client.get(f"{V1}/reports?role=owner", headers=ads).status_code == 403
    refused = client.post(f"{V1}/reports", json={"role": "owner"}, headers=ads)
    assert refused.status_code == 403
    assert client.get(f"{V1}/reports").status_code == 401
    assert client.get(f"{V1}/reports/nope", headers=bearer(tokens["owner"])).status_code == 404


def test_report_send_now_to_a_file(
    client: TestClient, tokens: dict[str, str], archived: str, api_home: Settings
) -> None:
    sent = client.post(
        f"{V1}/reports/{archived}/send",
        json={"deliver": "file:outbox"},
        headers=bearer(tokens["owner"]),
    )
    assert sent.status_code == 200, sent.text
    assert list((api_home.store_dir(DEMO) / "outbox").glob("*.md"))
    bad = client.post(
        f"{V1}/reports/{archived}/send",
        json={"deliver": "fax:123"},
        headers=bearer(tokens["owner"]),
    )
    assert bad.status_code == 422


# ── schedules ─────────────────────────────────────────────────────────────────────────────────


def test_schedule_edit_pause_test_send_and_failures_first(
    client: TestClient, tokens: dict[str, str]
) -> None:
    ops = bearer(tokens["ops"])
    job = {"kind": "report", "period": "daily", "role": "ops"}
    ok = client.post(
        f"{V1}/schedules",
        json={"cron": "0 8 * * *", "job": job, "deliver": "file:sched"},
        headers=ops,
    ).json()
    failing = client.post(
        f"{V1}/schedules",
        json={"cron": "0 9 * * *", "job": job, "deliver": "email:owner@example.com"},
        headers=ops,
    ).json()
    paused = client.patch(f"{V1}/schedules/{ok['schedule_id']}", json={"paused": True}, headers=ops)
    assert paused.json()["paused"] is True
    edited = client.patch(
        f"{V1}/schedules/{ok['schedule_id']}", json={"cron": "30 7 * * 1-5"}, headers=ops
    ).json()
    assert (edited["cron"], edited["paused"]) == ("30 7 * * 1-5", True)
    bad = client.patch(
        f"{V1}/schedules/{ok['schedule_id']}", json={"cron": "61 * * *"}, headers=ops
    )
    assert bad.status_code == 422
    assert "cron" in bad.text
    sent = client.post(f"{V1}/schedules/{ok['schedule_id']}/test", headers=ops).json()
    assert sent["status"] == "ok"
    assert sent["detail"].startswith("test: delivered to")
    archived = client.get(f"{V1}/reports?role=ops", headers=ops).json()
    assert "schedule" in [r["source"] for r in archived]  # a scheduled report is kept
    failed = client.post(f"{V1}/schedules/{failing['schedule_id']}/test", headers=ops).json()
    assert failed["status"] == "failed"  # no SMTP server configured: recorded, not raised
    runs = client.get(f"{V1}/schedules/runs?failures_first=true", headers=ops).json()
    assert runs[0]["status"] == "failed"
    assert {r["schedule_id"] for r in runs} >= {ok["schedule_id"], failing["schedule_id"]}
    assert client.patch(f"{V1}/schedules/nope", json={}, headers=ops).status_code == 404
    assert client.get(f"{V1}/schedules", headers=bearer(tokens["cs"])).status_code == 403


def test_cron_helper_in_the_store_time_zone(client: TestClient, tokens: dict[str, str]) -> None:
    helped = client.get(
        f"{V1}/schedules/cron", params={"cron": "0 8 * * *"}, headers=bearer(tokens["owner"])
    ).json()
    assert helped["timezone"] == "Asia/Shanghai"
    assert len(helped["next"]) == 3
    assert all(dt.datetime.fromisoformat(s).hour == 8 for s in helped["next"])
    bad = client.get(
        f"{V1}/schedules/cron", params={"cron": "nonsense"}, headers=bearer(tokens["owner"])
    )
    assert bad.status_code == 422


def test_a_paused_schedule_does_not_run(tmp_path: Path) -> None:
    from shopkeeper.ops.schedules import InspectJob, add_schedule, tick, update_schedule

    settings = Settings(home=tmp_path)
    engine = ops_engine(settings)
    try:
        s = add_schedule(
            engine, "paused-store", "* * * * *", InspectJob(), "file:x", timezone="UTC"
        )
        update_schedule(engine, "paused-store", s.schedule_id, paused=True)
        ran: list[str] = []

        def run(_settings: Settings, store: str, _job: object) -> tuple[str, str]:
            ran.append(store)
            return "t", "x"

        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        assert tick(settings, engine, later, run=run) == []  # type: ignore[arg-type]
        assert ran == []
        update_schedule(engine, "paused-store", s.schedule_id, paused=False, now=later)
        assert tick(settings, engine, later + dt.timedelta(minutes=1), run=run)  # type: ignore[arg-type]
        assert ran == ["paused-store"]
    finally:
        engine.dispose()


# ── customer service ──────────────────────────────────────────────────────────────────────────


def test_cs_day_numbers(api_home: Settings) -> None:
    engine = ops_engine(api_home)
    at = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 11:00 in Shanghai
    try:
        with engine.begin() as conn:
            for cid, handoff in (("c1", 0), ("c2", 1), ("c3", 0)):
                conn.execute(
                    insert(cs_conversations).values(
                        store="cs-day",
                        conversation_id=cid,
                        customer_id=cid,
                        state={},
                        handoff=handoff,
                        created_at=at,
                        updated_at=at,
                    )
                )
            rows = [
                ("c1", "buyer"),
                ("c1", "bot"),
                ("c2", "buyer"),
                ("c3", "buyer"),
                ("c3", "human"),
            ]
            for cid, role in rows:
                conn.execute(
                    insert(cs_messages).values(
                        store="cs-day", conversation_id=cid, role=role, author="x", text="hi", at=at
                    )
                )
        day = cs_day(engine, "cs-day", dt.date(2026, 11, 20), "Asia/Shanghai")
        assert (day.conversations, day.handoffs, day.auto_resolved) == (3, 2, 1)
        assert day.auto_resolved_share == pytest.approx(1 / 3)
        assert day.buyer_messages == 3
        assert cs_day(engine, "cs-day", dt.date(2026, 11, 21), "Asia/Shanghai").conversations == 0
    finally:
        engine.dispose()


def test_cs_day_route_roles(client: TestClient, tokens: dict[str, str]) -> None:
    got = client.get(f"{V1}/cs/day?day=2026-11-20", headers=bearer(tokens["cs"]))
    assert got.status_code == 200
    assert got.json()["day"] == "2026-11-20"
    assert client.get(f"{V1}/cs/day", headers=bearer(tokens["ops"])).status_code == 403


# ── data ──────────────────────────────────────────────────────────────────────────────────────


def broken_export_zip(tmp_path: Path) -> bytes:
    """A store export whose orders.csv has a row with an unknown status (line 5)."""
    bogus = "O-1005,C-003,2026-11-02 10:00:00,,bogus,app,1,0"
    folder = write_store(tmp_path / "export", {"orders.csv": csv_bytes(with_rows(ORDERS, bogus))})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"export/{path.name}")
    return out.getvalue()


def wait_for(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, object]:
    for _ in range(300):
        job: dict[str, object] = client.get(url, headers=headers).json()
        if job["status"] != "running":
            return job
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_import_upload_quarantine_and_coverage(
    client: TestClient, api_home: Settings, tmp_path: Path
) -> None:
    engine = ops_engine(api_home)
    owner = bearer(create_token(engine, "imported", "owner").token)
    engine.dispose()
    base = "/v1/stores/imported/data"
    started = client.post(
        f"{base}/imports",
        files={"files": ("export.zip", broken_export_zip(tmp_path), "application/zip")},
        headers=owner,
    )
    assert started.status_code == 202, started.text
    job = wait_for(client, f"{base}/imports/{started.json()['job_id']}", owner)
    assert job["status"] == "done", job
    rows = client.get(f"{base}/quarantine", headers=owner).json()
    assert [(r["file"], r["line"], r["column"]) for r in rows] == [
        ("export/orders.csv", 5, "status")
    ]
    assert "unknown value" in rows[0]["reason"]
    csv_ = client.get(f"{base}/quarantine.csv", headers=owner)
    assert csv_.status_code == 200
    assert "export/orders.csv,5,status" in csv_.text
    coverage = {c["table"]: c for c in client.get(f"{base}/coverage", headers=owner).json()}
    assert coverage["orders"]["first"] == "2026-11-01"
    assert coverage["orders"]["last"] == "2026-11-02"
    assert coverage["orders"]["rows"] == 3


def test_import_refuses_unsafe_names_and_reports_failures(
    client: TestClient, tokens: dict[str, str], api_home: Settings
) -> None:
    owner = bearer(tokens["owner"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../evil.csv", "x")
    refused = client.post(
        f"{V1}/data/imports",
        files={"files": ("a.zip", out.getvalue(), "application/zip")},
        headers=owner,
    )
    assert refused.status_code == 422
    assert not (api_home.store_dir(DEMO) / "uploads" / "evil.csv").exists()
    engine = ops_engine(api_home)
    fresh = bearer(create_token(engine, "fresh", "owner").token)
    engine.dispose()
    started = client.post(
        "/v1/stores/fresh/data/imports",
        files={"files": ("orders.csv", b"order_id\n1\n", "text/csv")},
        headers=fresh,
    )
    job = wait_for(client, f"/v1/stores/fresh/data/imports/{started.json()['job_id']}", fresh)
    assert job["status"] == "failed"
    assert "store.toml" in str(job["error"])
    assert client.get(f"{V1}/data/coverage", headers=bearer(tokens["ads"])).status_code == 403


def test_an_uploaded_workbook_is_imported_as_a_workbook(
    client: TestClient, api_home: Settings, tmp_path: Path
) -> None:
    """An ``.xlsx`` is a ZIP archive too: it is imported, never unpacked into its XML (which
    left ``orders`` out of the import without a word)."""
    engine = ops_engine(api_home)
    owner = bearer(create_token(engine, "workbook", "owner").token)
    engine.dispose()
    folder = write_store(
        tmp_path / "export", {"orders.csv": None, "orders.xlsx": xlsx_bytes(ORDERS)}
    )
    started = client.post(
        "/v1/stores/workbook/data/imports",
        files=[
            ("files", (p.name, p.read_bytes(), "application/octet-stream"))
            for p in sorted(folder.iterdir())
        ],
        headers=owner,
    )
    assert started.status_code == 202, started.text
    job = wait_for(client, f"/v1/stores/workbook/data/imports/{started.json()['job_id']}", owner)
    assert job["status"] == "done", job
    report = job["report"]
    assert isinstance(report, dict)
    assert report["tables"]["orders"]["files"] == ["orders.xlsx"]
    assert report["tables"]["orders"]["imported"] == len(ORDERS) - 1


def test_a_broken_zip_upload_is_a_json_422(client: TestClient, tokens: dict[str, str]) -> None:
    """An archive whose entry inflates past the size it declares fails its CRC: one JSON error,
    not a plain-text 500."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("orders.csv", "order_id\n" + "1\n" * 5000)
    data = out.getvalue()
    real = (len("order_id\n") + 2 * 5000).to_bytes(4, "little")
    lying = data.replace(real, (100).to_bytes(4, "little"))  # both headers now say 100 bytes
    assert lying != data
    refused = client.post(
        f"{V1}/data/imports",
        files={"files": ("export.zip", lying, "application/zip")},
        headers=bearer(tokens["owner"]),
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/json")
    assert "not a readable zip archive" in refused.json()["detail"]


# ── settings ──────────────────────────────────────────────────────────────────────────────────


def test_llm_key_file_is_0600_and_never_shown(
    client: TestClient, tokens: dict[str, str], api_home: Settings
) -> None:
    owner = bearer(tokens["owner"])
    saved = client.put(
        f"{V1}/settings/llm",
        json={"model": "deepseek:deepseek-chat", "api_key": "sk-secret-123"},
        headers=owner,
    )
    assert saved.status_code == 200, saved.text
    status_ = saved.json()
    assert (status_["saved"], status_["key_set"], status_["key_source"]) == (
        "deepseek:deepseek-chat",
        True,
        "file",
    )
    assert "sk-secret-123" not in saved.text
    path = api_home.home / LLM_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert Settings(home=api_home.home).model == "deepseek:deepseek-chat"
    kept = client.put(f"{V1}/settings/llm", json={"model": "test"}, headers=owner).json()
    assert kept["key_set"] is True  # an empty key keeps the saved one
    typo = client.put(f"{V1}/settings/llm", json={"model": "deepsek:x"}, headers=owner)
    assert typo.status_code == 422
    assert "deepseek" in typo.text
    tested = client.post(f"{V1}/settings/llm/test", headers=owner).json()
    assert tested["ok"] is True
    assert client.get(f"{V1}/settings/llm", headers=bearer(tokens["ops"])).status_code == 403
    path.unlink()


def test_env_overrides_the_llm_file(api_home: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from shopkeeper.settings import LlmFile, save_llm_file

    save_llm_file(api_home.home, LlmFile(model="deepseek:a", api_key="k1"))
    monkeypatch.setenv("SHOPKEEPER_MODEL", "offline")
    assert Settings(home=api_home.home).model == "offline"
    monkeypatch.delenv("SHOPKEEPER_MODEL")
    assert Settings(home=api_home.home).model == "deepseek:a"
    (api_home.home / LLM_FILE).unlink()


def test_policy_form_is_validated(client: TestClient, tokens: dict[str, str]) -> None:
    owner = bearer(tokens["owner"])
    policy = client.get(f"{V1}/settings/policy", headers=owner).json()
    policy["change_price"]["auto_max_pct"] = 8
    saved = client.put(f"{V1}/settings/policy", json=policy, headers=owner)
    assert saved.status_code == 200
    assert (
        client.get(f"{V1}/settings/policy", headers=owner).json()["change_price"]["auto_max_pct"]
        == 8
    )
    policy["change_price"]["auto_max_pct"] = -1
    assert client.put(f"{V1}/settings/policy", json=policy, headers=owner).status_code == 422
    policy["change_price"]["auto_max_pct"] = 80  # above max_pct
    assert client.put(f"{V1}/settings/policy", json=policy, headers=owner).status_code == 422
    policy["change_price"]["auto_max_pct"] = 5
    policy["bogus"] = {"auto": True}
    assert client.put(f"{V1}/settings/policy", json=policy, headers=owner).status_code == 422


def test_tokens_create_revoke_and_widget_status(client: TestClient, tokens: dict[str, str]) -> None:
    owner = bearer(tokens["owner"])
    made = client.post(f"{V1}/settings/tokens", json={"role": "cs", "label": "客服"}, headers=owner)
    assert made.status_code == 201
    new = made.json()
    assert client.get(f"{V1}/me", headers=bearer(new["token"])).status_code == 200
    listed = client.get(f"{V1}/settings/tokens", headers=owner).json()
    assert "token" not in listed[0]
    assert new["token_id"] in [t["token_id"] for t in listed]
    revoked = client.delete(f"{V1}/settings/tokens/{new['token_id']}", headers=owner)
    assert revoked.status_code == 200
    assert client.get(f"{V1}/me", headers=bearer(new["token"])).status_code == 401
    other = client.get("/v1/stores/other/settings/tokens", headers=bearer(tokens["other-owner"]))
    other_id = other.json()[0]["token_id"]
    assert client.delete(f"{V1}/settings/tokens/{other_id}", headers=owner).status_code == 404
    widget = client.get(f"{V1}/settings/widget", headers=owner).json()
    assert widget["configured"] is False
    assert (
        client.post(f"{V1}/settings/tokens", json={"role": "root"}, headers=owner).status_code
        == 422
    )
