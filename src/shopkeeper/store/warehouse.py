"""The per-store DuckDB warehouse: one file per store, owned by one object.

``Warehouse`` opens the database, applies numbered migrations, sets the session time zone to the
store's (so ``CAST(ts AS DATE)`` — and the faster ``local_day(ts)`` every query writes, see
:mod:`shopkeeper.store.zone` — gives the store-local day) and hands out cursors. Timestamps are
stored as ``TIMESTAMPTZ``; contract tables are named as in the contract, bookkeeping tables start
with ``_``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from shopkeeper.errors import StoreNotFound
from shopkeeper.private import FILE_MODE, private_dir
from shopkeeper.settings import Settings
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.day_counts import counts_current, recount
from shopkeeper.store.locks import connect
from shopkeeper.store.names import check_store_name as check_store_name
from shopkeeper.store.schema import EXTRA_COLUMN, TABLES, Table
from shopkeeper.store.topic_tags import tag_texts, tags_current
from shopkeeper.store.zone import use_zone

if TYPE_CHECKING:
    from shopkeeper.store.readers import SharedReader

WAREHOUSE_FILE = "warehouse.duckdb"


def table_ddl(table: Table) -> str:
    """``CREATE TABLE`` statement of a contract table.

    No constraints or indexes: validation guarantees keys, upserts are set-based, and a fresh import may
    swap in a table built by ``CREATE TABLE AS``.
    """
    cols = [f'"{c.name}" {c.type.sql}' for c in table.columns]
    cols.append(f"{EXTRA_COLUMN} JSON")
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({", ".join(cols)})'


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    """Contract v1 tables and the bookkeeping tables."""
    for table in TABLES.values():
        con.execute(table_ddl(table))
    con.execute("CREATE TABLE _store (key VARCHAR PRIMARY KEY, value JSON)")
    con.execute(
        """CREATE TABLE _imports (
            import_id INTEGER PRIMARY KEY, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
            source VARCHAR, report JSON)"""
    )
    con.execute(
        """CREATE TABLE _quarantine (
            import_id INTEGER, table_name VARCHAR, file VARCHAR, line BIGINT,
            column_name VARCHAR, reason VARCHAR, errors JSON, raw JSON)"""
    )


_V1_1_COLUMNS = {
    "products": ("sku_name",),
    "orders": ("receiver_country", "promised_delivery_at"),
}
_V1_1_TABLES = ("creatives", "creative_stats")


def _migration_2(con: duckdb.DuckDBPyConnection) -> None:
    """Contract v1.1: ``products.sku_name``, ``orders.receiver_country`` and
    ``orders.promised_delivery_at``, tables ``creatives`` and ``creative_stats``.

    A warehouse created at v1.1 already has them (migration 1 builds today's tables); one created at
    v1 gains them empty.
    """
    for name in _V1_1_TABLES:
        con.execute(table_ddl(TABLES[name]))
    for name, columns in _V1_1_COLUMNS.items():
        have = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ?",
                [name],
            ).fetchall()
        }
        for column in columns:
            if column not in have:
                sql_type = TABLES[name].column(column).type.sql
                con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {sql_type}')


def _migration_3(con: duckdb.DuckDBPyConnection) -> None:
    """The complaint topics of the texts already imported (:mod:`shopkeeper.store.topic_tags`)."""
    tag_texts(con)


def _migration_4(con: duckdb.DuckDBPyConnection) -> None:
    """The rows per day of the data already imported (:mod:`shopkeeper.store.day_counts`)."""
    _recount(con)


MIGRATIONS: tuple[Callable[[duckdb.DuckDBPyConnection], None], ...] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
)
"""Schema changes, numbered by position (1-based). Append only; never edit a released one."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The migrations applied to a warehouse (0 for a new one)."""
    try:
        row = con.execute("SELECT coalesce(max(version), 0) FROM _migrations").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations; return the schema version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)"
    )
    row = con.execute("SELECT coalesce(max(version), 0) FROM _migrations").fetchone()
    current = int(row[0]) if row else 0
    for version, step in enumerate(MIGRATIONS, start=1):
        if version > current:
            con.execute("BEGIN TRANSACTION")
            step(con)
            con.execute("INSERT INTO _migrations VALUES (?, now())", [version])
            con.execute("COMMIT")
    return len(MIGRATIONS)


def _config_value(con: duckdb.DuckDBPyConnection, key: str) -> Any:
    try:
        row = con.execute("SELECT value FROM _store WHERE key = 'config'").fetchone()
    except duckdb.CatalogException:
        return None
    return json.loads(row[0]).get(key) if row else None


def _needs_upkeep(con: duckdb.DuckDBPyConnection) -> bool:
    return schema_version(con) < len(MIGRATIONS) or not tags_current(con) or not counts_current(con)


def _recount(con: duckdb.DuckDBPyConnection) -> None:
    """Count the rows per day in the store's time zone (an upkeep connection starts in UTC)."""
    use_zone(con, _config_value(con, "timezone") or "UTC")
    recount(con)


def _upkeep(con: duckdb.DuckDBPyConnection) -> None:
    """Tags and counts of this release, for a warehouse last written by another."""
    if not tags_current(con):
        con.execute("BEGIN TRANSACTION")
        tag_texts(con)
        con.execute("COMMIT")
    if not counts_current(con):
        con.execute("BEGIN TRANSACTION")
        _recount(con)
        con.execute("COMMIT")


class Warehouse:
    """One store's warehouse. Open it with :meth:`open` (a context manager)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, zone: str = "UTC") -> None:
        self.path = path
        self.con = con
        self.zone = zone
        # the session's time zone: the store's, unless the opener asked for another

    @classmethod
    @contextmanager
    def open(
        cls,
        store_dir: Path,
        *,
        read_only: bool = False,
        timezone: str | None = None,
        memory_limit: str | None = None,
        threads: int | None = None,
    ) -> Iterator[Warehouse]:
        """Open (creating if needed) the warehouse in ``store_dir``.

        Another process's lock on the file (an import) is waited for a moment — longer for a
        write, as a server closes its idle readers within seconds — then raises ``StoreBusy``.
        """
        path = store_dir / WAREHOUSE_FILE
        if read_only and not path.exists():
            raise StoreNotFound(
                f"no warehouse at {path}; import data first with `shopkeeper store import`"
            )
        private_dir(store_dir)
        created = not path.exists()
        config: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        con = connect(path, read_only=read_only, config=config, wait_s=1.0 if read_only else 10.0)
        if read_only and not created and _needs_upkeep(con):
            # a warehouse of an older version (or its texts read with an older lexicon, or its
            # days counted otherwise):
            # bring it up to date once, then read it as asked
            con.close()
            migrating = connect(path, read_only=False, config=config, wait_s=10.0)
            try:
                migrate(migrating)
                _upkeep(migrating)
            finally:
                migrating.close()
            con = connect(path, read_only=True, config=config, wait_s=1.0)
        if created:
            os.chmod(path, FILE_MODE)
        try:
            if not read_only:
                tmp = store_dir / "tmp"
                tmp.mkdir(exist_ok=True)
                con.execute(f"SET temp_directory = '{tmp.as_posix()}'")
                migrate(con)
            wh = cls(path, con)
            wh.zone = timezone or wh.config_value("timezone") or "UTC"
            use_zone(con, wh.zone)
            yield wh
        finally:
            con.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for another thread (DuckDB connections are not shared across threads), in the
        warehouse's time zone (a cursor starts in UTC).
        """
        cur = self.con.cursor()
        use_zone(cur, self.zone)
        return cur

    def config_value(self, key: str) -> Any:
        """A value of the stored ``store.toml`` (``None`` before the first import)."""
        return _config_value(self.con, key)

    def store_config(self) -> StoreConfig | None:
        """The store's configuration as last imported."""
        row = self.con.execute("SELECT value FROM _store WHERE key = 'config'").fetchone()
        return StoreConfig.model_validate_json(row[0]) if row else None

    def save_config(self, config: StoreConfig) -> None:
        """Store ``store.toml`` (inside the caller's transaction)."""
        self.con.execute(
            "INSERT OR REPLACE INTO _store VALUES ('config', ?)", [config.model_dump_json()]
        )

    def count(self, table: str) -> int:
        """Rows in a table."""
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else 0

    def counts(self, tables: Iterable[str]) -> dict[str, int]:
        """Rows in each table, in one statement (:meth:`count` of each; a missing table raises
        ``duckdb.CatalogException`` as there).
        """
        names = list(tables)
        if not names:
            return {}
        parts = ", ".join(f'(SELECT count(*) FROM "{t}")' for t in names)
        row = self.con.execute(f"SELECT {parts}").fetchone()
        return {t: int(n) for t, n in zip(names, row or (0,) * len(names), strict=True)}


def store_dir(settings: Settings, store: str) -> Path:
    """Folder of an existing or new store (validates the name)."""
    return settings.store_dir(check_store_name(store))


def existing_store_dir(settings: Settings, store: str) -> Path:
    """Folder of a store that must already exist."""
    path = store_dir(settings, store)
    if not (path / WAREHOUSE_FILE).exists():
        known = sorted(
            p.name for p in (settings.home / "stores").glob("*") if (p / WAREHOUSE_FILE).exists()
        )
        hint = (
            f"; known stores: {', '.join(known)}"
            if known
            else "; create one with `shopkeeper demo create`"
        )
        raise StoreNotFound(f"no store named {store!r} under {settings.home}{hint}")
    return path


def store_config(
    settings: Settings, store: str, *, reader: SharedReader | None = None
) -> StoreConfig:
    """A store's ``store.toml`` as last imported — the one reader of it: through the process's
    shared ``reader`` when there is one, else from the warehouse opened for this read (with a
    warehouse already open, ask it: :meth:`Warehouse.store_config`).
    """
    path = existing_store_dir(settings, store)
    if reader is None:
        with Warehouse.open(path, read_only=True) as wh:
            config = wh.store_config()
    else:
        with reader.cursor() as cur:
            config = Warehouse(path / WAREHOUSE_FILE, cur).store_config()
    if config is None:
        raise StoreNotFound(
            f"store {store!r} has no store.toml yet; import its data with `shopkeeper store import`"
        )
    return config
