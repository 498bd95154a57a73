"""Superlative questions ("最便宜的猫砂", "cheapest cat litter", "most expensive dog food",
"卖得最好的狗粮"): the listings the rest of the question names, ranked by price or by units sold,
in the buyer's language.

>>> superlative("最便宜的猫砂"), superlative("most expensive dog food?")
('cheap', 'dear')
>>> superlative("猫砂哪款卖得最好"), superlative("best-selling treats"), superlative("多少钱")
('best', 'best', None)
>>> superlative("what's the cheapest way to buy 3 bags?") is None
True
"""

from __future__ import annotations

import re
from typing import Literal

from shopkeeper.cs.engine.catalog import Catalogue, tokens
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.kb.catalog import Sku
from shopkeeper.cs.messages import Source
from shopkeeper.text import has_cjk, messages, pick, t

Order = Literal["cheap", "dear", "best"]

_WORDS: tuple[tuple[Order, str], ...] = (
    (
        "cheap",
        r"最便宜|最实惠|价格最低|最低价|\bcheapest\b(?! way)|least expensive|lowest[- ]priced?",
    ),
    ("dear", r"最贵|价格最高|最高档|most expensive|priciest|highest[- ]priced?"),
    (
        "best",
        r"卖得?最好|卖得?最多|最畅销|销量最(?:好|高|多)|最火|最受欢迎|"
        r"best[- ]?sell(?:ing|ers?)|most popular|top[- ]?sell(?:ing|ers?)|sells? (?:the )?(?:best|most)",
    ),
)
_SUPERLATIVE = re.compile("|".join(f"(?P<{name}>{p})" for name, p in _WORDS), re.I)
SHOWN = 3
"""Listings a ranking shows."""

messages(
    {
        "cheap": ("价格从低到高：\n{lines}", "Cheapest first:\n{lines}"),
        "dear": ("价格从高到低：\n{lines}", "Most expensive first:\n{lines}"),
        "best": ("卖得最好的：\n{lines}", "Best sellers:\n{lines}"),
    },
    prefix="cs.ranked.",
)


def superlative(text: str) -> Order | None:
    """Which ranking the message asks for, if any."""
    found = _SUPERLATIVE.search(text)
    return None if found is None else found.lastgroup  # type: ignore[return-value]


def _matching(cat: Catalogue, text: str) -> list[str]:
    """Listings (with something on sale) whose title or category holds every word of ``text``
    that any title holds ("cat litter", "猫砂"); all of them when it names none.
    """
    on_sale = {s.product_id for s in cat.on_sale()}
    names = {
        pid: (f"{g[0].title} {g[0].category}".lower(), set(tokens(f"{g[0].title} {g[0].category}")))
        for pid, g in cat.by_product.items()
        if pid in on_sale
    }

    def has(pid: str, word: str) -> bool:
        squashed, words = names[pid]
        return word in words or (has_cjk(word) and len(word) > 1 and word in squashed)

    wanted = [w for w in tokens(text) if any(has(p, w) for p in names)]
    return [p for p in names if all(has(p, w) for w in wanted)]


def _units_sold(turn: Turn) -> dict[str, float]:
    with turn.shop.reader.cursor() as con:
        rows = con.execute(
            "SELECT p.product_id, sum(i.quantity) FROM order_items i JOIN products p USING (sku_id) "
            "GROUP BY 1"
        ).fetchall()
    return {str(r[0]): float(r[1] or 0) for r in rows}


def ranked(turn: Turn) -> Draft | None:
    """The listings the message names, cheapest / dearest / best-selling first; ``None`` when
    the message asks for no ranking or names nothing on sale.
    """
    order = superlative(turn.text)
    if order is None:
        return None
    cat = turn.catalogue
    rest = _SUPERLATIVE.sub(" ", turn.text)
    found = _matching(cat, rest)
    if not found:
        return None
    skus = {p: [s for s in cat.on_sale() if s.product_id == p] for p in found}
    if order == "best":
        sold = _units_sold(turn)
        top = sorted(found, key=lambda p: (-sold.get(p, 0.0), p))[:SHOWN]
        picks: list[Sku] = [min(skus[p], key=lambda s: s.price) for p in top]
    else:
        pick_one = min if order == "cheap" else max
        best = [pick_one(skus[p], key=lambda s: s.price) for p in found]
        picks = sorted(best, key=lambda s: (s.price, s.sku_id), reverse=order == "dear")[:SHOWN]
    lines = "\n".join(
        pick(
            turn.lang,
            f"- {s.title}（{cat.variant(s)}）{cat.money(float(s.price))}",
            f"- {s.title} ({cat.variant(s)}) {cat.money(float(s.price))}",
        )
        for s in picks
    )
    sources = [
        Source(type="product", ref=f"products:sku_id={s.sku_id}", title=s.title) for s in picks
    ]
    turn.state.product_id = picks[0].product_id
    turn.state.sku_id = picks[0].sku_id
    return Draft(
        "recommend",
        t(f"cs.ranked.{order}", turn.lang, lines=lines),
        turn.lang,
        sources=sources,
        facts={"ranking": order, "sku_ids": [s.sku_id for s in picks]},
    )
