"""Steps 3 to 5 of an import, on the typed table of one contract table: foreign keys checked
against the warehouse, duplicate keys within the import resolved, good rows upserted.

Errors are appended to the typed table's error list (:data:`ERR`) in SQL; a row with any error
other than an exact duplicate is quarantined afterwards (:mod:`shopkeeper.store.quarantine_writer`).
"""

from __future__ import annotations

from shopkeeper.store.quarantine_writer import DUP, ERR
from shopkeeper.store.schema import EXTRA_COLUMN, Table
from shopkeeper.store.validation import ident, sql_str
from shopkeeper.store.warehouse import Warehouse


def add_error(wh: Warehouse, typed: str, column: str, reason_sql: str, where: str) -> None:
    """Append the error ``{column, reason}`` to the rows of ``typed`` matching ``where``."""
    wh.con.execute(
        f"UPDATE {typed} SET {ERR} = list_append(coalesce({ERR}, []), {{'column': {sql_str(column)}, 'reason': {reason_sql}}}) WHERE {where}"
    )


def check_foreign_keys(wh: Warehouse, table: Table, typed: str) -> None:
    """Mark rows whose strict foreign key names no row of the referenced table."""
    for fk in table.foreign_keys:
        if not fk.strict:
            continue
        col = ident(fk.column)
        reason = f"'no {fk.ref_table} row with {fk.ref_column} = ' || '\"' || {col} || '\"'"
        missing = f"NOT EXISTS (SELECT 1 FROM main.{ident(fk.ref_table)} r WHERE r.{ident(fk.ref_column)} = {typed}.{col})"
        add_error(wh, typed, fk.column, reason, f"{col} IS NOT NULL AND {col} <> '' AND {missing}")


def resolve_duplicates(wh: Warehouse, table: Table, typed: str) -> int:
    """Keep the last row of each key within the import (later file, then later line): exact
    copies collapse, conflicting ones are marked; return how many exact copies there were.
    """
    keys = ", ".join(ident(k) for k in table.key)
    con = wh.con
    row = con.execute(
        # A hash collision only sends us down the exact path below, which compares real keys.
        f"SELECT count(*) FROM (SELECT 1 FROM {typed} WHERE {ERR} IS NULL GROUP BY hash({keys}) HAVING count(*) > 1)"
    ).fetchone()
    if not row or not row[0]:
        return 0
    values = ", ".join(ident(c.name) for c in table.columns) + f", {EXTRA_COLUMN}"
    con.execute(
        f"""CREATE TEMP TABLE dup_rank AS SELECT __file, __rid,
            row_number() OVER w AS rk, hash({values}) AS h, first_value(hash({values})) OVER w AS winner_h
            FROM {typed} WHERE {ERR} IS NULL
            WINDOW w AS (PARTITION BY {keys} ORDER BY __file DESC, __rid DESC)"""
    )
    dup_row = f"EXISTS (SELECT 1 FROM dup_rank d WHERE d.__file = {typed}.__file AND d.__rid = {typed}.__rid AND d.rk > 1"
    add_error(wh, typed, DUP, "'exact duplicate'", f"{dup_row} AND d.h = d.winner_h)")
    key_text = " || ', ' || ".join(f"{sql_str(k + '=')} || {ident(k)}::VARCHAR" for k in table.key)
    add_error(
        wh,
        typed,
        table.key[0],
        f"'duplicate key (' || {key_text} || '): a later row with the same key was kept'",
        f"{dup_row} AND d.h <> d.winner_h)",
    )
    exact = con.execute("SELECT count(*) FROM dup_rank WHERE rk > 1 AND h = winner_h").fetchone()
    con.execute("DROP TABLE dup_rank")
    return int(exact[0]) if exact else 0


def upsert(wh: Warehouse, table: Table, typed: str) -> int:
    """Replace the warehouse rows whose key a good row carries, insert the good rows; return how
    many went in.
    """
    con = wh.con
    target = f"main.{ident(table.name)}"
    good = f"{ERR} IS NULL"
    if wh.count(table.name):
        match = " AND ".join(f"g.{ident(k)} = {target}.{ident(k)}" for k in table.key)
        con.execute(
            f"DELETE FROM {target} WHERE EXISTS (SELECT 1 FROM {typed} g WHERE {good} AND {match})"
        )
    cols = ", ".join(ident(c.name) for c in table.columns) + f", {EXTRA_COLUMN}"
    con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {typed} WHERE {good}")
    row = con.execute(f"SELECT count(*) FROM {typed} WHERE {good}").fetchone()
    return int(row[0]) if row else 0
