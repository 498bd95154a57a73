"""A listing's known problems, from its own recent reviews: when a large share of them complain
about the aspect the buyer asks about (包装会破吗 while 66% of the reviews say 破损), the engine
does not reassure — it says what the reviews say and offers a person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from shopkeeper.cs.engine.context import Turn
from shopkeeper.text import messages, pick

ASPECTS: dict[str, tuple[str, str, str]] = {
    # aspect: (the question's words, the complaints' words, zh|en name)
    "packaging": (
        r"包装|破损|压坏|漏|碎|packag|damaged|broken|leak",
        r"破损|破了|压坏|压扁|漏|碎|包装.{0,4}(?:差|烂|坏|破)|damaged|broken|crushed|leak",
        "包装破损|damaged packaging",
    ),
    "freshness": (
        r"新鲜|过期|变质|发霉|保质|fresh|expired|stale|mold",
        r"过期|变质|发霉|不新鲜|快过期|expired|stale|mold",
        "不新鲜/临期|freshness",
    ),
    "size": (
        r"尺码|偏大|偏小|大小|合身|size|fit",
        r"偏大|偏小|不合身|尺码不准|too (?:small|big|large)|runs (?:small|large)",
        "尺码不准|sizing",
    ),
}
SHARE = 0.3
"""From this share of complaining reviews, the problem is known."""
MIN_REVIEWS = 5
RECENT_DAYS = 90

_TEXT = messages(
    {
        "known_problem": (
            "实话告诉您：这款最近 {total} 条评价里有 {bad} 条（{pct}%）反映{aspect}的问题，"
            "我不想跟您打包票。需要的话我帮您转人工客服，确认发货情况或给您更稳妥的方案。",
            "To be honest: {bad} of this item's last {total} reviews ({pct}%) mention {aspect}, "
            "so I won't promise it can't happen. I can bring in a colleague to check your order "
            "or suggest a safer option.",
        ),
    },
    prefix="cs.",
)


@dataclass(frozen=True)
class KnownProblem:
    """Complaints about one aspect among a listing's recent reviews."""

    aspect: str
    total: int
    bad: int

    @property
    def share(self) -> float:
        """The complaining share of the reviews."""
        return self.bad / self.total if self.total else 0.0


def known_problem(turn: Turn, product_id: str) -> KnownProblem | None:
    """The aspect the message asks about, when a large share of the listing's recent reviews
    complain about it; ``None`` otherwise (or when the store has no reviews table).
    """
    asked = [a for a, (q, _, _) in ASPECTS.items() if re.search(q, turn.text, re.I)]
    if not asked:
        return None
    since = turn.now - dt.timedelta(days=RECENT_DAYS)
    try:
        with turn.shop.reader.cursor() as con:
            rows = con.execute(
                "SELECT coalesce(r.text, '') FROM reviews r JOIN products p USING (sku_id) "
                "WHERE p.product_id = ? AND r.created_at >= ? ORDER BY r.created_at DESC LIMIT 200",
                [product_id, since],
            ).fetchall()
    except duckdb.Error:  # a store without a reviews table has no known problems
        return None
    texts = [str(r[0]) for r in rows]
    if len(texts) < MIN_REVIEWS:
        return None
    for aspect in asked:
        pattern = re.compile(ASPECTS[aspect][1], re.I)
        found = KnownProblem(aspect, len(texts), sum(bool(pattern.search(t)) for t in texts))
        if found.share >= SHARE:
            return found
    return None


def aspect_name(aspect: str, lang: str) -> str:
    """The aspect in the buyer's language."""
    zh, en = ASPECTS[aspect][2].split("|")
    return pick(lang, zh, en)
