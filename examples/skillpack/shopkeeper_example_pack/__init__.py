"""An example skill pack: how many buyers came back.

Install it next to Shopkeeper (``pip install -e examples/skillpack``) and the skill appears in
``shopkeeper skills list``, in the agents' tools, the MCP server and the API — like a built-in.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


class RepeatArgs(BaseModel):
    """The period to look at."""

    days: int = Field(default=90, ge=7, le=3660, description="the last this many days with orders")


class RepeatBuyers(BaseModel):
    """Buyers of the period and how many ordered more than once."""

    start: dt.date
    end: dt.date
    buyers: int
    repeat_buyers: int
    repeat_share: float | None = Field(description="repeat_buyers / buyers")


@skill(tags=("data", "audience"))
def repeat_buyers(ctx: SkillContext, args: RepeatArgs) -> RepeatBuyers:
    """How many buyers of the last days ordered more than once (paid orders only)."""
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        [(end,)] = wh.con.execute("SELECT max(CAST(created_at AS DATE)) FROM orders").fetchall()
        start = end - dt.timedelta(days=args.days - 1)
        [(buyers, repeat)] = wh.con.execute(
            """SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (
                   SELECT customer_id, count(*) AS n FROM orders
                   WHERE status NOT IN ('cancelled', 'closed', 'created') AND CAST(created_at AS DATE) BETWEEN ? AND ?
                   GROUP BY customer_id)""",
            [start, end],
        ).fetchall()
    return RepeatBuyers(
        start=start,
        end=end,
        buyers=buyers,
        repeat_buyers=repeat,
        repeat_share=round(repeat / buyers, 4) if buyers else None,
    )


def register(registry: SkillRegistry) -> None:
    """Entry point of the ``shopkeeper.skills`` group: add this pack's skills."""
    registry.register(repeat_buyers)
