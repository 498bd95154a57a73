"""What an import did, as data that also renders itself for the terminal."""

from __future__ import annotations

from pydantic import BaseModel, Field
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text


class TableResult(BaseModel):
    """One table's outcome."""

    files: list[str]
    rows_read: int = 0
    imported: int = 0
    bad: int = 0
    duplicates: int = Field(default=0, description="exact duplicate rows collapsed into one")


class ImportReport(BaseModel):
    """The summary printed at the end of ``shopkeeper store import``."""

    store: str
    source: str
    import_id: int
    tables: dict[str, TableResult] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def bad_rows(self) -> int:
        """Rows quarantined by this import."""
        return sum(t.bad for t in self.tables.values())

    def __rich__(self) -> RenderableType:
        grid = RichTable(
            title=f"Imported into store '{self.store}' in {self.seconds:.1f} s",
            title_justify="left",
        )
        for name, justify in (
            ("table", "left"),
            ("files", "left"),
            ("rows read", "right"),
            ("imported", "right"),
            ("bad", "right"),
        ):
            grid.add_column(name, justify=justify)  # type: ignore[arg-type]
        for name, t in self.tables.items():
            files = (
                ", ".join(t.files) if len(t.files) < 4 else f"{t.files[0]} … (+{len(t.files) - 1})"
            )
            grid.add_row(
                name,
                files,
                f"{t.rows_read:,}",
                f"{t.imported:,}",
                Text(f"{t.bad:,}", style="red" if t.bad else ""),
            )
        parts: list[RenderableType] = [grid]
        parts += [Text(f"! {w}", style="yellow") for w in self.warnings]
        parts += [Text(f"· {n}", style="dim") for n in self.notes]
        return Group(*parts)
