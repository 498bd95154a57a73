"""``shopkeeper cs kb``: the customer-service knowledge base of a store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    console,
    print_json,
    settings,
    show_records,
)
from shopkeeper.clock import now
from shopkeeper.cs.kb.models import ENTRY_KINDS, EntryKind

if TYPE_CHECKING:
    from shopkeeper.cs.kb import BuildReport, KbHit

app = typer.Typer(
    help="Knowledge base for customer service: products, promotions, documents, past chats.",
    no_args_is_help=True,
)
KindOpt = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help=f"Only these kinds (repeatable): {', '.join(ENTRY_KINDS)}."),
]


def _kinds(kinds: list[str] | None) -> list[EntryKind] | None:
    bad = [k for k in kinds or [] if k not in ENTRY_KINDS]
    if bad:
        raise typer.BadParameter(f"unknown kind {bad[0]!r}; use {', '.join(ENTRY_KINDS)}")
    return [k for k in ENTRY_KINDS if k in (kinds or [])] or None


def _report(report: BuildReport, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        print_json(report.model_dump(mode="json"))
        return
    kinds = ", ".join(f"{n} {k}" for k, n in report.by_kind.items())
    console.print(
        f"[bold]{report.entries}[/] entries ({kinds}) from {report.documents} documents; "
        f"embedded {report.embedded}, reused {report.reused}, removed {report.removed} "
        f"in {report.seconds:.1f} s"
    )
    if report.skipped_chats:
        console.print(f"chats: {report.skipped_chats}")
    if report.skipped_links:
        console.print(
            "[yellow]warning:[/] symbolic links skipped (never followed): "
            + ", ".join(report.skipped_links)
        )


@app.command("build")
def build_(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """(Re)build from the warehouse, the documents added before and the past chats."""
    from shopkeeper.cs.kb import build  # the retrieval stack loads only for kb commands

    _report(build(settings(), store), fmt)


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(help="Document files or folders.")],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Add merchant documents (Markdown, TXT, HTML, DOCX, PDF, FAQ XLSX/CSV) and rebuild."""
    from shopkeeper.cs.kb import build

    _report(build(settings(), store, add=paths), fmt)


@app.command()
def remove(
    paths: Annotated[list[Path], typer.Argument(help="Document files or folders added before.")],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Forget documents added before and rebuild."""
    from shopkeeper.cs.kb import build

    _report(build(settings(), store, remove=paths), fmt)


@app.command("list")
def list_(
    store: StoreOpt,
    kind: KindOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 50,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The entries of the knowledge base."""
    wanted = _kinds(kind)
    from shopkeeper.cs.kb import open_kb

    entries = [e for e in open_kb(settings(), store).entries if not wanted or e.kind in wanted]
    shown = entries[:limit] if limit else entries
    show_records(
        shown,
        fmt,
        f"{len(entries)} entries",
        {
            "id": lambda e: e.id,
            "kind": lambda e: e.kind,
            "title": lambda e: e.title,
            "source": lambda e: e.source.ref,
        },
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A buyer's question.")],
    store: StoreOpt,
    k: Annotated[int, typer.Option("--top", "-n", help="Number of hits.")] = 5,
    kind: KindOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The entries that best answer a question, with their sources."""
    config = settings()
    from shopkeeper.cs.kb import open_kb, supported

    hits = open_kb(config, store).search(query, k, _kinds(kind), now=now(config))
    ok = supported(hits, query)
    if fmt is OutputFormat.json:
        print_json({"query": query, "supported": ok, "hits": [_hit_json(h) for h in hits]})
        return
    grid = Table(
        title=f"{query} — {'supported' if ok else 'not supported: offer a human'}",
        title_justify="left",
    )
    for col in ("score", "kind", "title", "text", "source"):
        grid.add_column(col, overflow="fold")
    for h in hits:
        grid.add_row(f"{h.score:.4f}", h.entry.kind, h.entry.title, h.entry.text, h.citation)
    console.print(grid)


def _hit_json(hit: KbHit) -> dict[str, object]:
    return {
        "score": hit.score,
        "citation": hit.citation,
        "bm25_rank": hit.bm25_rank,
        "dense_rank": hit.dense_rank,
        "dense_similarity": hit.dense_similarity,
        "boosts": hit.boosts,
        "entry": hit.entry.model_dump(mode="json"),
    }
