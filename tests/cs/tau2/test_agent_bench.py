"""The agent benchmark's loop and scoring, with scripted models standing in for the LLMs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from shopkeeper.cs.tau2.agent_bench import AgentBenchReport, Trial, run_agent_bench, tool_specs
from shopkeeper.cs.tau2.replay import Dataset, conversation
from shopkeeper.llm.base import Message, ModelResponse, ToolCall, ToolSpec
from shopkeeper.llm.testing import FunctionModel


def _gold_agent(actions: list[dict[str, object]]) -> FunctionModel:
    """An agent that makes the task's gold calls one by one, then says it is done."""
    queue = list(actions)

    def answer(messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        if queue:
            a = queue.pop(0)
            call = ToolCall(
                id=f"c{len(queue)}", name=str(a["name"]), arguments=dict(a["arguments"])
            )  # type: ignore[arg-type]
            return ModelResponse(tool_calls=[call], model_name="gold")
        return ModelResponse(text="All done.", model_name="gold")

    return FunctionModel(answer)


def _customer(lines: list[str]) -> FunctionModel:
    queue = [*lines, "###STOP###"]
    return FunctionModel(lambda m, t: ModelResponse(text=queue.pop(0), model_name="user"))


def test_tool_specs_cover_the_gold_tools(tau2: Dataset, engine: Engine) -> None:
    tools, _ = conversation(tau2.db, engine)
    names = {s.name for s in tool_specs(tools)}
    gold = {a["name"] for t in tau2.tasks for a in t["evaluation_criteria"]["actions"]}
    assert gold <= names
    spec = next(s for s in tool_specs(tools) if s.name == "cancel_pending_order")
    assert set(spec.parameters["required"]) == {"order_id", "reason"}


def test_an_agent_that_makes_the_gold_calls_passes(
    tau2_folder: Path, tau2: Dataset, engine: Engine
) -> None:
    task = tau2.tasks[0]  # an exchange after a name + zip lookup
    report = run_agent_bench(
        tau2_folder,
        _gold_agent(task["evaluation_criteria"]["actions"]),
        _customer(["I want to exchange two items of order #W2378156."]),
        engine,
        tasks=task["id"],
    )
    assert [t.reward for t in report.trials] == [1.0], report.trials[0].mismatches
    assert report.trials[0].ended_by == "user"
    assert report.figures() == {"tasks": 1, "trials": 1, "pass^1": 1.0}


def test_an_agent_that_does_nothing_fails_a_writing_task(
    tau2_folder: Path, tau2: Dataset, engine: Engine
) -> None:
    task = tau2.tasks[0]
    report = run_agent_bench(
        tau2_folder,
        _gold_agent([]),
        _customer(["Please exchange my items."]),
        engine,
        tasks=task["id"],
    )
    assert report.trials[0].reward == 0.0
    assert any("record differs" in m for m in report.trials[0].mismatches)


def test_pass_hat_k_follows_their_definition() -> None:
    trials = [Trial("a", r, 1, "user") for r in (1, 1, 0, 1)] + [
        Trial("b", r, 1, "user") for r in (0, 0, 1, 0)
    ]
    report = AgentBenchReport(trials, k=2)
    assert report.pass_hat(1) == round((3 / 4 + 1 / 4) / 2, 4)
    assert report.pass_hat(2) == round((3 / 6 + 0 / 6) / 2, 4)  # C(3,2)/C(4,2), C(1,2)/C(4,2)
