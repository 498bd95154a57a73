"""What the data skills share: the store opened read-only, its language, periods, and the fields
every answer carries (tables it lacks, recommended actions).

A skill whose table holds no data answers with ``missing`` naming it and a ``note`` saying so —
it never fails on a store that only has products, orders and order_items.

>>> previous_window(dt.date(2026, 11, 15), dt.date(2026, 11, 21))
(datetime.date(2026, 11, 8), datetime.date(2026, 11, 14))
>>> pct_change(120.0, 100.0), pct_change(5.0, 0.0)
(20.0, None)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel, Field

from shopkeeper.skills.registry import SkillContext
from shopkeeper.skills.render import Lang, currency_of, generic, tr
from shopkeeper.skills.sales import Period, _bounds
from shopkeeper.store.config import DEFAULT_CURRENCY, StoreConfig
from shopkeeper.store.query import Query
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse, existing_store_dir
from shopkeeper.text import lang_of, pick

DEFAULT_PROMISE_HOURS = 48.0


class Recommendation(BaseModel):
    """A concrete next step; ``action``/``params`` are ready for ``propose_action`` when set."""

    text: str = Field(description="what to do and why, in the answer's language")
    action: str | None = Field(
        default=None, description="typed action to propose (e.g. change_bid), if any"
    )
    params: dict[str, Any] = Field(default_factory=dict, description="the action's arguments")


class DataAnswer(BaseModel):
    """Fields every data answer carries."""

    missing: list[str] = Field(
        default_factory=list, description="tables this answer needs that hold no data in the store"
    )
    note: str | None = Field(default=None, description="why the answer is empty or partial")
    currency: str = Field(default="", description="currency of every money field")
    recommendations: list[Recommendation] = Field(default_factory=list)

    def render(self, lang: Lang, currency: str = "") -> str:
        """The answer text (a skill's answer overrides this generic listing of its fields)."""
        return generic(self, lang)

    def money_in(self, currency: str) -> str:
        """The answer's currency, else the store's (else the default of ``store.toml``)."""
        return currency_of(self.currency, currency)

    def tail(self, lang: Lang) -> list[str]:
        """The lines every answer ends with: up to three recommendations, the note, missing data."""
        lines = []
        recs = [r.text for r in self.recommendations if r.text]
        if recs:
            lines.append(tr(lang, "建议：", "Recommended:"))
            lines += [f"- {r}" for r in recs[:3]]
        if self.note:
            lines.append(self.note)
        if self.missing:
            lines.append(tr(lang, "缺少数据：", "Missing data: ") + ", ".join(self.missing))
        return lines

    def join(self, lang: Lang, head: str, rows: list[str], limit: int = 5) -> str:
        """The head line, the first ``limit`` rows, then :meth:`tail`."""
        return "\n".join([head, *rows[:limit], *self.tail(lang)])


@dataclass
class StoreData(Query):
    """The warehouse (read-only), the store's configuration, the language and which tables hold data."""

    wh: Warehouse
    config: StoreConfig | None
    lang: Lang
    tables: dict[str, int]
    con: duckdb.DuckDBPyConnection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.con = self.wh.con  # the session time zone is the store's

    @property
    def currency(self) -> str:
        """The store's currency code."""
        return self.config.currency if self.config else DEFAULT_CURRENCY

    def text(self, zh: str, en: str) -> str:
        """The text in the answer's language."""
        return pick(self.lang, zh, en)

    def window(self, period: Period) -> tuple[dt.date, dt.date]:
        """The period's first and last day (default: ending at the last day with orders)."""
        return _bounds(self.wh, period)

    def window_end(self) -> dt.date:
        """The last day with orders (the default end of every period)."""
        return self.window(Period(days=1))[1]

    def answer_base(self, *needs: str) -> dict[str, Any]:
        """``missing``, ``note`` and ``currency`` for an answer needing these tables."""
        missing = self.missing(*needs)
        note = (
            self.text(
                f"店铺没有 {', '.join(missing)} 数据，无法回答这部分；导入后即可",
                f"the store has no {', '.join(missing)} data, so this part cannot be answered; "
                "import it to get one",
            )
            if missing
            else None
        )
        return {"missing": missing, "note": note, "currency": self.currency}


def answer_lang(ctx: SkillContext, config: StoreConfig | None) -> Lang:
    """The caller's language, else the store's (as the reports choose)."""
    if ctx.lang in ("zh", "en"):
        return lang_of(ctx.lang)
    return config.language if config else "zh"


def _holds_rows(wh: Warehouse, table: str) -> int:
    row = wh.con.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT 1)').fetchone()
    return int(row[0]) if row else 0


@contextmanager
def open_store(ctx: SkillContext) -> Iterator[StoreData]:
    """The store's warehouse, read-only, with which tables hold data."""
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        config = wh.store_config()
        tables = {name: _holds_rows(wh, name) for name in TABLES}
        yield StoreData(wh, config, answer_lang(ctx, config), tables)


def previous_window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The window of the same length just before ``start..end``."""
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def pct_change(now: float, before: float) -> float | None:
    """Change in percent (``None`` when there is nothing to compare with)."""
    return round((now - before) / before * 100, 1) if before else None


def ratio(num: float, den: float, digits: int = 4) -> float | None:
    """``num / den`` rounded, ``None`` when ``den`` is 0."""
    return round(num / den, digits) if den else None


def promise_hours(d: StoreData) -> float:
    """The store's shipping promise in hours (``[targets] ship_within_hours``, else 48)."""
    return (d.config.targets.ship_within_hours if d.config else None) or DEFAULT_PROMISE_HOURS


def end_of_day(d: StoreData, day: dt.date) -> dt.datetime:
    """Midnight after ``day`` in the store's time zone."""
    tz = ZoneInfo(d.config.timezone if d.config else "UTC")
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)


class PeriodArgs(Period):
    """A period; the default is the 30 days ending with the last day with orders."""

    days: int = Field(
        default=30, ge=1, le=3660, description="length of the period when `start` is not given"
    )
