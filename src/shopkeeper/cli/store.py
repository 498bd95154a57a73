"""``shopkeeper store``: import data, look at what a store holds, and at what was quarantined."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    console,
    print_json,
    settings,
    show_records,
)
from shopkeeper.store.importer import Progress as ProgressFn
from shopkeeper.store.info import store_info
from shopkeeper.store.quarantine import QuarantinedRow, export_csv, quarantined_rows
from shopkeeper.store.report import ImportReport
from shopkeeper.store.service import import_online_retail, import_path
from shopkeeper.store.warehouse import Warehouse, existing_store_dir

T = TypeVar("T")

app = typer.Typer(help="Import store data and inspect what a store holds.", no_args_is_help=True)


def with_progress(fmt: OutputFormat, job: Callable[[ProgressFn | None], T]) -> T:
    """Run ``job`` with a progress bar on a terminal (none for JSON output or when piped)."""
    if fmt is OutputFormat.json or not console.is_terminal:
        return job(None)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("reading", total=None)

        def progress(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        return job(progress)


def show_report(report: ImportReport, fmt: OutputFormat) -> None:
    """Print an import summary."""
    if fmt is OutputFormat.json:
        print_json(report.model_dump(mode="json"))
    else:
        console.print(report)


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="A store folder (store.toml + table files) or one table file.")
    ],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
    timezone: Annotated[
        str, typer.Option(help="Store time zone for Shopify exports (IANA name).")
    ] = "UTC",
) -> None:
    """Validate and load store data; bad rows are quarantined, good rows imported (upsert).

    PATH is a contract store folder (store.toml + products/orders/order_items ...), one table file,
    or a folder of Shopify order/product CSV exports (recognised by their headers).
    """
    report = with_progress(
        fmt, lambda p: import_path(path, store, settings=settings(), timezone=timezone, progress=p)
    )
    show_report(report, fmt)


@app.command("import-dataset")
def import_dataset(
    dataset: Annotated[
        str, typer.Argument(help="Dataset name: online-retail (UCI Online Retail I + II).")
    ],
    store: StoreOpt,
    path: Annotated[Path | None, typer.Option(help="Folder holding the dataset's files.")] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Turn a public dataset into a store (e.g. UCI Online Retail → uk-gifts)."""
    if dataset != "online-retail":
        raise typer.BadParameter(
            f"unknown dataset {dataset!r}; available: online-retail", param_hint="DATASET"
        )
    report, notes = with_progress(
        fmt, lambda p: import_online_retail(settings(), store, path=path, progress=p)
    )
    report.notes[:0] = notes
    show_report(report, fmt)


@app.command()
def info(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """Tables, row counts, date ranges, days with no data and data-quality warnings."""
    with Warehouse.open(existing_store_dir(settings(), store), read_only=True) as wh:
        result = store_info(wh, store)
    if fmt is OutputFormat.json:
        print_json(result.to_json_dict())
    else:
        console.print(result)


@app.command()
def quarantine(
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
    table: Annotated[str | None, typer.Option(help="Only this table.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Export to this CSV file (UTF-8, opens in Excel).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show in text output.")] = 50,
) -> None:
    """List (or export) the rows that broke the data contract, with file, line, column and reason."""
    with Warehouse.open(existing_store_dir(settings(), store), read_only=True) as wh:
        rows = quarantined_rows(wh, table=table)
    if out is not None:
        export_csv(rows, out)
        console.print(f"{len(rows):,} quarantined rows written to {out}")
    elif fmt is OutputFormat.text and not rows:
        console.print("No quarantined rows.")
    else:
        _show_quarantine(rows, fmt, limit)


def _show_quarantine(rows: list[QuarantinedRow], fmt: OutputFormat, limit: int) -> None:
    """Every row as JSON; the first ``limit`` as a table, with how many more there are."""
    shown = rows if fmt is OutputFormat.json else rows[:limit]
    show_records(
        shown,
        fmt,
        f"{len(rows):,} quarantined rows",
        {
            "table": lambda r: r.table,
            "file": lambda r: Path(r.file).name,
            "line": lambda r: r.line,
            "column": lambda r: r.column,
            "reason": lambda r: r.reason,
        },
    )
    if len(shown) < len(rows):
        console.print(f"… {len(rows) - limit:,} more; use --out FILE.csv or --format json for all")
