"""店小蜜's conversation engine as one object, built once per process at the edge (the API's
lifespan, a CLI command, a benchmark) and passed to whatever talks to buyers.

:class:`CsEngine` holds everything a turn needs: the conversations (:class:`.sessions.Sessions`
on the operational database it is given), each store's resources (:class:`.context.
StoreResources`: catalogue, knowledge base, after-sale tools, warehouse reader — opened on first
use, reopened when their files change), the intent classifier, the clock and the phrasing model.
Nothing is cached at module level: two engines share nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import cast

from sqlalchemy import Engine

from shopkeeper.clock import aware
from shopkeeper.cs.engine import handoff, suggest
from shopkeeper.cs.engine.context import StoreResources, Turn
from shopkeeper.cs.engine.core import MAX_EVIDENCE, ReplyPending, message_language, respond
from shopkeeper.cs.engine.handoff import QueueItem
from shopkeeper.cs.engine.intents import IntentClassifier
from shopkeeper.cs.engine.replies import phrase
from shopkeeper.cs.engine.sessions import Sessions, State, StoredMessage
from shopkeeper.cs.engine.suggest import AdoptionStats, KbCandidate, Outcome, Suggestion
from shopkeeper.cs.kb import Embedder
from shopkeeper.cs.messages import CsMessage, CsReply
from shopkeeper.llm.base import Model
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import existing_store_dir
from shopkeeper.text import Lang, detect_lang


class CsEngine:
    """The conversation engine of every store under ``settings.home``.

    ``ops`` is the operational database (opened by the caller, who disposes of it); ``clock`` says
    what time it is (a :class:`~shopkeeper.clock.Clock`); ``embedder`` searches the knowledge
    bases (default e5; the one they were built with); ``model`` phrases replies (default: the
    configured LLM, masked when external; none offline); ``intents`` classifies messages.
    """

    def __init__(
        self,
        settings: Settings,
        ops: Engine,
        clock: Callable[[], dt.datetime],
        *,
        embedder: Embedder | None = None,
        model: Model | None = None,
        intents: IntentClassifier | None = None,
    ) -> None:
        self.settings = settings
        self.ops = ops
        self.clock = clock
        self.embedder = embedder
        self.sessions = Sessions(ops, clock)
        self.intents = intents or IntentClassifier(settings.home / "cache")
        self._model = model
        self._stores: dict[str, StoreResources] = {}
        self._lock = threading.Lock()

    # -- resources -------------------------------------------------------------------------------

    def store(self, store: str) -> StoreResources:
        """The store's resources (an unknown store raises :class:`~shopkeeper.errors.StoreNotFound`)."""
        with self._lock:
            found = self._stores.get(store)
            if found is None:
                existing_store_dir(self.settings, store)
                found = self._stores[store] = StoreResources(
                    self.settings, store, self.ops, self.embedder
                )
            return found

    @cached_property
    def model(self) -> Model | None:
        """The LLM that phrases replies, or ``None`` offline."""
        if self._model is not None or not self.settings.model:
            return self._model
        from shopkeeper.llm.privacy import Masker, mask_if_external
        from shopkeeper.llm.registry import infer_model

        return mask_if_external(
            infer_model(self.settings.model, self.settings), Masker(), self.settings
        )

    def _turn(
        self,
        store: str,
        conversation_id: str,
        customer_id: str,
        text: str,
        now: dt.datetime,
        lang: Lang,
        state: State,
        verified: bool = True,
    ) -> Turn:
        return Turn(
            self.store(store),
            self.sessions,
            self.intents,
            conversation_id,
            customer_id,
            text,
            now,
            lang,
            state,
            verified,
        )

    # -- the bot's turn --------------------------------------------------------------------------

    def handle_message(
        self,
        store: str,
        message: CsMessage,
        *,
        now: dt.datetime | None = None,
        verified: bool = True,
    ) -> CsReply:
        """The store's reply to one buyer message: open (or create) the conversation for its
        customer, record the message once per ``message_id`` (a retry gets the stored reply),
        answer it (:func:`.core.respond`), and store the state and the reply. ``now``: the
        message's instant (default: the clock). ``verified=False``: nobody vouched for
        ``customer_id`` (a widget buyer of a store without a secret) — a guest, who gets pre-sale
        answers and only the orders they prove (order id + the phone's last digits).
        """
        moment = aware(now) if now else self.clock()
        sessions = self.sessions
        message_id = message.message_id or uuid.uuid4().hex
        conv = message.conversation_id
        with sessions.lock(store, conv):
            shop_lang = cast("Lang", self.store(store).catalogue().lang)
            lang: Lang = message.lang or message_language(message.text, None, shop_lang)
            state = sessions.open(store, conv, message.customer_id, lang)
            lang = message.lang or message_language(message.text, state.lang)
            if not sessions.claim(store, conv, message_id, message.text, moment):
                again = sessions.stored_reply(store, conv, message_id)
                if again is None:
                    raise ReplyPending(f"message {message_id!r} is still being answered; retry")
                return again
            try:
                reply = self._answer(store, message, message_id, moment, lang, state, verified)
            except BaseException:
                sessions.unclaim(store, conv, message_id)
                raise
        return reply

    def _answer(
        self,
        store: str,
        message: CsMessage,
        message_id: str,
        moment: dt.datetime,
        lang: Lang,
        state: State,
        verified: bool,
    ) -> CsReply:
        conv = message.conversation_id
        state.lang = lang
        state.evidence = [*state.evidence, *message.attachments][-MAX_EVIDENCE:]
        turn = self._turn(
            store, conv, message.customer_id, message.text, moment, lang, state, verified
        )
        draft = respond(turn)
        model = self.model
        text = phrase(model, draft) if model is not None and not draft.handoff else draft.text
        state.turns += 1
        reply = CsReply(
            conversation_id=conv,
            message_id=message_id,
            reply=text,
            intent=draft.intent,
            actions=draft.actions,
            handoff=state.handoff,
            handoff_summary=state.handoff_summary if state.handoff else None,
            sources=list({(s.type, s.ref, s.title): s for s in draft.sources}.values()),
            suggestions=draft.suggestions,
            at=moment,
        )
        self.sessions.save(store, conv, state)
        self.sessions.set_intent(store, conv, message_id, draft.intent)
        self.sessions.store_reply(store, reply)
        return reply

    def history(self, store: str, conversation_id: str, *, after: int = 0) -> list[StoredMessage]:
        """The conversation's stored messages (masked) after sequence number ``after``."""
        return self.sessions.history(store, conversation_id, after=after)

    # -- the human side --------------------------------------------------------------------------

    def list_queue(self, store: str) -> list[QueueItem]:
        """Conversations handed to a human, oldest first."""
        return handoff.list_queue(self.sessions, store)

    def human_reply(self, store: str, conversation_id: str, text: str, agent: str) -> StoredMessage:
        """A human agent answers in the conversation (it is marked as held by that agent)."""
        return handoff.human_reply(self.sessions, store, conversation_id, text, agent)

    def release(self, store: str, conversation_id: str, agent: str | None = None) -> State:
        """Give the conversation back to the bot."""
        return handoff.release(self.sessions, store, conversation_id, agent)

    def escalate(self, store: str, conversation_id: str, reason: str, lang: str) -> State:
        """Hand a conversation to a human from outside a buyer turn (e.g. the console)."""
        return handoff.escalate(self.sessions, store, conversation_id, reason, lang)

    # -- suggestion mode -------------------------------------------------------------------------

    def suggest(self, store: str, conversation_id: str, message_text: str) -> list[Suggestion]:
        """Ranked suggested replies to ``message_text`` in the conversation (recorded for stats)."""
        customer_id, state = self.sessions.load(store, conversation_id)
        lang: Lang = detect_lang(message_text)
        turn = self._turn(
            store, conversation_id, customer_id, message_text, self.clock(), lang, state
        )
        return suggest.suggest(turn)

    def record_outcome(
        self,
        suggestion_id: str,
        outcome: Outcome,
        final_text: str | None = None,
        *,
        agent: str | None = None,
    ) -> None:
        """What the agent did with a suggestion; adopted or edited answers become KB candidates."""
        suggest.record_outcome(self.sessions, suggestion_id, outcome, final_text, agent=agent)

    def adoption_stats(self, store: str) -> AdoptionStats:
        """Adoption and use of suggestions, overall and per intent."""
        return suggest.adoption_stats(self.sessions, store)

    def kb_candidates(self, store: str) -> list[KbCandidate]:
        """Adopted or edited answers waiting for review."""
        return suggest.kb_candidates(self.sessions, store)

    def approve_candidate(self, store: str, suggestion_id: str) -> Path:
        """Add a reviewed answer to the store's FAQ sheet and rebuild the knowledge base."""
        return suggest.approve_candidate(
            self.sessions, self.settings, store, suggestion_id, self.embedder
        )

    def dismiss_candidate(self, suggestion_id: str) -> None:
        """Leave a candidate out of the knowledge base."""
        suggest.dismiss_candidate(self.sessions, suggestion_id)
