"""The team runtime with scripted models: typed routing, tool loops, caps, traces."""

from __future__ import annotations

import json

import pytest

from shopkeeper.agents.routing import RoutingError
from shopkeeper.agents.runtime import Team
from shopkeeper.agents.traces import get_run, list_runs
from shopkeeper.agents.usage import UsageLimits
from shopkeeper.llm.base import Message, ModelResponse, ToolCall, ToolSpec, Usage
from shopkeeper.llm.testing import FunctionModel, ScriptedModel
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.skills.sales import Period, sales_summary

from ..contexts import app_context
from .conftest import DEMO


def _team(settings: Settings, model: object, **kw: object) -> Team:
    return Team(
        app_context(settings),
        DEMO,
        model=model,
        registry=load_registry(),
        **kw,  # type: ignore[arg-type]
    )


def _route(*steps: dict[str, object]) -> list[ToolCall]:
    return [ToolCall(id="r1", name="route", arguments={"decision": "plan", "steps": list(steps)})]


def test_a_scripted_run_routes_calls_the_skill_and_is_traced(demo: Settings) -> None:
    model = ScriptedModel(
        [
            _route({"employee": "analyst", "task": "上周卖了多少", "skill": "sales_summary"}),
            [ToolCall(id="t1", name="sales_summary", arguments={"days": 7})],
            ModelResponse(
                text="上周成交额见上。",
                model_name="test",
                usage=Usage(input_tokens=120, output_tokens=30),
            ),
        ]
    )
    result = _team(demo, model).run("上周卖了多少")
    assert result.skills == ["sales_summary"]
    assert result.answer.startswith("上周成交额见上。")
    assert "sales_summary(days=7)" in result.answer  # the sources line
    # the employee got the tool result: the real numbers of the skill
    tool_msg = model.requests[2].messages[-1]
    expected = sales_summary(SkillContext(demo, DEMO), Period(days=7))
    assert json.loads(tool_msg.content)["gmv"] == expected.gmv
    run = get_run(ops_engine(demo), DEMO, result.run_id)
    assert [s.kind for s in run.steps] == ["model", "route", "model", "tool", "model"]
    tool = run.steps[3]
    assert tool.name == "sales_summary"
    assert tool.arguments == {"days": 7}
    assert tool.ok
    assert tool.result["gmv"] == expected.gmv
    assert run.usage.requests == 3
    assert run.usage.tool_calls == 1
    assert run.usage.input_tokens == 120
    assert run.usage.output_tokens == 30
    assert run.status == "ok"
    assert run.skills == ["sales_summary"]


def test_the_employee_only_gets_its_own_skills(demo: Settings) -> None:
    model = ScriptedModel(
        [
            _route({"employee": "cs", "task": "看看差评"}),
            "好的",
        ]
    )
    _team(demo, model).run("看看差评")
    offered = {t.name for t in model.requests[1].tools}
    assert "sales_summary" not in offered
    assert "inspect_store" in offered


def test_an_invalid_decision_is_sent_back_once_then_accepted(demo: Settings) -> None:
    model = ScriptedModel(
        [
            _route({"employee": "cs", "task": "x", "skill": "sales_summary"}),  # not the cs's skill
            _route({"employee": "analyst", "task": "x", "skill": "sales_summary"}),
            "ok",
        ]
    )
    result = _team(demo, model).run("上周卖了多少")
    assert result.status == "ok"
    feedback = model.requests[1].messages[-1].content
    assert "not the cs's" in feedback


@pytest.mark.parametrize(
    "bad",
    [
        "I think the analyst should do it",  # free text, no decision
        _route({"employee": "janitor", "task": "x"}),  # not on the team
        [ToolCall(id="r", name="route", arguments={"decision": "plan", "steps": []})],
    ],
)
def test_no_valid_decision_fails_the_run_and_records_it(demo: Settings, bad: object) -> None:
    model = ScriptedModel([bad, bad])  # type: ignore[list-item]
    with pytest.raises(RoutingError):
        _team(demo, model).run("随便问问")
    run = list_runs(ops_engine(demo), DEMO, limit=1)[0]
    assert run.status == "error"
    assert "routing decision" in (run.error or "") or "exactly once" in (run.error or "")


def test_invalid_tool_arguments_go_back_to_the_model(demo: Settings) -> None:
    model = ScriptedModel(
        [
            _route({"employee": "analyst", "task": "sales"}),
            [ToolCall(id="t1", name="sales_summary", arguments={"days": -3})],
            [ToolCall(id="t2", name="sales_summary", arguments={"days": 3})],
            "done",
        ]
    )
    result = _team(demo, model).run("sales")
    error = json.loads(model.requests[2].messages[-1].content)["error"]
    assert "invalid arguments for sales_summary" in error
    assert result.skills == ["sales_summary"]
    run = get_run(ops_engine(demo), DEMO, result.run_id)
    assert [s.ok for s in run.steps if s.kind == "tool"] == [False, True]


def test_a_looping_model_is_stopped_by_the_caps(demo: Settings) -> None:
    def loop(messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        if any(t.name == "route" for t in tools):
            return ModelResponse(
                tool_calls=_route({"employee": "analyst", "task": "x"}), model_name="f"
            )
        return ModelResponse(
            tool_calls=[ToolCall(id=f"t{len(messages)}", name="store_overview", arguments={})],
            model_name="f",
        )

    result = _team(demo, FunctionModel(loop), limits=UsageLimits(tool_calls_limit=3)).run("x")
    assert result.status == "limit"
    run = get_run(ops_engine(demo), DEMO, result.run_id)
    assert run.status == "limit"
    assert "3 tool calls" in (run.error or "")
    assert run.usage.tool_calls == 3


def test_a_token_cap_stops_the_run(demo: Settings) -> None:
    model = ScriptedModel(
        [
            ModelResponse(
                tool_calls=_route({"employee": "analyst", "task": "x"}),
                model_name="t",
                usage=Usage(input_tokens=900, output_tokens=200),
            )
        ]
    )
    result = _team(demo, model, limits=UsageLimits(total_tokens_limit=1000)).run("x")
    assert result.status == "limit"


def test_multi_step_plans_run_each_employee_and_combine(demo: Settings) -> None:
    model = ScriptedModel(
        [
            _route(
                {"employee": "orders", "task": "查库存风险"},
                {"employee": "ads", "task": "给投放建议"},
            ),
            "库存：2 个 SKU 有断货风险。",
            "投放：暂停计划 C1。",
        ]
    )
    chunks: list[str] = []
    result = _team(demo, model).run("帮我准备双11：查库存风险、给投放建议", on_text=chunks.append)
    assert "库存：2 个 SKU" in result.answer
    assert "投放：暂停计划 C1" in result.answer
    assert result.answer.index("订单助理") < result.answer.index("推广运营")
    assert "".join(chunks).count("库存：2 个 SKU") == 1  # streamed as it was written


def test_memories_reach_the_right_employee(demo: Settings) -> None:
    from shopkeeper.ops.memory import remember

    engine = ops_engine(demo)
    remember(engine, DEMO, "投放预算每天不超过2000元", kind="rule", scope="ads")
    remember(engine, DEMO, "投放报表用人民币", kind="preference")
    model = ScriptedModel(
        [
            _route(
                {"employee": "ads", "task": "投放怎么样"},
                {"employee": "analyst", "task": "投放销售额"},
            ),
            "ads ok",
            "analyst ok",
        ]
    )
    _team(demo, model).run("投放怎么样，投放销售额多少")
    manager, ads, analyst = (r.messages[0].content for r in model.requests)
    assert "投放报表用人民币" in manager
    assert "2000" in ads
    assert "投放报表用人民币" in ads
    assert "2000" not in analyst


def test_runs_are_exported_as_otel_spans(demo: Settings) -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    import shopkeeper.agents.otel as otel

    real = otel.trace.get_tracer
    otel.trace.get_tracer = lambda name, *a, **k: provider.get_tracer(name)  # type: ignore[assignment]
    try:
        model = ScriptedModel(
            [
                _route({"employee": "analyst", "task": "x"}),
                [ToolCall(id="t1", name="store_overview", arguments={})],
                "done",
            ]
        )
        result = _team(demo, model).run("店铺概况")
    finally:
        otel.trace.get_tracer = real  # type: ignore[assignment]
    spans = exporter.get_finished_spans()
    root = next(s for s in spans if s.name == "agent.run")
    assert root.attributes is not None
    assert root.attributes["shopkeeper.run_id"] == result.run_id
    children = [
        s for s in spans if s.parent is not None and s.parent.span_id == root.context.span_id
    ]
    assert [s.name for s in children] == [
        "model test:scripted",
        "route route",
        "model test:scripted",
        "tool store_overview",
        "model test:scripted",
    ]
    assert trace.get_tracer_provider() is not provider  # the global provider was left alone


def test_traces_never_store_phones_or_addresses(demo: Settings) -> None:
    from shopkeeper.agents.service import ask

    result = ask(
        app_context(demo), DEMO, "记住：供应商电话 13812345678，地址 浙江省杭州市西湖区文三路100号"
    )
    run = get_run(ops_engine(demo), DEMO, result.run_id)
    stored = run.model_dump_json()
    assert "13812345678" not in stored
    assert "文三路100号" not in stored
