"""Every route family: skills (generated from the registry), memory, schedules, audit, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from shopkeeper.agents.traces import Tracer
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

from .conftest import DEMO, bearer


def test_openapi_lists_every_skill_with_its_schemas(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for skill in client.app.state.services.registry:  # type: ignore[attr-defined]
        op = spec["paths"][f"/v1/stores/{{store}}/skills/{skill.name}"]["post"]
        assert op["operationId"] == f"skill_{skill.name}"
        assert op["summary"] == skill.description
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].rsplit("/", 1)[1].startswith(skill.output_model.__name__)
        if skill.input_model.model_fields:
            body = op["requestBody"]["content"]["application/json"]["schema"]
            ref = body.get("$ref") or next(x["$ref"] for x in body["anyOf"] if "$ref" in x)
            assert set(schemas[ref.rsplit("/", 1)[1]]["properties"]) == set(
                skill.input_model.model_fields
            )
    assert client.get("/docs").status_code == 200


def test_every_registered_skill_has_a_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    served = {p.rsplit("/", 1)[1] for p in paths if p.startswith("/v1/stores/{store}/skills/")}
    assert served == {s.name for s in client.app.state.services.registry}  # type: ignore[attr-defined]


def test_run_a_skill(client: TestClient, tokens: dict[str, str]) -> None:
    owner = bearer(tokens["owner"])
    overview = client.post("/v1/stores/demo/skills/store_overview", headers=owner)
    assert overview.status_code == 200
    assert overview.json()["store"] == "demo"
    summary = client.post("/v1/stores/demo/skills/sales_summary", headers=owner, json={"days": 3})
    assert summary.status_code == 200
    body = summary.json()
    assert len(body["days"]) == 3
    assert body["gmv"] == round(sum(d["gmv"] for d in body["days"]), 2)


def test_bad_arguments_are_422_with_field_errors(
    client: TestClient, tokens: dict[str, str]
) -> None:
    owner = bearer(tokens["owner"])
    reply = client.post("/v1/stores/demo/skills/sales_summary", headers=owner, json={"days": 0})
    assert reply.status_code == 422
    assert reply.json()["error"] == "ValidationError"
    assert reply.json()["detail"][0]["loc"] == ["body", "days"]
    crossed = client.post(
        "/v1/stores/demo/skills/sales_summary",
        headers=owner,
        json={"start": "2026-11-10", "end": "2026-11-01"},
    )
    assert crossed.status_code == 422
    assert "after end" in str(crossed.json()["detail"])


def test_unknown_route_and_missing_things_are_404_json(
    client: TestClient, tokens: dict[str, str]
) -> None:
    owner = bearer(tokens["owner"])
    reply = client.post("/v1/stores/demo/skills/no_such_skill", headers=owner)
    assert reply.status_code == 404
    assert set(reply.json()) == {"error", "detail"}
    gone = client.delete("/v1/stores/demo/memory/nope", headers=owner)
    assert gone.status_code == 404
    assert gone.json()["error"] == "MemoryNotFound"
    assert "'nope'" in gone.json()["detail"]
    assert client.post("/v1/stores/demo/approvals/nope/approve", headers=owner).status_code == 404
    assert client.delete("/v1/stores/demo/schedules/nope", headers=owner).status_code == 404


def test_memory_add_list_search_forget(client: TestClient, tokens: dict[str, str]) -> None:
    ops = bearer(tokens["ops"])
    added = client.post(
        "/v1/stores/demo/memory", headers=ops, json={"text": "不做低于5折的促销", "kind": "rule"}
    )
    assert added.status_code == 201
    memory = added.json()
    assert memory["kind"] == "rule"
    assert memory["source"].startswith("api:ops:")
    client.post("/v1/stores/demo/memory", headers=ops, json={"text": "老板喜欢早上八点看日报"})
    listed = client.get("/v1/stores/demo/memory", headers=ops).json()
    assert [m["text"] for m in listed][:2] == [
        "不做低于5折的促销",
        "老板喜欢早上八点看日报",
    ]
    rules = client.get("/v1/stores/demo/memory", headers=ops, params={"kind": "rule"}).json()
    assert [m["memory_id"] for m in rules] == [memory["memory_id"]]
    hits = client.get("/v1/stores/demo/memory", headers=ops, params={"q": "促销"}).json()
    assert hits[0]["memory_id"] == memory["memory_id"]
    assert hits[0]["score"] > 0
    gone = client.delete(f"/v1/stores/demo/memory/{memory['memory_id']}", headers=ops)
    assert gone.status_code == 200
    assert gone.json()["text"] == "不做低于5折的促销"
    assert client.post("/v1/stores/demo/memory", headers=ops, json={"text": ""}).status_code == 422


def test_schedules_add_list_remove_runs(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    ops = bearer(tokens["ops"])
    new = {
        "cron": "0 8 * * *",
        "job": {"kind": "report", "role": "ops"},
        "deliver": "file:reports",
    }
    added = client.post("/v1/stores/demo/schedules", headers=ops, json=new)
    assert added.status_code == 201, added.text
    schedule = added.json()
    assert schedule["timezone"] == "Asia/Shanghai"
    assert schedule["job"] == {"kind": "report", "period": "daily", "role": "ops", "format": "md"}
    for job in ({"kind": "sync"}, {"kind": "report", "period": "monthly"}, "report daily"):
        wrong = client.post("/v1/stores/demo/schedules", headers=ops, json={**new, "job": job})
        assert wrong.status_code == 422, job
    assert schedule["schedule_id"] in {
        s["schedule_id"] for s in client.get("/v1/stores/demo/schedules", headers=ops).json()
    }
    bad = client.post("/v1/stores/demo/schedules", headers=ops, json={**new, "cron": "99 * * * *"})
    assert bad.status_code == 422
    assert bad.json()["error"] == "ConfigError"
    assert "'99 * * * *'" in bad.json()["detail"]
    target = client.post("/v1/stores/demo/schedules", headers=ops, json={**new, "deliver": "fax:1"})
    assert target.status_code == 422
    for deliver in ("webhook:http://169.254.169.254/latest", f"file:{tmp_path}"):
        refused = client.post(
            "/v1/stores/demo/schedules", headers=ops, json={**new, "deliver": deliver}
        )
        assert refused.status_code == 422, deliver
    assert client.get("/v1/stores/demo/schedules/runs", headers=ops).json() == []
    removed = client.delete(f"/v1/stores/demo/schedules/{schedule['schedule_id']}", headers=ops)
    assert removed.status_code == 204
    assert client.get("/v1/stores/demo/schedules", headers=ops).json() == []


def test_schedule_is_dated_by_the_store_clock(client: TestClient, tokens: dict[str, str]) -> None:
    ops = bearer(tokens["ops"])
    new = {"cron": "0 8 * * *", "job": {"kind": "inspect"}, "deliver": "file:reports"}
    created = client.post("/v1/stores/demo/schedules", headers=ops, json=new).json()
    at = dt.datetime.fromisoformat(created["created_at"])
    assert abs(at - client.app.state.services.clock()) < dt.timedelta(seconds=5)  # type: ignore[attr-defined]
    client.delete(f"/v1/stores/demo/schedules/{created['schedule_id']}", headers=ops)


def test_runs_list_and_show(client: TestClient, tokens: dict[str, str], api_home: Settings) -> None:
    engine = ops_engine(api_home)
    tracer = Tracer(DEMO, "上周卖得怎么样", lang="zh", model="offline:rules")
    tracer.add("tool", "analyst", "sales_summary", arguments={"days": 7}, result={"gmv": 1.0})
    run = tracer.save(engine)
    engine.dispose()
    ops = bearer(tokens["ops"])
    listed = client.get(f"/v1/stores/{DEMO}/runs", headers=ops).json()
    assert run.run_id in [r["run_id"] for r in listed]
    shown = client.get(f"/v1/stores/{DEMO}/runs/{run.run_id}", headers=ops).json()
    assert [(s["kind"], s["name"]) for s in shown["steps"]] == [("tool", "sales_summary")]
    assert client.get(f"/v1/stores/{DEMO}/runs/nope", headers=ops).status_code == 404
    assert client.get(f"/v1/stores/{DEMO}/runs", headers=bearer(tokens["ads"])).status_code == 403
    foreign = client.get(
        f"/v1/stores/{DEMO}/runs/{run.run_id}", headers=bearer(tokens["other-owner"])
    )
    assert foreign.status_code == 403


def test_an_unknown_argument_is_refused_naming_the_valid_ones(
    client: TestClient, tokens: dict[str, str]
) -> None:
    owner = bearer(tokens["owner"])
    reply = client.post("/v1/stores/demo/skills/sales_summary", headers=owner, json={"day": 7})
    assert reply.status_code == 422
    assert reply.json()["error"] == "ConfigError"
    assert "'day'" in reply.json()["detail"]
    assert "days" in reply.json()["detail"]
    assert client.post("/v1/stores/demo/skills/sales_summary", json={"day": 7}).status_code == 401
    fine = client.post("/v1/stores/demo/skills/sales_summary", headers=owner, json={"days": 2})
    assert fine.status_code == 200


def test_a_blank_question_is_refused_in_one_sentence(
    client: TestClient, tokens: dict[str, str]
) -> None:
    owner = bearer(tokens["owner"])
    for accept in ("application/json", "text/event-stream"):
        reply = client.post(
            "/v1/stores/demo/ask",
            headers={**owner, "Accept": accept},
            json={"question": "   ", "lang": "en"},
        )
        assert reply.status_code == 422
        assert reply.json() == {
            "error": "EmptyQuestion",
            "detail": "the question is empty: write what to ask, e.g. 'what were sales last week'",
        }
    zh = client.post("/v1/stores/demo/ask", headers=owner, json={"question": " \n"})
    assert zh.status_code == 422
    assert zh.json()["detail"].startswith("问题是空的")  # the demo store's language
