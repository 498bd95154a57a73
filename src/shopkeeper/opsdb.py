"""The operational database: things written concurrently (findings history, dismissals; later
conversations, approvals, audit, memory, schedules).

SQLite under ``SHOPKEEPER_HOME`` by default (``SHOPKEEPER_OPS_URL`` points it at PostgreSQL when
deployed), through SQLAlchemy Core. Schema changes are numbered migrations, like the warehouse's.

It sits on the ground floor (it imports only settings and private): every layer that keeps
operational rows — inspection's findings history, ops' approvals and schedules, customer
service's conversations — reads the tables here without importing a layer above it
(``tests/test_layers.py``).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from shopkeeper.private import private_dir, private_file
from shopkeeper.settings import Settings

metadata = MetaData()

findings = Table(
    "findings",
    metadata,
    Column("store", String, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("finding_id", String, primary_key=True),
    Column("kind", String, nullable=False, index=True),
    Column("entity_type", String, nullable=False),
    Column("entity_id", String, nullable=False),
    Column("severity", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("impact", Float),
    Column("payload", JSON, nullable=False),
)
"""Every finding of every inspection, one row per store, day and finding id (re-running replaces)."""

inspections = Table(
    "inspections",
    metadata,
    Column("store", String, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("generated_at", DateTime(timezone=True), nullable=False),
    Column("findings", Integer, nullable=False),
    Column("hidden", Integer, nullable=False),
)
"""One row per inspected store and day."""

dismissals = Table(
    "dismissals",
    metadata,
    Column("store", String, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("entity_type", String, primary_key=True),
    Column("entity_id", String, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("dismissed_at", DateTime(timezone=True), nullable=False),
    Column("finding_id", String, nullable=False),
    Column("severity", String, nullable=False),
    Column("impact", Float),
    Column("evidence", JSON, nullable=False),
)
"""A merchant's "expected, leave it": quiet until the evidence changes materially."""

actions = Table(
    "actions",
    metadata,
    Column("action_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("action", String, nullable=False),
    Column("params", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("proposed_by", String, nullable=False),
    Column("status", String, nullable=False, index=True),
    Column("reasons", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("executed_at", DateTime(timezone=True)),
    Column("result", JSON),
)
"""Every proposed action with exactly the validated arguments that will run; its status moves
pending → executing → executed | failed, or to rejected / refused, never back."""

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("store", String, nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event", String, nullable=False),
    Column("action_id", String, nullable=False, index=True),
    Column("actor", String, nullable=False),
    Column("payload", JSON, nullable=False),
)
"""Append-only audit trail (see :mod:`shopkeeper.ops.audit`)."""

memories = Table(
    "memories",
    metadata,
    Column("memory_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("kind", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("scope", String, nullable=False, server_default="store"),
)
"""Long-term memory per store: rules, preferences, decisions and notes (see :mod:`shopkeeper.ops.memory`)."""

schedules = Table(
    "schedules",
    metadata,
    Column("schedule_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("cron", String, nullable=False),
    Column("job", JSON, nullable=False),
    Column("deliver", String, nullable=False),
    Column("timezone", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_slot", DateTime(timezone=True)),
    Column("paused", Boolean, nullable=False, server_default=text("FALSE")),
)
"""Scheduled jobs: a cron expression in the store's time zone, a typed job (``{"kind": "inspect"}``,
``{"kind": "report", "period": "weekly", "role": "ops", "format": "html"}``; see
:mod:`shopkeeper.ops.schedules`), and where to deliver it."""

schedule_runs = Table(
    "schedule_runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("schedule_id", String, nullable=False, index=True),
    Column("store", String, nullable=False, index=True),
    Column("slot", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("status", String, nullable=False),
    Column("detail", Text, nullable=False),
)
"""Every scheduled run, successful or failed (a failure is never silent)."""

schedule_claims = Table(
    "schedule_claims",
    metadata,
    Column("schedule_id", String, primary_key=True),
    Column("slot", DateTime(timezone=True), primary_key=True),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)
"""One row per schedule and slot, inserted before the slot runs: whoever inserts it first (the
service's ticker, cron, another replica) runs the slot; every other ticker skips it."""

runs = Table(
    "runs",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("request", Text, nullable=False),
    Column("lang", String, nullable=False),
    Column("model", String, nullable=False),
    Column("status", String, nullable=False),
    Column("answer", Text),
    Column("plan", JSON),
    Column("skills", JSON, nullable=False),
    Column("usage", JSON, nullable=False),
    Column("cost", Float),
    Column("error", Text),
    Column("replay_of", String),
)
"""Every agent run: the request, the manager's plan, the answer, usage and cost."""

run_steps = Table(
    "run_steps",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String, nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("agent", String, nullable=False),
    Column("name", String, nullable=False),
    Column("arguments", JSON),
    Column("result", JSON),
    Column("ok", Integer, nullable=False),
    Column("error", Text),
    Column("ms", Float, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
)
"""The steps of a run in order: routing, model requests, tool calls (validated arguments and
results), each with its timing and tokens."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("role", String, nullable=False),
    Column("label", String, nullable=False),
    Column("token_hash", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
"""API tokens (see :mod:`shopkeeper.api.tokens`): only a SHA-256 hash of each, one store and role."""

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_id", String, primary_key=True),
    Column("token_hash", String, nullable=False, index=True),
    Column("store", String, nullable=False),
    Column("role", String, nullable=False),
    Column("csrf", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
"""Browser sessions of the pages (see :mod:`shopkeeper.api.sessions`): the cookie holds the id,
never the token; logging out deletes the row."""

token_stores = Table(
    "token_stores",
    metadata,
    Column("token_id", String, primary_key=True),
    Column("store", String, primary_key=True),
)
"""The stores an ``agency`` token is bound to (its ``api_tokens.store`` is the first of them)."""

web_session_tokens = Table(
    "web_session_tokens",
    metadata,
    Column("session_id", String, primary_key=True),
    Column("token_hash", String, primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
"""The further tokens a browser session holds (an agency logged in to several stores)."""

ask_turns = Table(
    "ask_turns",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("conversation_id", String, nullable=False, index=True),
    Column("store", String, nullable=False, index=True),
    Column("asked_by", String, nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
)
"""Which conversation with the team each asked run belongs to (the web app's "Ask the team")."""

action_state = Table(
    "action_state",
    metadata,
    Column("store", String, primary_key=True),
    Column("entity_type", String, primary_key=True),
    Column("entity_id", String, primary_key=True),
    Column("field", String, primary_key=True),
    Column("value", JSON, nullable=False),
    Column("action_id", String, nullable=False),
    Column("action", String, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""The store's state as executed actions left it (price per SKU, bid per campaign...), one row per
field, naming the action that set it (see :mod:`shopkeeper.ops.connectors`)."""

cs_proposals = Table(
    "cs_proposals",
    metadata,
    Column("proposal_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("customer_id", String, nullable=False, index=True),
    Column("token", String, nullable=False, index=True),
    Column("action", String, nullable=False),
    Column("params", JSON, nullable=False),
    Column("decision", String, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("action_id", String),
)
"""After-sale proposals waiting for the buyer's explicit confirmation (see
:mod:`shopkeeper.cs.aftersale.ledger`); a confirmed one names the action it became."""

cs_order_changes = Table(
    "cs_order_changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("store", String, nullable=False, index=True),
    Column("action_id", String, nullable=False, unique=True),
    Column("order_id", String, nullable=False, index=True),
    Column("action", String, nullable=False),
    Column("params", JSON, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
"""Executed after-sale changes per store order, in order: the order's visible state is the
warehouse row with these applied (one row per action: applying twice is applying once)."""

cs_requests = Table(
    "cs_requests",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("store", String, nullable=False, index=True),
    Column("order_id", String, nullable=False, index=True),
    Column("customer_id", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("payload", JSON, nullable=False),
)
"""Buyer requests that change nothing but must be on record (催发货: urge shipment)."""

cs_conversations = Table(
    "cs_conversations",
    metadata,
    Column("store", String, primary_key=True),
    Column("conversation_id", String, primary_key=True),
    Column("customer_id", String, nullable=False, index=True),
    Column("state", JSON, nullable=False),
    Column("handoff", Integer, nullable=False, server_default="0", index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""Customer-service conversations: one buyer each, with the engine's state (current order and
item, pending confirmation, failures, handoff, language; see :mod:`shopkeeper.cs.engine`)."""

cs_messages = Table(
    "cs_messages",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("store", String, nullable=False),
    Column("conversation_id", String, nullable=False, index=True),
    Column("message_id", String),
    Column("reply_to", String),
    Column("role", String, nullable=False),
    Column("author", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("intent", String),
    Column("reply", JSON),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("store", "conversation_id", "message_id", name="uq_cs_message_id"),
)
"""Every buyer, bot and human message of a conversation, phones and addresses masked; a buyer
message id is unique per conversation (a retry is answered from ``reply`` of its bot row)."""

cs_suggestions = Table(
    "cs_suggestions",
    metadata,
    Column("suggestion_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("conversation_id", String, nullable=False),
    Column("intent", String, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("question", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String),
    Column("final_text", Text),
    Column("agent", String),
    Column("decided_at", DateTime(timezone=True)),
    Column("candidate", String, index=True),
)
"""Replies suggested to human agents and what the agent did with each (adopted, edited, rejected);
``candidate`` moves ``pending`` → ``approved`` | ``dismissed`` for knowledge-base review."""

report_archive = Table(
    "report_archive",
    metadata,
    Column("report_id", String, primary_key=True),
    Column("store", String, nullable=False, index=True),
    Column("kind", String, nullable=False),
    Column("role", String, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("source", String, nullable=False),
    Column("body", JSON, nullable=False),
)
"""Every daily and weekly report built by a schedule or on demand (see
:mod:`shopkeeper.reports.archive`): the archive the owner's app lists, opens and exports."""

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
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[schema_version])
        applied = set(conn.execute(select(schema_version.c.version)).scalars())
        for version in sorted(MIGRATIONS):
            if version not in applied:
                MIGRATIONS[version](conn)
                conn.execute(schema_version.insert().values(version=version))
    return engine
