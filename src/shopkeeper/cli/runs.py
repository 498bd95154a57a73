"""``shopkeeper runs``: what the team did — every run, its steps, and replays."""

from __future__ import annotations

from typing import Annotated

import typer

from shopkeeper.agents.service import ask as ask_team
from shopkeeper.agents.traces import Run, get_run, list_runs
from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    print_json,
    show_records,
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
    show_records(
        found,
        fmt,
        f"{len(found)} runs",
        {
            "run": lambda r: r.run_id,
            "when": lambda r: f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            "status": lambda r: r.status,
            "model": lambda r: r.model,
            "request": lambda r: r.request[:60],
            "skills": lambda r: ", ".join(r.skills),
            "requests": lambda r: r.usage.requests,
            "tools": lambda r: r.usage.tool_calls,
            "tokens": lambda r: r.usage.input_tokens + r.usage.output_tokens,
        },
    )


def _render(run: Run) -> None:
    console.print(
        f"[bold]run {run.run_id}[/] · {run.status} · {run.model} · {run.started_at:%Y-%m-%d %H:%M:%S}"
        + (f" · replay of {run.replay_of}" if run.replay_of else ""),
        highlight=False,
    )
    console.print(f"[bold]request:[/] {run.request}", highlight=False, markup=False)
    show_records(
        run.steps,
        OutputFormat.text,
        "steps",
        {
            "#": lambda s: s.idx,
            "kind": lambda s: s.kind,
            "agent": lambda s: s.agent,
            "name": lambda s: s.name,
            "arguments": lambda s: str(s.arguments or "")[:80],
            "ok": lambda s: "✓" if s.ok else f"✗ {s.error or ''}"[:60],
            "ms": lambda s: f"{s.ms:.1f}",
            "tokens": lambda s: s.input_tokens + s.output_tokens,
        },
    )
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
