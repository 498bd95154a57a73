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
    """The select items that validate one column."""

    value: str
    error: str


def _shown(t: str) -> str:
    return f"'\"' || left({t}, {SHOWN_CHARS}) || CASE WHEN length({t}) > {SHOWN_CHARS} THEN '…' ELSE '' END || '\"'"


def _bounds(col: Column, v: str) -> list[str]:
    checks = []
    if col.positive:
        checks.append(f"WHEN {v} <= 0 THEN 'must be greater than 0, got ' || {v}::VARCHAR")
    if col.min_value is not None:
        checks.append(f"WHEN {v} < {col.min_value} THEN 'must be at least {col.min_value}, got ' || {v}::VARCHAR")
    if col.max_value is not None:
        checks.append(f"WHEN {v} > {col.max_value} THEN 'must be at most {col.max_value}, got ' || {v}::VARCHAR")
    return checks


def _error(col: Column, raw_t: str, v: str, parse_reason: str, extra: list[str] | None = None) -> str:
    whens = []
    if col.required and col.default is None:
        whens.append(f"WHEN {raw_t} IS NULL THEN 'required value is missing'")
    whens.append(f"WHEN {raw_t} IS NOT NULL AND {v} IS NULL THEN {parse_reason} || ': ' || {_shown(raw_t)}")
    whens.extend(extra or [])
    return "CASE " + " ".join(whens) + " END"


def column_sql(table: Table, col: Column, raw: str | None) -> ColumnSQL:
    """Typed value and error expression for ``col`` read from the VARCHAR expression ``raw``.

    ``raw`` is ``None`` when no file of the import has the column: the value is its default.
    """
    v = ident(col.name)
    default = "NULL" if col.default is None else (sql_str(col.default) if isinstance(col.default, str) else str(col.default))
    if raw is None:
        value = f"CAST({default} AS {col.type.sql})"
        error = "'required value is missing'" if col.required and col.default is None else "NULL"
        return ColumnSQL(value, f"CAST({error} AS VARCHAR)")
    text = f"NULLIF(TRIM({raw}), '')"
    tokens = ", ".join(sql_str(t) for t in NULL_TOKENS)
    nullish = f"CASE WHEN lower(TRIM({raw})) IN ({tokens}) THEN NULL ELSE TRIM({raw}) END"
    kind = col.type
    if kind is ColType.STR:
        return ColumnSQL(f"COALESCE({text}, {default})", _error(col, text, v, "'unreadable text'"))
    if kind is ColType.INT:
        num = f"TRY_CAST(regexp_replace({nullish}, '[,\\s]', '', 'g') AS DOUBLE)"
        value = f"CASE WHEN {num} = trunc({num}) AND abs({num}) < 1e15 THEN CAST({num} AS BIGINT) END"
        return ColumnSQL(f"COALESCE({value}, {default})", _error(col, nullish, v, "'not a whole number'", _bounds(col, v)))
    if kind is ColType.DEC:
        cleaned = f"regexp_replace(regexp_replace({nullish}, '[¥￥$€£,\\s]', '', 'g'), '(元|RMB|CNY|USD)$', '')"
        value = f"TRY_CAST({cleaned} AS {col.type.sql})"
        return ColumnSQL(f"COALESCE({value}, {default})", _error(col, nullish, v, "'not a number'", _bounds(col, v)))
    if kind is ColType.DATE:
        x = f"replace({nullish}, '/', '-')"
        value = f"COALESCE(TRY_CAST({x} AS DATE), CAST(try_strptime({nullish}, '%Y%m%d') AS DATE))"
        year = f"WHEN year({v}) NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN 'implausible date: ' || {v}::VARCHAR"
        return ColumnSQL(value, _error(col, nullish, v, "'not a date (YYYY-MM-DD)'", [year]))
    if kind is ColType.TS:
        x = f"regexp_replace(replace({nullish}, '/', '-'), '\\s*([+-]\\d{{2}}):?(\\d{{2}})$', '\\1:\\2')"
        value = f"TRY_CAST({x} AS TIMESTAMPTZ)"
        year = f"WHEN year({v}) NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN 'implausible timestamp: ' || {v}::VARCHAR"
        return ColumnSQL(value, _error(col, nullish, v, "'not a timestamp (ISO 8601)'", [year]))
    if kind is ColType.BOOL:
        low = f"lower({text})"
        value = (
            f"CASE WHEN {low} IN ('true','1','yes','y','t','是','有') THEN TRUE "
            f"WHEN {low} IN ('false','0','no','n','f','否','无') THEN FALSE END"
        )
        return ColumnSQL(value, _error(col, text, v, "'not a yes/no value'"))
    if kind is ColType.JSON:
        return _json_sql(col, text, v)
    return _enum_sql(table, col, text, v, default)


def _json_sql(col: Column, text: str, v: str) -> ColumnSQL:
    if col.name in JSON_ARRAY_COLUMNS:
        split = f"to_json(list_filter(list_transform(string_split_regex({text}, '[,;，、|]'), lambda x: trim(x)), lambda x: x <> ''))"
        value = f"CASE WHEN json_valid({text}) AND json_type({text}) = 'ARRAY' THEN {text}::JSON WHEN NOT starts_with({text}, '[') AND NOT starts_with({text}, '{{') THEN {split} END"
        return ColumnSQL(value, _error(col, text, v, "'not a JSON list'"))
    value = f"CASE WHEN json_valid({text}) AND json_type({text}) = 'OBJECT' THEN {text}::JSON END"
    return ColumnSQL(value, _error(col, text, v, "'not a JSON object'"))


def _enum_sql(table: Table, col: Column, text: str, v: str, default: str) -> ColumnSQL:
    aliases = {k.strip().lower(): val for k, val in VALUE_ALIASES.get((table.name, col.name), {}).items()}
    low = f"lower({text})"
    mapped = low
    if aliases:
        cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(val)}" for k, val in sorted(aliases.items()))
        mapped = f"CASE {low} {cases} ELSE {low} END"
    allowed = ", ".join(sql_str(e) for e in col.enum)
    value = f"COALESCE(CASE WHEN {mapped} IN ({allowed}) THEN {mapped} END, CASE WHEN {text} IS NULL THEN {default} END)"
    reason = sql_str(f"unknown value for {col.name} (expected one of: {', '.join(col.enum)})")
    return ColumnSQL(value, _error(col, text, v, reason))
