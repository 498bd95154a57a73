"""``shopkeeper cs``: customer service (店小蜜) — knowledge base, benchmarks.

``cs.app`` is the group; ``kb`` (:mod:`shopkeeper.cli.cs_kb`) and ``bench`` join it here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from shopkeeper.cli import cs_kb
from shopkeeper.cli.common import FormatOpt, OutputFormat, console, print_json, settings
from shopkeeper.errors import ConfigError

if TYPE_CHECKING:
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
            "--model", help="Run the full agent benchmark with this LLM (not yet available)."
        ),
    ] = None,
    path: Annotated[
        Path | None, typer.Option(help="The tau2_retail folder (default: the shared datasets).")
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """τ²-bench retail: replay the gold calls through our tools and policy (--replay)."""
    if model is not None:
        raise ConfigError(
            f"--model {model!r}: the LLM-driven agent benchmark (user simulator, pass^k) is not "
            "available yet; use --replay for the conformance replay"
        )
    if not do_replay:
        raise ConfigError("say what to run: --replay (or, later, --model PROVIDER:MODEL)")
    from shopkeeper.cs.tau2.replay import DATASET, replay  # loads only for the benchmark
    from shopkeeper.store.service import default_datasets_dir

    folder = path or default_datasets_dir(settings()) / DATASET
    report = replay(folder)
    if fmt is OutputFormat.json:
        print_json(report.figures())
        return
    _render(report)
