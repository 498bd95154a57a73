"""The operational database's tables (see :mod:`shopkeeper.opsdb`)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

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
