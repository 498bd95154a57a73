"""What a store holds: tables, row counts, date ranges, gaps and data-quality warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from shopkeeper.store.coverage import day_range, table_days
from shopkeeper.store.schema import TABLES
from shopkeeper.store.validation import ident
from shopkeeper.store.warehouse import Warehouse

GAP_TABLES = ("orders", "traffic")
"""Tables where a day without rows inside their range is worth a warning."""


class TableInfo(BaseModel):
    """Rows held (one per primary key) and the dates they cover."""

    rows: int
    from_: dt.date | None = Field(default=None, alias="from", serialization_alias="from")
    to: dt.date | None = None
    days_without_data: list[dt.date] = Field(default_factory=list)

    model_config = {"populate_by_name": True}


class StoreInfo(BaseModel):
    """``shopkeeper store info`` as data."""

    store: str
    name: str | None = None
    platform: str | None = None
    timezone: str | None = None
    tables: dict[str, TableInfo]
    quarantined: int = 0
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The documented JSON shape: ``{"store", "tables": {name: {"rows","from","to"}}, "warnings"}``."""
        data = self.model_dump(mode="json", by_alias=True)
        return data

    def render(self, lang: str, currency: str = "") -> str:
        """The answer text: rows and dates per table, and what is quarantined."""
        zh = lang == "zh"
        lines = [
            f"店铺 {self.name or self.store}（{self.platform or '-'}）的数据："
            if zh
            else f"Data of {self.name or self.store} ({self.platform or '-'}):"
        ]
        for name, t in self.tables.items():
            span = f"{t.from_} ~ {t.to}" if t.from_ else ""
            lines.append(f"- {name}: {t.rows:,} {'行' if zh else 'rows'} {span}".rstrip())
        if self.quarantined:
            lines.append(
                f"隔离区有 {self.quarantined} 行待修正。"
                if zh
                else f"{self.quarantined} rows are quarantined."
            )
        return "\n".join(lines)

    def __rich__(self) -> RenderableType:
        title = f"Store '{self.store}'" + (
            f" — {self.name} ({self.platform}, {self.timezone})" if self.name else ""
        )
        grid = RichTable(title=title, title_justify="left")
        for col, justify in (
            ("table", "left"),
            ("rows", "right"),
            ("from", "left"),
            ("to", "left"),
            ("days without data", "right"),
        ):
            grid.add_column(col, justify=justify)  # type: ignore[arg-type]
        for name, t in self.tables.items():
            gaps = str(len(t.days_without_data)) if t.days_without_data else ""
            grid.add_row(
                name,
                f"{t.rows:,}",
                str(t.from_ or ""),
                str(t.to or ""),
                gaps,
                style="dim" if not t.rows else "",
            )
        parts: list[RenderableType] = [grid]
        if self.quarantined:
            parts.append(
                Text(
                    f"{self.quarantined:,} rows in quarantine: shopkeeper store quarantine --store {self.store}",
                    style="red",
                )
            )
        parts += [Text(f"! {w}", style="yellow") for w in self.warnings]
        return Group(*parts)


def _missing_days(wh: Warehouse, table: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days from ``start`` to ``end`` without a row of the daily ``table``."""
    days = table_days(wh.con, table)
    span = (end - start).days + 1
    return [d for k in range(span) if (d := start + dt.timedelta(days=k)) not in days]


def store_info(wh: Warehouse, store: str) -> StoreInfo:
    """Describe a store's warehouse."""
    tables: dict[str, TableInfo] = {}
    rows = wh.counts(TABLES)
    for name, spec in TABLES.items():
        info = TableInfo(rows=rows[name])
        if info.rows and spec.time_column:
            info.from_, info.to = day_range(wh.con, name)
            if name in GAP_TABLES and info.from_ and info.to:
                info.days_without_data = _missing_days(wh, name, info.from_, info.to)
        tables[name] = info
    config = wh.store_config()
    row = wh.con.execute("SELECT count(*) FROM _quarantine").fetchone()
    result = StoreInfo(
        store=store,
        name=config.name if config else None,
        platform=config.platform if config else None,
        timezone=config.timezone if config else None,
        tables=tables,
        quarantined=int(row[0]) if row else 0,
    )
    result.warnings = quality_warnings(wh, tables)
    return result


def _scalar(wh: Warehouse, sql: str) -> int:
    row = wh.con.execute(sql).fetchone()
    return int(row[0] or 0) if row else 0


def _fmt_days(days: list[dt.date]) -> str:
    shown = ", ".join(d.isoformat() for d in days[:5])
    return shown + (f" … (+{len(days) - 5} more)" if len(days) > 5 else "")


def quality_warnings(wh: Warehouse, tables: dict[str, TableInfo]) -> list[str]:
    """Data-quality problems a merchant should know about before trusting the analysis."""
    out: list[str] = []
    if tables["orders"].rows:
        n = _scalar(
            wh,
            "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.order_id)",
        )
        if n:
            out.append(f"{n:,} orders have no order_items rows")
        n = _scalar(
            wh,
            "SELECT count(*) FROM orders WHERE status IN ('paid','shipped','delivered','completed') AND paid_at IS NULL",
        )
        if n:
            out.append(f"{n:,} paid/shipped orders have no paid_at time")
    for name in GAP_TABLES:
        gaps = tables[name].days_without_data
        if gaps:
            out.append(
                f"{name}: {len(gaps)} day{'s' if len(gaps) > 1 else ''} without data: {_fmt_days(gaps)}"
            )
    orders, traffic = tables["orders"], tables["traffic"]
    if orders.rows and not traffic.rows:
        out.append("no traffic data: visitor and conversion checks will be skipped")
    elif orders.to and traffic.to and traffic.to < orders.to:
        out.append(f"traffic ends on {traffic.to}, before the last order day {orders.to}")
    inventory = tables["inventory"]
    if orders.to and inventory.to and (orders.to - inventory.to).days > 1:
        out.append(
            f"latest inventory snapshot is {inventory.to}, {(orders.to - inventory.to).days} days before the last order"
        )
    if tables["products"].rows:
        n = _scalar(wh, "SELECT count(*) FROM products WHERE cost IS NULL")
        if n:
            out.append(f"{n:,} SKUs have no cost: margins and below-cost checks are partial")
    for table_name, spec in TABLES.items():
        for fk in spec.foreign_keys:
            if fk.strict or not tables[table_name].rows:
                continue
            n = _scalar(
                wh,
                f"""SELECT count(*) FROM {ident(table_name)} t WHERE t.{ident(fk.column)} IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM {ident(fk.ref_table)} r WHERE r.{ident(fk.ref_column)} = t.{ident(fk.column)})""",
            )
            if n:
                out.append(
                    f"{table_name}: {n:,} rows mention a {fk.column} that is not in {fk.ref_table}"
                )
    return out
