"""Customer service's numbers for one store-local day: conversations, the share the bot resolved
alone, hand-offs to people, and what agents did with suggested replies.

A conversation counts on a day when a buyer wrote in it that day. It is *auto-resolved* when no
person replied in it that day and it is not waiting for one (not handed off).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Engine, func, select

from shopkeeper.opsdb import cs_conversations, cs_messages, cs_suggestions


class CsDay(BaseModel):
    """One day of customer service."""

    store: str
    day: dt.date
    conversations: int
    buyer_messages: int
    auto_resolved: int
    auto_resolved_share: float | None
    handoffs: int
    human_replies: int
    suggested: int
    adopted: int
    edited: int
    rejected: int
    adoption_rate: float | None
    use_rate: float | None


def day_bounds(day: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a store-local day starts and ends at.

    >>> day_bounds(dt.date(2026, 11, 20), "Asia/Shanghai")[0].isoformat()
    '2026-11-19T16:00:00+00:00'
    """
    start = dt.datetime.combine(day, dt.time(), ZoneInfo(timezone))
    utc = ZoneInfo("UTC")
    return start.astimezone(utc), (start + dt.timedelta(days=1)).astimezone(utc)


def cs_day(engine: Engine, store: str, day: dt.date, timezone: str) -> CsDay:
    """The day's numbers of ``store`` (a store-local ``day`` in ``timezone``)."""
    start, end = day_bounds(day, timezone)
    m = cs_messages.c
    in_day = (m.store == store) & (m.at >= start) & (m.at < end)
    with engine.connect() as conn:
        by_role: dict[str, int] = dict(
            conn.execute(select(m.role, func.count()).where(in_day).group_by(m.role)).all()
        )
        active = set(
            conn.execute(select(m.conversation_id).where(in_day & (m.role == "buyer")).distinct())
            .scalars()
            .all()
        )
        humans = set(
            conn.execute(select(m.conversation_id).where(in_day & (m.role == "human")).distinct())
            .scalars()
            .all()
        )
        c = cs_conversations.c
        handed = set(
            conn.execute(select(c.conversation_id).where((c.store == store) & (c.handoff == 1)))
            .scalars()
            .all()
        )
        s = cs_suggestions.c
        made = conn.execute(
            select(func.count()).where(
                (s.store == store) & (s.created_at >= start) & (s.created_at < end)
            )
        ).scalar_one()
        outcomes: dict[str | None, int] = dict(
            conn.execute(
                select(s.outcome, func.count())
                .where((s.store == store) & (s.decided_at >= start) & (s.decided_at < end))
                .group_by(s.outcome)
            ).all()
        )
    handoffs = len(active & (handed | humans))
    auto = len(active) - handoffs
    adopted, edited, rejected = (int(outcomes.get(k, 0)) for k in ("adopted", "edited", "rejected"))
    decided = adopted + edited + rejected
    return CsDay(
        store=store,
        day=day,
        conversations=len(active),
        buyer_messages=int(by_role.get("buyer", 0)),
        auto_resolved=auto,
        auto_resolved_share=auto / len(active) if active else None,
        handoffs=handoffs,
        human_replies=int(by_role.get("human", 0)),
        suggested=int(made),
        adopted=adopted,
        edited=edited,
        rejected=rejected,
        adoption_rate=adopted / decided if decided else None,
        use_rate=(adopted + edited) / decided if decided else None,
    )
