"""``shopkeeper cs``: customer service (店小蜜) — knowledge base, benchmarks.

``cs.app`` is the group; ``kb`` (:mod:`shopkeeper.cli.cs_kb`) and ``bench`` join it here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from shopkeeper.cli import cs_kb
from shopkeeper.cli.common import FormatOpt, OutputFormat, console, print_json, settings
from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from shopkeeper.cs.tau2.replay import ReplayReport

app = typer.Typer(
    help="Customer service (店小蜜): knowledge base, benchmarks.", no_args_is_help=True
)
app.add_typer(cs_kb.app, name="kb")

bench = typer.Typer(help="Benchmarks of the customer-service agent.", no_args_is_help=True)
app.add_typer(bench, name="bench")


def _render(report: ReplayReport) -> None:
    figures = report.figures()
    console.print(
        f"τ²-bench retail replay: {figures['state_matches']}/{figures['tasks']} tasks give the "
        f"same records as theirs; {figures['forbidden_refused']}/{figures['forbidden_total']} "
        "forbidden scenarios refused.",
        highlight=False,
    )
    scenario = sum(t.authenticated_from_scenario for t in report.tasks)
    console.print(
        f"{sum(t.outputs_match for t in report.tasks)}/{figures['tasks']} tasks with every output "
        f"identical; {scenario} tasks authenticated the user from the scenario (their gold calls "
        "skip the lookup).",
        highlight=False,
    )
    bad = [t for t in report.tasks if not t.state_matches]
    if bad:
        grid = Table(title=f"{len(bad)} tasks that differ", title_justify="left")
        grid.add_column("task")
        grid.add_column("mismatches", overflow="fold")
        for t in bad:
            grid.add_row(t.task_id, "\n".join(t.mismatches))
        console.print(grid)
    for line in report.forbidden_failures:
        console.print(f"[red]not refused:[/] {line}", highlight=False)


@bench.command("tau2")
def tau2(
    do_replay: Annotated[
        bool, typer.Option("--replay", help="Replay the gold tool calls and forbidden scenarios.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Run the full agent benchmark with this LLM as the agent (provider:model).",
        ),
    ] = None,
    user_model: Annotated[
        str | None,
        typer.Option("--user-model", help="The LLM playing the customer (default: --model)."),
    ] = None,
    tasks: Annotated[
        str, typer.Option(help="test | train | base | all, or comma-separated task ids.")
    ] = "test",
    trials: Annotated[int, typer.Option(min=1, help="Trials per task (pass^1..pass^k).")] = 1,
    path: Annotated[
        Path | None, typer.Option(help="The tau2_retail folder (default: the shared datasets).")
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """τ²-bench retail: replay the gold calls through our tools and policy (--replay)."""
    if model is not None:
        _agent_bench(model, user_model or model, tasks, trials, path, fmt)
        return
    if not do_replay:
        raise ConfigError("say what to run: --replay, or --model PROVIDER:MODEL")
    from shopkeeper.cs.tau2.replay import DATASET, replay  # loads only for the benchmark
    from shopkeeper.store.service import default_datasets_dir

    folder = path or default_datasets_dir(settings()) / DATASET
    with _scratch_engine() as engine:
        report = replay(folder, engine)
    if fmt is OutputFormat.json:
        print_json(report.figures())
        return
    _render(report)


@contextmanager
def _scratch_engine() -> Iterator[Engine]:
    """A throw-away operational database in memory (a benchmark's proposals, actions, audit)."""
    from shopkeeper.opsdb import ops_engine

    with tempfile.TemporaryDirectory() as home:
        engine = ops_engine(Settings(home=Path(home), ops_url="sqlite://"))
    try:
        yield engine
    finally:
        engine.dispose()


def _agent_bench(
    model: str, user_model: str, tasks: str, trials: int, path: Path | None, fmt: OutputFormat
) -> None:
    from shopkeeper.cs.tau2.agent_bench import run_agent_bench
    from shopkeeper.cs.tau2.replay import DATASET
    from shopkeeper.llm.registry import infer_model
    from shopkeeper.store.service import default_datasets_dir

    if model.split(":")[0] in ("offline", "test") or user_model.split(":")[0] in (
        "offline",
        "test",
    ):
        raise ConfigError("the agent benchmark needs real LLMs for the agent and the customer")
    config = settings()
    folder = path or default_datasets_dir(config) / DATASET
    with _scratch_engine() as engine:
        report = run_agent_bench(
            folder,
            infer_model(model, config),
            infer_model(user_model, config),
            engine,
            tasks=tasks,
            trials=trials,
        )
    if fmt is OutputFormat.json:
        print_json(report.figures())
        return
    for t in report.trials:
        mark = "✓" if t.reward else "✗"
        console.print(
            f"{mark} task {t.task_id}: {t.turns} turns, ended by {t.ended_by}"
            + (f" — {'; '.join(t.mismatches[:3])}" if t.mismatches else ""),
            highlight=False,
        )
    console.print(report.figures())
