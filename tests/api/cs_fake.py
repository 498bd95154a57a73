"""A fake customer-service engine (the :class:`CsBackend` protocol, in memory) and an app using it."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.cs_backend import (
    AdoptionStats,
    ConversationView,
    Outcome,
    QueueEntry,
    Suggestion,
    Turn,
    get_backend,
)
from shopkeeper.api.tokens import create_token
from shopkeeper.cs.messages import ActionOutcome, CsMessage, CsReply, Source
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry

STORE, OTHER = "demo", "other"
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


class FakeEngine:
    """Answers by keyword; keeps one reply per message_id; counts how often it really answered."""

    def __init__(self) -> None:
        self.conversations: dict[tuple[str, str], ConversationView] = {}
        self.replies: dict[tuple[str, str, str], CsReply] = {}
        self.handled = 0
        self.verified: dict[str, bool] = {}  # customer_id → whether the last message was vouched
        self.outcomes: list[tuple[str, str, Outcome, str | None]] = []
        self._lock = threading.Lock()
        self._n = 0

    def handle_message(
        self, store: str, message: CsMessage, now: dt.datetime, *, verified: bool = True
    ) -> CsReply:
        with self._lock:
            self.verified[message.customer_id] = verified
            self._n += 1
            mid = message.message_id or f"m{self._n}"
            key = (store, message.conversation_id, mid)
            if key in self.replies:
                return self.replies[key]
            self.handled += 1
            view = self.conversations.setdefault(
                (store, message.conversation_id),
                ConversationView(
                    conversation_id=message.conversation_id,
                    customer_id=message.customer_id,
                    state="bot",
                    handoff=False,
                ),
            )
            view.messages.append(Turn(role="buyer", text=message.text, at=now, message_id=mid))
            reply = self._reply(message, mid, now)
            if reply.handoff:
                view.state, view.handoff, view.summary = "handoff", True, "买家要求人工"
            view.messages.append(
                Turn(
                    role="bot", text=reply.reply, at=now, intent=reply.intent, sources=reply.sources
                )
            )
            self.replies[key] = reply
            return reply

    def _reply(self, message: CsMessage, mid: str, now: dt.datetime) -> CsReply:
        common = {"conversation_id": message.conversation_id, "message_id": mid, "at": now}
        if "人工" in message.text:
            return CsReply(
                reply="好的，正在为您转接人工客服。", intent="handoff", handoff=True, **common
            )
        if "退货" in message.text:
            action = ActionOutcome(
                action="return_refund",
                order_id="O1001",
                status="needs_confirmation",
                decision="allow",
                reasons=["七天无理由退货，签收 3 天"],
                proposal_id="p1",
            )
            return CsReply(
                reply="订单 O1001 可以七天无理由退货，确认申请吗？",
                intent="return_refund",
                actions=[action],
                suggestions=["确认", "取消"],
                **common,
            )
        source = Source(type="kb", ref="kb:12", title="挂耳咖啡 规格", excerpt="每包 10g")
        return CsReply(
            reply="您好！挂耳咖啡每包 10 克，一盒 10 包，现货，今天下单明天发货。",
            intent="presale",
            sources=[source],
            **common,
        )

    def conversation(self, store: str, conversation_id: str) -> ConversationView | None:
        return self.conversations.get((store, conversation_id))

    def queue(self, store: str) -> list[QueueEntry]:
        return [
            QueueEntry(
                conversation_id=v.conversation_id,
                customer_id=v.customer_id,
                state=v.state,
                reason=v.summary,
                summary=v.summary,
                last_message=v.messages[-1].text if v.messages else "",
            )
            for (s, _), v in self.conversations.items()
            if s == store
        ]

    def human_reply(
        self, store: str, conversation_id: str, text: str, agent: str, now: dt.datetime
    ) -> CsReply:
        view = self.conversations[(store, conversation_id)]
        view.state = "human"
        view.messages.append(Turn(role="human", text=text, at=now, agent=agent))
        return CsReply(
            conversation_id=conversation_id,
            message_id=f"h{len(view.messages)}",
            reply=text,
            intent="human",
            sources=[Source(type="human", ref=agent)],
            at=now,
        )

    def release(self, store: str, conversation_id: str, agent: str) -> ConversationView:
        view = self.conversations[(store, conversation_id)]
        view.state, view.handoff = "bot", False
        return view

    def suggest(self, store: str, conversation_id: str, message_text: str) -> list[Suggestion]:
        texts = [
            ("亲，已为您加急处理，今天内发出。", "urge"),
            ("亲，稍等，我帮您查一下物流。", "logistics"),
        ]
        return [
            Suggestion(
                suggestion_id=f"s{rank}",
                rank=rank,
                kind="template",
                intent=intent,
                text=text,
                sources=[],
            )
            for rank, (text, intent) in enumerate(texts, start=1)
        ]

    def record_outcome(
        self,
        store: str,
        suggestion_id: str,
        outcome: Outcome,
        final_text: str | None,
        agent: str | None = None,
    ) -> None:
        self.outcomes.append((store, suggestion_id, outcome, final_text))

    def stats(self, store: str) -> AdoptionStats:
        mine = [o for o in self.outcomes if o[0] == store]
        adopted = sum(o[2] == "adopted" for o in mine)
        edited = sum(o[2] == "edited" for o in mine)
        total = len(mine)
        return AdoptionStats(
            store=store,
            suggested=total,
            decided=total,
            adopted=adopted,
            edited=edited,
            rejected=total - adopted - edited,
            adoption_rate=adopted / total if total else 0.0,
            use_rate=(adopted + edited) / total if total else 0.0,
            by_intent={},
        )


@dataclass
class CsApp:
    """A started app on a fake engine, its settings and tokens."""

    client: TestClient
    engine: FakeEngine
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)


@contextmanager
def cs_app(home: Path) -> Iterator[CsApp]:
    """The API on ``home`` (no store data needed) with the fake engine and tokens of each kind."""
    settings = Settings(home=home, now=NOW)
    engine = ops_engine(settings)
    tokens = {r: create_token(engine, STORE, r).token for r in ("owner", "cs", "ops", "widget")}
    tokens["other-cs"] = create_token(engine, OTHER, "cs").token
    tokens["other-widget"] = create_token(engine, OTHER, "widget").token
    engine.dispose()
    app = create_app(settings, registry=SkillRegistry())
    fake = FakeEngine()
    app.dependency_overrides[get_backend] = lambda: fake
    with TestClient(app) as client:
        yield CsApp(client, fake, settings, tokens)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ORIGIN = {"Origin": "http://testserver"}
"""What a browser sends with a form from the console's own pages (the TestClient's host)."""


def csrf(page: str) -> str:
    """The CSRF token a console page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)
