"""``shopkeeper runs``: what the team did — every run, its steps, and replays."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from shopkeeper.agents.service import ask as ask_team
from shopkeeper.agents.traces import Run, get_run, list_runs
from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    print_json,
)

app = typer.Typer(help="Agent runs: list, show their steps, replay them.", no_args_is_help=True)
RunId = Annotated[str, typer.Argument(help="Run id (see `shopkeeper runs list`).")]


@app.command("list")
def list_(
    store: StoreOpt,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The latest runs of a store."""
    found = list_runs(app_context().engine, store, limit=limit)
    if fmt is OutputFormat.json:
        print_json([r.model_dump(mode="json") for r in found])
        return
    grid = Table(title=f"{len(found)} runs", title_justify="left")
    for col in (
        "run",
        "when",
        "status",
        "model",
        "request",
        "skills",
        "requests",
        "tools",
        "tokens",
    ):
        grid.add_column(col, overflow="fold")
    for r in found:
        u = r.usage
        grid.add_row(
            r.run_id,
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.status,
            r.model,
            r.request[:60],
            ", ".join(r.skills),
            str(u.requests),
            str(u.tool_calls),
            str(u.input_tokens + u.output_tokens),
        )
    console.print(grid)


def _render(run: Run) -> None:
    console.print(
        f"[bold]run {run.run_id}[/] · {run.status} · {run.model} · {run.started_at:%Y-%m-%d %H:%M:%S}"
        + (f" · replay of {run.replay_of}" if run.replay_of else ""),
        highlight=False,
    )
    console.print(f"[bold]request:[/] {run.request}", highlight=False, markup=False)
    grid = Table(title="steps", title_justify="left")
    for col in ("#", "kind", "agent", "name", "arguments", "ok", "ms", "tokens"):
        grid.add_column(col, overflow="fold")
    for s in run.steps:
        grid.add_row(
            str(s.idx),
            s.kind,
            s.agent,
            s.name,
            str(s.arguments or "")[:80],
            "✓" if s.ok else f"✗ {s.error or ''}"[:60],
            f"{s.ms:.1f}",
            str(s.input_tokens + s.output_tokens),
        )
    console.print(grid)
    if run.error:
        console.print(f"[red]error:[/] {run.error}", highlight=False)
    console.print(run.answer or "", highlight=False, markup=False)
    u = run.usage
    cost = "—" if run.cost is None else f"{run.cost:.4f}"
    console.print(
        f"[dim]{u.requests} model requests · {u.tool_calls} tool calls · "
        f"{u.input_tokens}+{u.output_tokens} tokens · cost {cost}[/]"
    )


@app.command()
def show(run_id: RunId, store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """One run: the plan, every step with its arguments and timing, the answer, usage and cost."""
    run = get_run(app_context().engine, store, run_id)
    if fmt is OutputFormat.json:
        print_json(run.model_dump(mode="json"))
        return
    _render(run)


@app.command()
def replay(
    run_id: RunId,
    store: StoreOpt,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Run the request again against today's data.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model for --rerun (default: the configured one)."),
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Re-render a run from its record, or (--rerun) run its request again as a new, linked run."""
    run = get_run(app_context().engine, store, run_id)
    if rerun:
        result = ask_team(
            app_context(), store, run.request, model=model, lang=run.lang, replay_of=run.run_id
        )
        run = get_run(app_context().engine, store, result.run_id)
    if fmt is OutputFormat.json:
        print_json(run.model_dump(mode="json"))
        return
    _render(run)
