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
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel, Field

from shopkeeper.errors import ShopkeeperError
from shopkeeper.skills.registry import SkillContext
from shopkeeper.skills.render import Lang, currency_of, generic, tr
from shopkeeper.skills.sales import Period, _bounds, previous_days
from shopkeeper.store.config import DEFAULT_CURRENCY, StoreConfig
from shopkeeper.store.coverage import Coverage
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
        """The period's first and last day (default: ending on the store's default day)."""
        return _bounds(self.wh, period)

    def window_end(self) -> dt.date:
        """The last complete day of real trading (the default end of every period)."""
        return self.window(Period(days=1))[1]

    @cached_property
    def coverage(self) -> Coverage:
        """Where the store's daily tables miss days (figures there are unknown, not 0)."""
        return Coverage.of(self.con)

    def unknown(self, table: str, start: dt.date, end: dt.date) -> bool:
        """Whether ``table`` misses days in ``start``..``end`` (its figures there are unknown)."""
        return self.coverage.unknown(table, start, end)

    def gap_note(self, table: str, start: dt.date, end: dt.date) -> str:
        """Says that ``table`` has no data over part of ``start``..``end``."""
        return self.text(
            f"{table} 在 {start} 至 {end} 有缺失的日期：这段时间的相关比率未知，不是 0",
            f"{table} misses days between {start} and {end}: rates over them are unknown, not 0",
        )

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


previous_window = previous_days
"""The window of the same length just before ``start..end`` (:func:`~shopkeeper.skills.sales.previous_days`)."""


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
    """A period; the default is the 30 days ending with the last complete day of real trading."""

    days: int = Field(
        default=30, ge=1, le=3660, description="length of the period when `start` is not given"
    )


class SegmentFilter(BaseModel):
    """Which orders count: all of them, or those of one country, province or channel."""

    country: str | None = Field(
        default=None, description="only orders shipped to this country (receiver_country)"
    )
    province: str | None = Field(
        default=None, description="only orders shipped to this province (receiver_province)"
    )
    channel: str | None = Field(default=None, description="only orders from this channel")

    def segment_sql(self, d: StoreData, alias: str = "o") -> tuple[str, dict[str, Any]]:
        """The ``WHERE`` condition on ``orders`` and its named parameters (``TRUE`` when unset);
        values match case-insensitively, ignoring surrounding spaces.
        """
        wanted = {
            "receiver_country": self.country,
            "receiver_province": self.province,
            "channel": self.channel,
        }
        conds, params = ["TRUE"], {}
        for column, value in wanted.items():
            if value is None:
                continue
            if not d.column_exists("orders", column):
                raise SegmentUnavailable(
                    f"the store's orders have no {column!r} column, so they cannot be filtered "
                    f"by {value!r}; re-import the store with that column"
                )
            conds.append(f"lower(trim({alias}.{column})) = lower(trim(${column}))")
            params[column] = value
        return " AND ".join(conds), params

    def segment_label(self) -> str:
        """The filter as text (``country=France``), empty when unset."""
        parts = [("country", self.country), ("province", self.province), ("channel", self.channel)]
        return ", ".join(f"{k}={v}" for k, v in parts if v is not None)


class SegmentUnavailable(ShopkeeperError, LookupError):
    """A segment filter names a column the store's orders do not have."""
