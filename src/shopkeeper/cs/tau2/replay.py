"""Replay τ²-bench's gold tool calls through our tools and compare with ``gold_outcomes.json``.

For each task: a fresh backend over ``db.json``, one conversation, every gold call in order;
a task *matches* when the records it changed (users, orders, products) are exactly those
τ²-bench's own environment changed, and every call fails exactly where theirs failed.

Some tasks' gold calls start acting without looking the user up (their evaluator only replays
the database writes); our tools refuse an unauthenticated buyer, so for those the conversation
first authenticates the user from the scenario's ``known_info`` (email, or name + zip) through
the same lookup tools — :attr:`TaskResult.authenticated_from_scenario` says which.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from shopkeeper.cs.aftersale.service import AfterSale
from shopkeeper.cs.tau2.backend import ORDER_OPTIONAL, Tau2Backend, load_db
from shopkeeper.cs.tau2.tools import TAU2_POLICY, Tau2Tools, ToolError
from shopkeeper.errors import DatasetNotFound

DATASET = "tau2_retail"
_LOOKUPS = ("find_user_id_by_email", "find_user_id_by_name_zip")
_PUBLIC = (
    "get_product_details",
    "get_item_details",
    "list_all_product_types",
    "calculate",
    "think",
    "transfer_to_human_agents",
)


@dataclass(frozen=True)
class Dataset:
    """The τ²-bench retail files."""

    db: dict[str, Any]
    tasks: list[dict[str, Any]]
    gold: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Dataset:
        """Read ``db.json``, ``tasks.json`` and ``gold_outcomes.json`` from ``folder``."""
        if not (folder / "tasks.json").exists():
            raise DatasetNotFound(
                f"no τ²-bench retail tasks at {folder}; see ../shared/datasets/README.md"
            )
        tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
        gold = json.loads((folder / "gold_outcomes.json").read_text(encoding="utf-8"))
        return cls(db=load_db(folder), tasks=tasks, gold={t["id"]: t for t in gold["tasks"]})


def conversation(db: dict[str, Any], engine: Engine) -> tuple[Tau2Tools, Tau2Backend]:
    """A fresh backend and one conversation on it (its own store name in ``engine``)."""
    backend = Tau2Backend(db)
    store = f"tau2-{uuid.uuid4().hex[:8]}"
    return Tau2Tools(AfterSale(backend, TAU2_POLICY, engine, store), backend), backend


@dataclass
class CallResult:
    """One gold call replayed."""

    name: str
    ok: bool
    gold_ok: bool
    output_matches: bool


@dataclass
class TaskResult:
    """One task replayed and compared."""

    task_id: str
    state_matches: bool
    calls: list[CallResult] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    authenticated_from_scenario: bool = False

    @property
    def outputs_match(self) -> bool:
        """Every call's output equals theirs (as cut at 2,000 characters)."""
        return all(c.output_matches for c in self.calls)


def _normalise(collection: str, record: dict[str, Any]) -> dict[str, Any]:
    if collection == "orders":
        return {**record, **{k: record.get(k) for k in ORDER_OPTIONAL}}
    return record


def authenticate_from_scenario(tools: Tau2Tools, task: dict[str, Any]) -> bool:
    """Look the user up from the scenario's ``known_info`` (emails first, then name + zip)."""
    info = task["user_scenario"]["instructions"].get("known_info") or ""
    for email in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]*\w", info):
        try:
            tools.find_user_id_by_email(email)
            return True
        except ToolError:
            continue
    name = re.search(r"(?:name is|You're|You are)\s+([A-Z][\w'-]+)\s+([A-Z][\w'-]+)", info)
    zip_code = re.search(r"\b(\d{5})\b", info)
    if name and zip_code:
        try:
            tools.find_user_id_by_name_zip(name.group(1), name.group(2), zip_code.group(1))
            return True
        except ToolError:
            return False
    return False


def needs_scenario_login(actions: list[dict[str, Any]]) -> bool:
    """Whether a user-scoped call comes before any lookup in the gold calls."""
    for action in actions:
        if action["name"] in _LOOKUPS:
            return False
        if action["name"] not in _PUBLIC:
            return True
    return False


def replay_task(data: Dataset, task: dict[str, Any], engine: Engine) -> TaskResult:
    """Replay one task's gold calls and compare with theirs."""
    tools, backend = conversation(data.db, engine)
    gold = data.gold[task["id"]]
    result = TaskResult(task_id=task["id"], state_matches=False)
    if needs_scenario_login(gold["actions"]):
        result.authenticated_from_scenario = authenticate_from_scenario(tools, task)
    for i, action in enumerate(gold["actions"]):
        gold_ok = "error" not in action
        try:
            output, ok = tools.call(action["name"], dict(action["arguments"])), True
        except ToolError as exc:
            output, ok = str(exc), False
        except (TypeError, KeyError) as exc:  # arguments their tool would reject too
            output, ok = str(exc), False
        same = (output[:2000] == action.get("output")) if ok and gold_ok else ok == gold_ok
        result.calls.append(CallResult(action["name"], ok, gold_ok, same))
        if ok != gold_ok:
            why = action.get("error", "") if not ok else output
            result.mismatches.append(
                f"call {i} {action['name']}: {'failed' if not ok else 'succeeded'} where theirs "
                f"{'succeeded' if gold_ok else 'failed'} ({why or output})"
            )
    result.mismatches += state_differences(gold, backend)
    result.state_matches = not result.mismatches
    return result


def state_differences(gold: dict[str, Any], backend: Tau2Backend) -> list[str]:
    """How the records our backend changed differ from those τ²-bench's gold calls changed."""
    ours = backend.changes()
    found: list[str] = []
    for collection in ("users", "orders", "products"):
        theirs = {
            k: _normalise(collection, v) for k, v in gold["diff"][collection]["changed"].items()
        }
        mine = {k: _normalise(collection, v) for k, v in ours[collection].items()}
        if gold["diff"][collection]["added"] or gold["diff"][collection]["removed"]:
            found.append(f"{collection}: theirs added/removed records")
        for key in sorted(set(theirs) | set(mine)):
            if theirs.get(key) != mine.get(key):
                found.append(f"{collection} {key}: record differs")
    return found


@dataclass
class ReplayReport:
    """Every task replayed, and the forbidden scenarios tried."""

    tasks: list[TaskResult]
    forbidden_total: int = 0
    forbidden_refused: int = 0
    forbidden_failures: list[str] = field(default_factory=list)

    @property
    def state_matches(self) -> int:
        """Tasks whose changes equal theirs (and whose calls fail exactly where theirs did)."""
        return sum(t.state_matches for t in self.tasks)

    def figures(self) -> dict[str, int]:
        """The four figures ``shopkeeper cs bench tau2 --replay --format json`` prints."""
        return {
            "tasks": len(self.tasks),
            "state_matches": self.state_matches,
            "forbidden_total": self.forbidden_total,
            "forbidden_refused": self.forbidden_refused,
        }


def replay(folder: Path, engine: Engine, *, forbidden: bool = True) -> ReplayReport:
    """Replay every task (and, with ``forbidden``, every forbidden scenario derived from them),
    recording proposals, actions and audit in ``engine`` (the caller's throw-away database).
    """
    data = Dataset.load(folder)
    report = ReplayReport(tasks=[replay_task(data, task, engine) for task in data.tasks])
    if forbidden:
        from shopkeeper.cs.tau2.forbidden import run_forbidden  # the scenarios build on replay

        outcomes = run_forbidden(data, engine)
        report.forbidden_total = len(outcomes)
        report.forbidden_refused = sum(o.refused for o in outcomes)
        report.forbidden_failures = [o.describe() for o in outcomes if not o.refused]
    return report
