"""店小蜜's conversation engine: one buyer message in (:class:`~shopkeeper.cs.messages.CsMessage`),
one reply out (:class:`~shopkeeper.cs.messages.CsReply`), with sessions, handoff to humans and
suggestions for them. See ``docs/cs-engine.md``.

:class:`CsEngine` is the engine, built once per process at the edge with the operational database
and the clock, and passed in:

- :meth:`CsEngine.handle_message` — the bot's turn;
- :meth:`CsEngine.history` — a conversation's messages after a sequence number (the buyer's poll);
- :meth:`CsEngine.list_queue`, :meth:`~CsEngine.human_reply`, :meth:`~CsEngine.release`,
  :meth:`~CsEngine.escalate` — the human side;
- :meth:`CsEngine.suggest`, :meth:`~CsEngine.record_outcome`, :meth:`~CsEngine.adoption_stats`,
  :meth:`~CsEngine.kb_candidates`, :meth:`~CsEngine.approve_candidate`,
  :meth:`~CsEngine.dismiss_candidate` — suggestion mode.
"""

from __future__ import annotations

from shopkeeper.cs.engine.core import ReplyPending
from shopkeeper.cs.engine.engine import CsEngine
from shopkeeper.cs.engine.handoff import QueueItem
from shopkeeper.cs.engine.intents import IntentClassifier
from shopkeeper.cs.engine.sessions import (
    ConversationNotFound,
    ConversationOwned,
    Sessions,
    State,
    StoredMessage,
)
from shopkeeper.cs.engine.suggest import AdoptionStats, KbCandidate, Suggestion

__all__ = [
    "AdoptionStats",
    "ConversationNotFound",
    "ConversationOwned",
    "CsEngine",
    "IntentClassifier",
    "KbCandidate",
    "QueueItem",
    "ReplyPending",
    "Sessions",
    "State",
    "StoredMessage",
    "Suggestion",
]
