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

from shopkeeper.opsdb.migrations import MIGRATIONS, ops_engine, schema_version
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

__all__ = [
    "MIGRATIONS",
    "action_state",
    "actions",
    "api_tokens",
    "ask_turns",
    "audit_events",
    "cs_conversations",
    "cs_messages",
    "cs_order_changes",
    "cs_proposals",
    "cs_requests",
    "cs_suggestions",
    "dismissals",
    "findings",
    "inspections",
    "memories",
    "metadata",
    "ops_engine",
    "report_archive",
    "run_steps",
    "runs",
    "schedule_claims",
    "schedule_runs",
    "schedules",
    "schema_version",
    "token_stores",
    "web_session_tokens",
    "web_sessions",
]
