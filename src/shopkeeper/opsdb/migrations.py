"""The operational database's schema changes and its engine (see :mod:`shopkeeper.opsdb`)."""

from __future__ import annotations

import fcntl
import os
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    Table,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from shopkeeper.opsdb.tables import (
    action_state,
    actions,
    api_tokens,
    ask_turns,
    audit_events,
    cs_conversations,
    cs_messages,
    cs_order_changes,
    cs_proposals,
    cs_requests,
    cs_suggestions,
    dismissals,
    findings,
    inspections,
    memories,
    metadata,
    report_archive,
    run_steps,
    runs,
    schedule_claims,
    schedule_runs,
    schedules,
    token_stores,
    web_session_tokens,
    web_sessions,
)
from shopkeeper.private import private_dir, private_file
from shopkeeper.settings import Settings

schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))


def _migration_1(conn: Connection) -> None:
    """Findings history, inspections and dismissals."""
    metadata.create_all(conn, tables=[findings, inspections, dismissals])


def _migration_2(conn: Connection) -> None:
    """Actions (approvals) and the audit trail."""
    metadata.create_all(conn, tables=[actions, audit_events])


def _migration_3(conn: Connection) -> None:
    """Long-term memory."""
    metadata.create_all(conn, tables=[memories])


def _migration_4(conn: Connection) -> None:
    """Schedules and their runs."""
    metadata.create_all(conn, tables=[schedules, schedule_runs])


def _migration_5(conn: Connection) -> None:
    """Agent run traces, and a scope (the whole store or one employee) on memories."""
    metadata.create_all(conn, tables=[runs, run_steps])
    columns = {c["name"] for c in inspect(conn).get_columns("memories")}
    if "scope" not in columns:
        conn.execute(text("ALTER TABLE memories ADD COLUMN scope VARCHAR NOT NULL DEFAULT 'store'"))


def _migration_6(conn: Connection) -> None:
    """API tokens, and the state executed actions left in the store."""
    metadata.create_all(conn, tables=[api_tokens, action_state])


def _migration_7(conn: Connection) -> None:
    """After-sale (customer service): proposals awaiting confirmation, order changes, requests."""
    metadata.create_all(conn, tables=[cs_proposals, cs_order_changes, cs_requests])


def _migration_8(conn: Connection) -> None:
    """Customer-service conversations, their messages, and suggestions to human agents."""
    metadata.create_all(conn, tables=[cs_conversations, cs_messages, cs_suggestions])


def _migration_9(conn: Connection) -> None:
    """Claims of schedule slots, so each slot runs exactly once whoever ticks."""
    metadata.create_all(conn, tables=[schedule_claims])


def _migration_10(conn: Connection) -> None:
    """Server-side sessions of the pages (the console, later the owner's app)."""
    metadata.create_all(conn, tables=[web_sessions])


def _legacy_job(command: str) -> dict[str, str]:
    """A job as rows before migration 11 spelled it (``report weekly --role ops --format html``).

    A frozen copy of that grammar: a migration must read old rows the same way forever, whatever
    :func:`shopkeeper.ops.schedules.parse_job` later accepts. Those rows were checked when added.
    """
    what, *rest = shlex.split(command)
    job = {"kind": what, "format": "md"} | (
        {"period": "daily", "role": "owner"} if what == "report" else {}
    )
    while rest:
        word = rest.pop(0)
        if word in ("--role", "--format") and rest:
            job[word[2:]] = rest.pop(0)
        else:
            job["period"] = word
    return job


def _migration_11(conn: Connection) -> None:
    """Schedules store a typed job (JSON) instead of a command line in a string."""
    columns = {c["name"] for c in inspect(conn).get_columns("schedules")}
    if "command" not in columns:  # created by migration 4 from today's table: already typed
        return
    conn.execute(text("ALTER TABLE schedules ADD COLUMN job JSON"))
    rows = conn.execute(text("SELECT schedule_id, command FROM schedules")).all()
    for schedule_id, command in rows:
        conn.execute(
            update(schedules)
            .where(schedules.c.schedule_id == schedule_id)
            .values(job=_legacy_job(command))
        )
    conn.execute(text("ALTER TABLE schedules DROP COLUMN command"))


def _migration_12(conn: Connection) -> None:
    """Agency tokens bound to several stores, sessions holding several tokens, and conversations
    with the team.
    """
    metadata.create_all(conn, tables=[token_stores, web_session_tokens, ask_turns])


def _migration_15(conn: Connection) -> None:
    """The report archive, and schedules that can be paused."""
    metadata.create_all(conn, tables=[report_archive])
    columns = {c["name"] for c in inspect(conn).get_columns("schedules")}
    if "paused" not in columns:
        conn.execute(text("ALTER TABLE schedules ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
    5: _migration_5,
    6: _migration_6,
    7: _migration_7,
    8: _migration_8,
    9: _migration_9,
    10: _migration_10,
    11: _migration_11,
    12: _migration_12,
    15: _migration_15,
}
"""Numbered schema changes. Each applied number is recorded, so a database gets every number it
lacks (in order) even when migrations land from parallel branches."""


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe under WAL: no corruption, fewer fsyncs
    cursor.close()


_MIGRATION_LOCK = 0x5348_4B50
"""PostgreSQL advisory lock key of the migrations ("SHKP")."""


@contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """Let one process at a time check and apply the migrations, so that two starting at once (a
    command and the scheduler, two commands) never both find one missing and both apply it: the
    second waits, then finds them applied. A file database is locked with ``flock`` on a file
    beside it (before the first connection: SQLite's own locks answer "database is locked" while
    a new file turns to WAL); PostgreSQL with an advisory lock inside the migrating transaction.
    """
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def ops_engine(settings: Settings) -> Engine:
    """The operational database, migrated to the current schema."""
    url = settings.ops_url or f"sqlite:///{(settings.home / 'ops.sqlite').as_posix()}"
    if url.startswith("sqlite"):
        private_dir(settings.home)
    if settings.ops_url is None:
        private_file(settings.home / "ops.sqlite")  # 0600: its -wal and -shm files follow it
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    with _one_migrator(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        metadata.create_all(conn, tables=[schema_version])
        applied = set(conn.execute(select(schema_version.c.version)).scalars())
        for version in sorted(MIGRATIONS):
            if version not in applied:
                MIGRATIONS[version](conn)
                conn.execute(schema_version.insert().values(version=version))
    return engine
