"""店小蜜's conversation engine: one buyer message in (:class:`~shopkeeper.cs.messages.CsMessage`),
one reply out (:class:`~shopkeeper.cs.messages.CsReply`), with sessions, handoff to humans and
suggestions for them. See ``docs/cs-engine.md``.

- :func:`handle_message` — the bot's turn;
- :func:`history` — a conversation's messages after a sequence number (the buyer's poll);
- :func:`list_queue`, :func:`human_reply`, :func:`release`, :func:`escalate` — the human side;
- :func:`suggest`, :func:`record_outcome`, :func:`adoption_stats`, :func:`kb_candidates`,
  :func:`approve_candidate`, :func:`dismiss_candidate` — suggestion mode.
"""

from __future__ import annotations

from shopkeeper.cs.engine.core import ReplyPending, handle_message
from shopkeeper.cs.engine.handoff import QueueItem, escalate, human_reply, list_queue, release
from shopkeeper.cs.engine.sessions import (
    ConversationNotFound,
    ConversationOwned,
    State,
    StoredMessage,
    db,
)
from shopkeeper.cs.engine.sessions import history as _history
from shopkeeper.cs.engine.suggest import (
    AdoptionStats,
    KbCandidate,
    Suggestion,
    adoption_stats,
    approve_candidate,
    dismiss_candidate,
    kb_candidates,
    record_outcome,
    suggest,
)
from shopkeeper.settings import Settings

__all__ = [
    "AdoptionStats",
    "ConversationNotFound",
    "ConversationOwned",
    "KbCandidate",
    "QueueItem",
    "ReplyPending",
    "State",
    "StoredMessage",
    "Suggestion",
    "adoption_stats",
    "approve_candidate",
    "dismiss_candidate",
    "escalate",
    "handle_message",
    "history",
    "human_reply",
    "kb_candidates",
    "list_queue",
    "record_outcome",
    "release",
    "suggest",
]


def history(
    settings: Settings, store: str, conversation_id: str, *, after: int = 0
) -> list[StoredMessage]:
    """The conversation's stored messages (masked) after sequence number ``after``."""
    return _history(db(settings), store, conversation_id, after=after)
