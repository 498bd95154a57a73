"""Row validation as SQL: one typed value and one error expression per contract column.

Validation runs inside DuckDB over the whole staged file at once (no Python loop over rows).
For each column the builder returns the typed value (named as the contract column) and an error
expression that is ``NULL`` when the cell is fine and otherwise a plain-English reason that
quotes the value. DuckDB lets a later select item refer to an earlier alias, so every error
expression reads the typed value it checks instead of casting twice.

Accepted forms beyond the contract's canonical ones (exports are messy):

- numbers: thousands separators, ``¥``/``￥``/``$``/``€``/``£`` and a trailing ``元``; ``-``, ``--``,
  ``null``, ``N/A`` mean empty in numeric and date columns; integers may be written ``12.0``;
- dates: ``2026-11-20``, ``2026/11/20``, ``20261120``, or a timestamp (its date is taken);
- timestamps: ISO 8601 with ``T`` or a space, ``/`` separators, offsets ``Z``, ``+08:00``,
  ``+0800`` or `` -0700``; without an offset the store's time zone applies;
- booleans: true/false, 1/0, yes/no, y/n, 是/否;
- enums: case-insensitive, plus the platform value aliases of :mod:`shopkeeper.store.aliases`;
- json lists (``tags``, ``sku_ids``) may also be written ``a,b,c``.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.store.aliases import VALUE_ALIASES
from shopkeeper.store.schema import ColType, Column, Table

NULL_TOKENS = ("", "-", "--", "null", "none", "nan", "n/a", "#n/a", "nat")
JSON_ARRAY_COLUMNS = frozenset({"tags", "sku_ids"})
MIN_YEAR, MAX_YEAR = 1990, 2100
SHOWN_CHARS = 60


def sql_str(value: str) -> str:
    """Quote a Python string as a SQL literal.

    >>> sql_str("it's")
    "'it''s'"
    """
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """Quote an identifier.

    >>> ident('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class ColumnSQL:
    """The SQL that validates one column, in two pipelined projections.

    ``parse`` reads the raw text ``{r}`` and yields the typed value or ``NULL`` (a fast ``TRY_CAST``
    first; the cleaning of export quirks only runs where that fails). ``value`` and ``error`` read
    ``{r}`` and the parsed ``{p}``: the final value (default applied) and the reason a cell is bad.
    """

    parse: str
    value: str
    error: str

    def render(self, raw: str, parsed: str) -> tuple[str, str, str]:
        """The three expressions with the raw and parsed column names filled in."""
        return (
            self.parse.replace("{r}", raw),
            self.value.replace("{r}", raw).replace("{p}", parsed),
            self.error.replace("{r}", raw).replace("{p}", parsed),
        )


_TOKENS = ", ".join(sql_str(t) for t in NULL_TOKENS)
# ``list_contains`` rather than ``IN (...)``: DuckDB turns a constant IN-list into a mark join that
# runs on every row, even inside a CASE branch that almost no row reaches.
_NULLISH = f"list_contains([{_TOKENS}], lower(TRIM({{r}})))"
_SHOWN = f"'\"' || left({{r}}, {SHOWN_CHARS}) || CASE WHEN length({{r}}) > {SHOWN_CHARS} THEN '…' ELSE '' END || '\"'"


def _bounds(col: Column) -> list[str]:
    checks = []
    if col.positive:
        checks.append("WHEN {p} <= 0 THEN 'must be greater than 0, got ' || {p}::VARCHAR")
    if col.min_value is not None:
        checks.append(
            f"WHEN {{p}} < {col.min_value} THEN 'must be at least {col.min_value}, got ' || {{p}}::VARCHAR"
        )
    if col.max_value is not None:
        checks.append(
            f"WHEN {{p}} > {col.max_value} THEN 'must be at most {col.max_value}, got ' || {{p}}::VARCHAR"
        )
    return checks


def _error(
    col: Column,
    reason: str,
    *,
    nullish: bool,
    extra: list[str] | None = None,
    native: bool = False,
) -> str:
    """The reason a cell is bad, or NULL.

    DuckDB evaluates a CASE branch only on the rows that reach it (but both sides of an AND), so
    the first branch takes the cells that parsed — almost all of them — and the string work on the
    raw text runs only for the few that did not.
    """
    if native:
        empty, shown = "{r} IS NULL", "'\"' || {r}::VARCHAR || '\"'"
    else:
        empty = f"{{r}} IS NULL OR {_NULLISH}" if nullish else "{r} IS NULL OR TRIM({r}) = ''"
        shown = _SHOWN
    checks = f"CASE {' '.join(extra)} END" if extra else "NULL"
    missing = (
        "'required value is missing'"
        if col.required and col.default is None and not col.blank_ok
        else "NULL"
    )
    return f"CASE WHEN {{p}} IS NOT NULL THEN {checks} WHEN {empty} THEN {missing} ELSE {reason} || ': ' || {shown} END"


NATIVE_READ_TYPES = {ColType.INT: "DOUBLE", ColType.DEC: ColType.DEC.sql, ColType.DATE: "DATE"}
"""Types DuckDB's CSV reader parses for us (integers as DOUBLE: its BIGINT rounds 12.5; timestamps stay text,
its TIMESTAMPTZ parsing is slower than a TRY_CAST in SQL)."""


def native_column_sql(col: Column) -> ColumnSQL:
    """Templates for a column that DuckDB's reader already typed (``NATIVE_READ_TYPES``)."""
    value = f"COALESCE({{p}}, {_default_sql(col)})" if col.default is not None else "{p}"
    if col.type is ColType.INT:
        parse = "CASE WHEN {r} = trunc({r}) AND abs({r}) < 1e15 THEN CAST({r} AS BIGINT) END"
        return ColumnSQL(
            parse,
            value,
            _error(col, "'not a whole number'", nullish=True, extra=_bounds(col), native=True),
        )
    extra = _bounds(col)
    if col.type in (ColType.DATE, ColType.TS):
        extra = [_plausible(col)]
    return ColumnSQL(
        "{r}", value, _error(col, "'unreadable value'", nullish=True, extra=extra, native=True)
    )


def _plausible(col: Column) -> str:
    """A date or timestamp outside MIN_YEAR..MAX_YEAR is a typo (compared with constants: ``year()``
    of a TIMESTAMPTZ is a calendar computation per value).
    """
    kind, word = ("DATE", "date") if col.type is ColType.DATE else ("TIMESTAMPTZ", "timestamp")
    low, high = f"{kind} '{MIN_YEAR}-01-01'", f"{kind} '{MAX_YEAR + 1}-01-01'"
    return f"WHEN {{p}} < {low} OR {{p}} >= {high} THEN 'implausible {word}: ' || {{p}}::VARCHAR"


def _default_sql(col: Column) -> str:
    if col.default is None:
        return "NULL"
    return sql_str(col.default) if isinstance(col.default, str) else str(col.default)


def missing_column_sql(col: Column) -> tuple[str, str]:
    """Value and error of a column that no file of the import has."""
    error = "'required value is missing'" if col.required and col.default is None else "NULL"
    return f"CAST({_default_sql(col)} AS {col.type.sql})", f"CAST({error} AS VARCHAR)"


def column_sql(table: Table, col: Column) -> ColumnSQL:
    """The parse, value and error expressions of ``col`` (templates over ``{r}`` and ``{p}``)."""
    default = _default_sql(col)
    value = f"COALESCE({{p}}, {default})" if col.default is not None else "{p}"
    kind = col.type
    if kind is ColType.STR:
        # TRIM only where a blank can be: most ids and titles neither start nor end with one.
        parse = "CASE WHEN {r} = '' THEN NULL WHEN starts_with({r}, ' ') OR ends_with({r}, ' ') THEN NULLIF(TRIM({r}), '') ELSE {r} END"
        return ColumnSQL(parse, value, _error(col, "'unreadable text'", nullish=False))
    if kind is ColType.INT:
        slow = "TRY_CAST(regexp_replace({r}, '[,\\s]', '', 'g') AS DOUBLE)"
        parse = f"COALESCE(CASE WHEN NOT contains({{r}}, '.') THEN TRY_CAST({{r}} AS BIGINT) END, CASE WHEN {slow} = trunc({slow}) AND abs({slow}) < 1e15 THEN CAST({slow} AS BIGINT) END)"
        return ColumnSQL(
            parse, value, _error(col, "'not a whole number'", nullish=True, extra=_bounds(col))
        )
    if kind is ColType.DEC:
        cleaned = (
            "regexp_replace(regexp_replace({r}, '[¥￥$€£,\\s]', '', 'g'), '(元|RMB|CNY|USD)$', '')"
        )
        parse = (
            f"COALESCE(TRY_CAST({{r}} AS {col.type.sql}), TRY_CAST({cleaned} AS {col.type.sql}))"
        )
        return ColumnSQL(
            parse, value, _error(col, "'not a number'", nullish=True, extra=_bounds(col))
        )
    if kind is ColType.DATE:
        parse = "COALESCE(TRY_CAST({r} AS DATE), TRY_CAST(replace(TRIM({r}), '/', '-') AS DATE), CAST(try_strptime(TRIM({r}), '%Y%m%d') AS DATE))"
        year = _plausible(col)
        return ColumnSQL(
            parse, value, _error(col, "'not a date (YYYY-MM-DD)'", nullish=True, extra=[year])
        )
    if kind is ColType.TS:
        fixed = (
            "regexp_replace(replace(TRIM({r}), '/', '-'), '\\s*([+-]\\d{2}):?(\\d{2})$', '\\1:\\2')"
        )
        parse = f"COALESCE(TRY_CAST({{r}} AS TIMESTAMPTZ), TRY_CAST({fixed} AS TIMESTAMPTZ))"
        if col.date_is_end_of_day:  # ``2026-11-20`` promises the whole of that day
            parse = f"CASE WHEN contains({{r}}, ':') THEN {parse} ELSE {parse} + INTERVAL '86399 seconds' END"
        year = _plausible(col)
        return ColumnSQL(
            parse, value, _error(col, "'not a timestamp (ISO 8601)'", nullish=True, extra=[year])
        )
    if kind is ColType.BOOL:
        low = "lower(TRIM({r}))"
        parse = (
            f"CASE WHEN list_contains(['true','1','yes','y','t','是','有'], {low}) THEN TRUE "
            f"WHEN list_contains(['false','0','no','n','f','否','无'], {low}) THEN FALSE END"
        )
        return ColumnSQL(parse, value, _error(col, "'not a yes/no value'", nullish=False))
    if kind is ColType.JSON:
        return _json_sql(col, value)
    return _enum_sql(table, col, value)


def _json_sql(col: Column, value: str) -> ColumnSQL:
    text = "NULLIF(TRIM({r}), '')"
    if col.name in JSON_ARRAY_COLUMNS:
        split = f"to_json(list_filter(list_transform(string_split_regex({text}, '[,;，、|]'), lambda x: trim(x)), lambda x: x <> ''))"
        parse = f"CASE WHEN json_valid({text}) AND json_type({text}) = 'ARRAY' THEN {text}::JSON WHEN NOT starts_with({text}, '[') AND NOT starts_with({text}, '{{') THEN {split} END"
        return ColumnSQL(parse, value, _error(col, "'not a JSON list'", nullish=False))
    parse = f"CASE WHEN json_valid({text}) AND json_type({text}) = 'OBJECT' THEN {text}::JSON END"
    return ColumnSQL(parse, value, _error(col, "'not a JSON object'", nullish=False))


def _enum_sql(table: Table, col: Column, value: str) -> ColumnSQL:
    aliases = {
        k.strip().lower(): val for k, val in VALUE_ALIASES.get((table.name, col.name), {}).items()
    }
    allowed = ", ".join(sql_str(e) for e in col.enum)
    low = "lower(TRIM({r}))"
    mapped = low
    if aliases:
        cases = " ".join(
            f"WHEN {sql_str(k)} THEN {sql_str(val)}" for k, val in sorted(aliases.items())
        )
        mapped = f"CASE {low} {cases} ELSE {low} END"
    slow = f"list_filter([{mapped}], lambda m: list_contains([{allowed}], m))[1]"
    parse = f"CASE WHEN list_contains([{allowed}], {{r}}) THEN {{r}} ELSE {slow} END"
    reason = sql_str(f"unknown value for {col.name} (expected one of: {', '.join(col.enum)})")
    return ColumnSQL(parse, value, _error(col, reason, nullish=False))
