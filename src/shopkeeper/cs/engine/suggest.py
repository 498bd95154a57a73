"""Suggestion mode for human agents: ranked suggested replies to a buyer message (knowledge-base
answers, the engine's own pre-sale answer, the order's status, a template), the agent's outcome
for each (adopted, edited, rejected), adoption rates per store and intent, and review of adopted
or edited answers into knowledge-base FAQ entries.

Suggestions never act: they read orders, the catalogue and the knowledge base only.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import insert, select, update

from shopkeeper.cs.aftersale.service import NotAllowed
from shopkeeper.cs.engine import compare, presale, promo_answers
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.handoff import ANGRY, anger
from shopkeeper.cs.engine.intents import AFTER_SALE, PRE_SALE
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.engine.sessions import Sessions
from shopkeeper.cs.kb import Embedder, build, supported
from shopkeeper.cs.messages import Source
from shopkeeper.cs.status_words import status_word
from shopkeeper.errors import ShopkeeperError
from shopkeeper.opsdb import cs_suggestions
from shopkeeper.settings import Settings
from shopkeeper.text import messages, pick, t

Outcome = Literal["adopted", "edited", "rejected"]
FAQ_FILE = "approved_faq.csv"


class SuggestionNotFound(ShopkeeperError, LookupError):
    """No suggestion with this id."""


class Suggestion(BaseModel):
    """One suggested reply for a human agent, best first."""

    suggestion_id: str
    rank: int
    kind: str
    intent: str
    text: str
    sources: list[Source]


class AdoptionStats(BaseModel):
    """What agents did with suggestions: counts and rates, overall and per intent."""

    store: str
    suggested: int
    decided: int
    adopted: int
    edited: int
    rejected: int
    adoption_rate: float
    use_rate: float
    by_intent: dict[str, dict[str, float]]


class KbCandidate(BaseModel):
    """An adopted or edited answer waiting for review before it joins the knowledge base."""

    suggestion_id: str
    intent: str
    question: str
    answer: str
    agent: str | None


_WRONG_ITEM = re.compile(
    r"发错|错发|发成了|不是我买的|货不对|wrong (?:item|product|size|colou?r)", re.I
)
_SUGGEST = messages(
    {
        "wrong_item": (
            "非常抱歉给您添麻烦了！发错货是我们的失误。麻烦您拍一下收到的商品和快递面单发给我，"
            "我马上为您登记售后，补发正确的商品或退货退款，您看哪种方便？",
            "I'm so sorry about this — sending the wrong item is our mistake. Could you send a "
            "photo of what arrived and the shipping label? I'll open an after-sale case right "
            "away: we can send the right item or refund you, whichever you prefer.",
        ),
        "apology": (
            "非常抱歉给您带来不好的体验，我来为您处理。请问是哪个订单、遇到了什么问题呢？",
            "I'm very sorry for the trouble — I'll take care of it. Which order is it and what "
            "went wrong?",
        ),
        "human": (
            "您好，我是人工客服，已经看到您的消息，马上为您处理。",
            "Hi, I'm a member of the team and I've read your message — I'm on it.",
        ),
    },
    prefix="cs.suggest.",
)


def _at_hand(turn: Turn) -> list[tuple[str, str, list[Source]]]:
    """Replies to what the message says before anything else: an apology and the after-sale path
    for a wrong item, an apology for an angry buyer, a person's greeting when one was asked for.
    """
    found: list[tuple[str, str, list[Source]]] = []
    if _WRONG_ITEM.search(turn.text):
        found.append(("template", t("cs.suggest.wrong_item", turn.lang), []))
    elif anger(turn.text) >= ANGRY:
        found.append(("template", t("cs.suggest.apology", turn.lang), []))
    if turn.intents.keyword_intent(turn.text) == "human":
        found.append(("template", t("cs.suggest.human", turn.lang), []))
    return found


def _candidates(turn: Turn, intent: str) -> list[tuple[str, str, list[Source]]]:
    found = _at_hand(turn)
    upset = bool(found)
    if upset:
        found.extend(_order_view(turn))
        return found
    if intent in PRE_SALE or intent == "other":
        handlers: dict[str, Callable[[Turn], Draft]] = {
            "stock_price": presale.stock_price,
            "compare": compare.compare,
            "recommend": compare.recommend,
            "promotions": promo_answers.promotions,
        }
        handler = handlers.get(intent)
        draft = handler(turn) if handler else presale.product_question(turn, intent)
        if draft.resolved:
            found.append(("engine", draft.text, draft.sources))
    hits = presale.kb_hits(turn, k=3)
    good = supported(hits, turn.text)
    for hit in hits[: 3 if good else 1]:
        if good or hit.entry.kind in ("faq", "chat_qa", "policy"):
            found.append(("kb", presale.kb_text(hit), [presale.hit_source(hit)]))
    if intent in AFTER_SALE:
        found.extend(_order_view(turn))
    template = t("cs.ask_order", turn.lang) if intent in AFTER_SALE else t("cs.greeting", turn.lang)
    found.append(("template", template, []))
    seen: set[str] = set()
    unique = []
    for kind, text, sources in found:
        if text not in seen:
            seen.add(text)
            unique.append((kind, text, sources))
    return unique


def _order_view(turn: Turn) -> list[tuple[str, str, list[Source]]]:
    order_id = next(iter(turn.catalogue.order_ids(turn.text)), None) or turn.state.order_id
    if order_id is None:
        return []
    try:
        logistics = turn.tools.logistics(turn.buyer, order_id)
    except NotAllowed:
        return []
    parcels = "；".join(
        f"{p.shipment.carrier} {p.shipment.tracking_no} ({status_word(p.shipment.status, turn.lang)})"
        for p in logistics.parcels
    ) or (pick(turn.lang, "尚未发货", "not shipped yet"))
    status = status_word(logistics.status, turn.lang)
    text = t("cs.status", turn.lang, order_id=order_id, status=status, detail=parcels)
    return [("aftersale_status", text, [Source(type="order", ref=order_id, title=status)])]


def suggest(turn: Turn) -> list[Suggestion]:
    """Ranked suggested replies to the turn's message (recorded for stats)."""
    intent = turn.intents.classify(turn.text)
    found = _candidates(turn, intent)
    suggestions = [
        Suggestion(
            suggestion_id=uuid.uuid4().hex[:12],
            rank=rank,
            kind=kind,
            intent=intent,
            text=text,
            sources=sources,
        )
        for rank, (kind, text, sources) in enumerate(found, start=1)
    ]
    at = turn.sessions.clock()
    with turn.sessions.ops.begin() as conn:
        for s in suggestions:
            conn.execute(
                insert(cs_suggestions).values(
                    suggestion_id=s.suggestion_id,
                    store=turn.store,
                    conversation_id=turn.conversation_id,
                    intent=intent,
                    rank=s.rank,
                    kind=s.kind,
                    question=turn.text,
                    text=s.text,
                    sources=[x.model_dump() for x in s.sources],
                    created_at=at,
                )
            )
    return suggestions


def record_outcome(
    sessions: Sessions,
    suggestion_id: str,
    outcome: Outcome,
    final_text: str | None = None,
    *,
    agent: str | None = None,
) -> None:
    """What the agent did with a suggestion; adopted or edited answers become KB candidates."""
    if outcome not in ("adopted", "edited", "rejected"):
        raise ValueError(f"outcome must be adopted, edited or rejected, not {outcome!r}")
    with sessions.ops.begin() as conn:
        row = conn.execute(
            select(cs_suggestions.c.text).where(cs_suggestions.c.suggestion_id == suggestion_id)
        ).first()
        if row is None:
            raise SuggestionNotFound(f"no suggestion {suggestion_id!r}")
        final = final_text if final_text is not None else (row[0] if outcome == "adopted" else None)
        conn.execute(
            update(cs_suggestions)
            .where(cs_suggestions.c.suggestion_id == suggestion_id)
            .values(
                outcome=outcome,
                final_text=final,
                agent=agent,
                decided_at=sessions.clock(),
                candidate="pending" if outcome != "rejected" and final else None,
            )
        )


def _rates(counts: Counter[str], suggested: int) -> dict[str, float]:
    decided = counts["adopted"] + counts["edited"] + counts["rejected"]
    return {
        "suggested": float(suggested),
        "decided": float(decided),
        "adopted": float(counts["adopted"]),
        "edited": float(counts["edited"]),
        "rejected": float(counts["rejected"]),
        "adoption_rate": round(counts["adopted"] / decided, 4) if decided else 0.0,
        "use_rate": round((counts["adopted"] + counts["edited"]) / decided, 4) if decided else 0.0,
    }


def adoption_stats(sessions: Sessions, store: str) -> AdoptionStats:
    """Adoption (adopted ÷ decided) and use (adopted or edited ÷ decided), overall and per intent."""
    with sessions.ops.connect() as conn:
        rows = conn.execute(
            select(cs_suggestions.c.intent, cs_suggestions.c.outcome).where(
                cs_suggestions.c.store == store
            )
        ).all()
    overall: Counter[str] = Counter(o for _, o in rows if o)
    per: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter(i for i, _ in rows)
    for intent, outcome in rows:
        per.setdefault(intent, Counter())
        if outcome:
            per[intent][outcome] += 1
    all_rates = _rates(overall, len(rows))
    return AdoptionStats(
        store=store,
        suggested=len(rows),
        decided=int(all_rates["decided"]),
        adopted=overall["adopted"],
        edited=overall["edited"],
        rejected=overall["rejected"],
        adoption_rate=all_rates["adoption_rate"],
        use_rate=all_rates["use_rate"],
        by_intent={i: _rates(c, totals[i]) for i, c in sorted(per.items())},
    )


def kb_candidates(sessions: Sessions, store: str) -> list[KbCandidate]:
    """Adopted or edited answers waiting for review."""
    with sessions.ops.connect() as conn:
        rows = conn.execute(
            select(
                cs_suggestions.c.suggestion_id,
                cs_suggestions.c.intent,
                cs_suggestions.c.question,
                cs_suggestions.c.final_text,
                cs_suggestions.c.agent,
            )
            .where(cs_suggestions.c.store == store, cs_suggestions.c.candidate == "pending")
            .order_by(cs_suggestions.c.decided_at)
        ).all()
    return [
        KbCandidate(suggestion_id=r[0], intent=r[1], question=r[2], answer=r[3] or "", agent=r[4])
        for r in rows
    ]


def faq_file(settings: Settings, store: str) -> Path:
    """The store's sheet of reviewed answers (a knowledge-base FAQ source)."""
    return settings.store_dir(store) / "kb_reviewed" / FAQ_FILE


def approve_candidate(
    sessions: Sessions,
    settings: Settings,
    store: str,
    suggestion_id: str,
    embedder: Embedder | None = None,
) -> Path:
    """Add a reviewed answer to the store's FAQ sheet and rebuild the knowledge base with it
    (embedded by ``embedder``, default e5: the model the knowledge base is searched with).
    """
    candidate = next(
        (c for c in kb_candidates(sessions, store) if c.suggestion_id == suggestion_id), None
    )
    if candidate is None:
        raise SuggestionNotFound(f"no pending knowledge-base candidate {suggestion_id!r}")
    path = faq_file(settings, store)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["问题", "答案"])
        writer.writerow([candidate.question.strip(), candidate.answer.strip()])
    build(settings, store, add=[path], embedder=embedder)
    _set_candidate(sessions, suggestion_id, "approved")
    return path


def dismiss_candidate(sessions: Sessions, suggestion_id: str) -> None:
    """Leave a candidate out of the knowledge base."""
    _set_candidate(sessions, suggestion_id, "dismissed")


def _set_candidate(sessions: Sessions, suggestion_id: str, value: str) -> None:
    with sessions.ops.begin() as conn:
        conn.execute(
            update(cs_suggestions)
            .where(cs_suggestions.c.suggestion_id == suggestion_id)
            .values(candidate=value)
        )
