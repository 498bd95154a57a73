"""The τ²-bench retail agent benchmark: an LLM agent on our tools and policy, an LLM user.

For each task and trial: a fresh backend over ``db.json``; a *user* model plays the task's
scenario (their user-simulator instructions: one message at a time, ``###STOP###`` when done);
the *agent* model gets the domain policy and the τ²-bench tools (run by :class:`Tau2Tools`, so our
policy and authorisation sit under every call) and talks to the user until the user stops, the
agent transfers to a human, or the turn cap is reached. A trial succeeds (reward 1) when the
records it changed equal those of the task's gold calls (``gold_outcomes.json``) and every piece of
``communicate_info`` was said to the user — their DB and communicate checks. pass^k follows their
definition: per task, C(c, k) / C(n, k) over n trials with c successes, averaged over tasks.

Not part of CI (it needs a real model); tested with the package's scripted models.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field
from math import comb
from pathlib import Path
from typing import Any

from pydantic import create_model
from sqlalchemy import Engine

from shopkeeper.cs.tau2.replay import Dataset, conversation, state_differences
from shopkeeper.cs.tau2.tools import Tau2Tools, ToolError
from shopkeeper.llm.base import Message, Model, ToolSpec

STOP = ("###STOP###", "###TRANSFER###", "###OUT-OF-SCOPE###")
MAX_TURNS = 30
MAX_TOOL_ROUNDS = 12
AGENT_GREETING = "Hi! How can I help you today?"

AGENT_PROMPT = """You are a customer service agent for an online retail store. Follow the policy
below exactly. Use the tools to look things up and to act; never invent information. Before any
action that changes the database, list the details and get the user's explicit confirmation (yes).
Make at most one tool call at a time and do not reply to the user while calling a tool.

<policy>
{policy}
</policy>"""

USER_PROMPT = """You are a customer contacting an online retail store's support agent. Follow
your instructions; reveal information only when the agent asks for it; write one short message at
a time, as a real customer would. Never invent information that is not in your instructions. When
your goal is met (or cannot be met), reply with exactly ###STOP###. If you are transferred to a
human agent, reply with ###TRANSFER###.

<instructions>
{instructions}
</instructions>"""


def tool_specs(tools: Tau2Tools) -> list[ToolSpec]:
    """The τ²-bench tools as model tools, from their signatures and docstrings."""
    specs = []
    for name, fn in inspect.getmembers(tools, inspect.ismethod):
        if name.startswith("_") or name == "call":
            continue
        fields: dict[str, Any] = {
            p.name: (p.annotation if p.annotation is not inspect.Parameter.empty else Any, ...)
            for p in inspect.signature(fn).parameters.values()
        }
        model = create_model(f"{name}_args", **fields)
        doc = (inspect.getdoc(fn) or name).strip()
        specs.append(ToolSpec(name=name, description=doc, parameters=model.model_json_schema()))
    return specs


def _said(required: list[str], agent_text: str) -> bool:
    folded = agent_text.lower().replace(",", "")
    return all(str(r).lower().replace(",", "") in folded for r in required)


@dataclass
class Trial:
    """One task, one trial."""

    task_id: str
    reward: float
    turns: int
    ended_by: str
    mismatches: list[str] = field(default_factory=list)


def run_trial(
    data: Dataset, task: dict[str, Any], agent: Model, user: Model, policy: str, engine: Engine
) -> Trial:
    """Play one task once and score it (its proposals and audit recorded in ``engine``)."""
    tools, backend = conversation(data.db, engine)
    specs = tool_specs(tools)
    instructions = json.dumps(task["user_scenario"]["instructions"], ensure_ascii=False, indent=1)
    agent_msgs = [
        Message(role="system", content=AGENT_PROMPT.format(policy=policy)),
        Message(role="assistant", content=AGENT_GREETING),
    ]
    user_msgs = [
        Message(role="system", content=USER_PROMPT.format(instructions=instructions)),
        Message(role="user", content=AGENT_GREETING),
    ]
    said, ended_by, turns = [AGENT_GREETING], "turn cap", 0
    for turns in range(1, MAX_TURNS + 1):  # noqa: B007 (the count is reported)
        text = user.request(user_msgs).text.strip()
        user_msgs.append(Message(role="assistant", content=text))
        if any(s in text for s in STOP):
            ended_by = "user"
            break
        agent_msgs.append(Message(role="user", content=text))
        reply, transferred = _agent_turn(agent, agent_msgs, specs, tools)
        said.append(reply)
        if transferred:
            ended_by = "transfer"
            break
        user_msgs.append(Message(role="user", content=reply))
    gold = data.gold[task["id"]]
    mismatches = state_differences(gold, backend)
    required = task.get("evaluation_criteria", {}).get("communicate_info") or []
    if not _said(required, "\n".join(said)):
        mismatches.append(f"did not tell the user: {required}")
    return Trial(task["id"], 0.0 if mismatches else 1.0, turns, ended_by, mismatches)


def _agent_turn(
    agent: Model, messages: list[Message], specs: list[ToolSpec], tools: Tau2Tools
) -> tuple[str, bool]:
    transferred = False
    for _ in range(MAX_TOOL_ROUNDS):
        response = agent.request(messages, specs)
        messages.append(
            Message(role="assistant", content=response.text, tool_calls=response.tool_calls)
        )
        if not response.tool_calls:
            return response.text, transferred
        for call in response.tool_calls:
            try:
                output = tools.call(call.name, dict(call.arguments))
            except (ToolError, TypeError) as exc:
                output = f"Error: {exc}"
            transferred |= call.name == "transfer_to_human_agents"
            messages.append(
                Message(role="tool", tool_call_id=call.id, name=call.name, content=output)
            )
    return "", transferred


@dataclass
class AgentBenchReport:
    """All trials, and pass^k as τ²-bench defines it."""

    trials: list[Trial]
    k: int

    def pass_hat(self, k: int) -> float:
        """Mean over tasks of C(c, k) / C(n, k)."""
        by_task: dict[str, list[float]] = {}
        for t in self.trials:
            by_task.setdefault(t.task_id, []).append(t.reward)
        scores = [comb(int(sum(r)), k) / comb(len(r), k) for r in by_task.values() if len(r) >= k]
        return round(sum(scores) / len(scores), 4) if scores else 0.0

    def figures(self) -> dict[str, Any]:
        """The summary printed by ``cs bench tau2 --model``."""
        tasks = {t.task_id for t in self.trials}
        out: dict[str, Any] = {
            "tasks": len(tasks),
            "trials": len(self.trials) // max(1, len(tasks)),
        }
        for k in range(1, self.k + 1):
            out[f"pass^{k}"] = self.pass_hat(k)
        return out


def select_tasks(folder: Path, data: Dataset, which: str) -> list[dict[str, Any]]:
    """``test`` / ``train`` / ``base`` (their split), ``all``, or comma-separated task ids."""
    if which == "all":
        return data.tasks
    split = json.loads((folder / "split_tasks.json").read_text(encoding="utf-8"))
    ids = set(split[which]) if which in split else {i.strip() for i in which.split(",")}
    return [t for t in data.tasks if t["id"] in ids]


def run_agent_bench(
    folder: Path,
    agent: Model,
    user: Model,
    engine: Engine,
    *,
    tasks: str = "test",
    trials: int = 1,
) -> AgentBenchReport:
    """Every selected task, ``trials`` times (each its own conversation in ``engine``)."""
    data = Dataset.load(folder)
    policy = (folder / "policy.md").read_text(encoding="utf-8")
    results = [
        run_trial(data, task, agent, user, policy, engine)
        for task in select_tasks(folder, data, tasks)
        for _ in range(trials)
    ]
    return AgentBenchReport(results, k=trials)
