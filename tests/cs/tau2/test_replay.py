"""Replaying every task's gold calls through our tools gives τ²-bench's own record changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.cs.tau2.replay import Dataset, replay, replay_task

pytestmark = pytest.mark.dataset


def test_every_task_replays_to_their_records_and_outputs(tau2_folder: Path, engine: Engine) -> None:
    report = replay(tau2_folder, engine, forbidden=False)
    assert len(report.tasks) == 114
    bad = {t.task_id: t.mismatches for t in report.tasks if not t.state_matches}
    assert report.state_matches / len(report.tasks) == 1.0, bad
    assert all(t.outputs_match for t in report.tasks)
    # calls that fail on purpose in theirs (wrong ids, exchange of a pending order, a gift card
    # short of the difference) fail in ours too
    failing = [c for t in report.tasks for c in t.calls if not c.gold_ok]
    assert len(failing) == 18
    assert not any(c.ok for c in failing)


def test_the_multi_item_modify_quirk_is_matched(tau2: Dataset, engine: Engine) -> None:
    """Tasks 20, 21, 36, 37, 100: every swapped item takes the last new variant's price."""
    for task in (t for t in tau2.tasks if t["id"] in {"20", "21", "36", "37", "100"}):
        assert replay_task(tau2, task, engine).state_matches


def test_tasks_without_a_lookup_authenticate_from_the_scenario(
    tau2: Dataset, engine: Engine
) -> None:
    task = next(t for t in tau2.tasks if t["id"] == "70")
    result = replay_task(tau2, task, engine)
    assert result.authenticated_from_scenario
    assert result.state_matches


def test_cli_prints_the_four_figures(tau2_folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["cs", "bench", "tau2", "--replay", "--format", "json", "--path", str(tau2_folder)]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert list(figures) == ["tasks", "state_matches", "forbidden_total", "forbidden_refused"]
    assert figures["tasks"] == figures["state_matches"] == 114
    assert figures["forbidden_refused"] == figures["forbidden_total"] > 900
    text = CliRunner().invoke(app, ["cs", "bench", "tau2", "--replay", "--path", str(tau2_folder)])
    assert "114/114" in text.output


def test_cli_model_refuses_models_that_cannot_play_the_customer() -> None:
    result = CliRunner().invoke(app, ["cs", "bench", "tau2", "--model", "offline"])
    assert result.exit_code == 1
    assert "needs real LLMs" in result.output
