"""Comparing listings ("冻干 成猫的和幼猫的有什么区别") and recommending some, from the catalogue:
prices, stock in words and the attributes that differ, never exact stock counts.
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine.catalog import Catalogue, tokens
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.presale import attribute_values, dont_know, group_stock
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.messages import Source
from shopkeeper.text import has_cjk, pick, t

HUMAN_QUICK = {"zh": "转人工", "en": "Talk to a person"}


_VERSUS = re.compile(r"和|跟|与|还是|对比|比较|\bvs\b\.?|\bversus\b|\band\b|\bor\b|、|,|，", re.I)
_ASKS_DIFFERENCE = re.compile(
    r"有(?:什么|啥)(?:区别|不同)|(?:的)?区别|哪个好|哪款好|(?:what'?s|what is) the difference|"
    r"difference|which is better|better|[?？]",
    re.I,
)


def _compared(turn: Turn) -> list[str]:
    """The listings a comparison names, one per part, in order; a later part that leaves out
    the words it shares with the first ("冻干 成猫的和幼猫的", "tofu litter lavender vs pine") is
    the listing most like the first among those it names.
    """
    cat = turn.catalogue
    parts = [p.strip() for p in _VERSUS.split(_ASKS_DIFFERENCE.sub(" ", turn.text)) if p.strip()]
    found: list[str] = []
    for part in parts:
        pid = _alike(cat, part, found) if found else _closest(cat, cat.rank_products(part))
        if pid is not None and pid not in found:
            found.append(pid)
    return found


def _title_words(cat: Catalogue, product_id: str) -> set[str]:
    """The words of a listing's title, single characters left out."""
    return {w for w in tokens(cat.by_product[product_id][0].title) if len(w) > 1}


def _closest(cat: Catalogue, ranked: list[tuple[str, float]]) -> str | None:
    """The best of ``ranked``; among equals, the listing the words name most completely (冻干
    成猫 is "冻干 成猫猫零食" rather than "冻干双拼成猫猫粮 高蛋白").
    """
    if not ranked:
        return None
    top = ranked[0][1]
    return min(
        (pid for pid, w in ranked if w >= top - 1e-9), key=lambda p: len(_title_words(cat, p))
    )


def _alike(cat: Catalogue, part: str, found: list[str]) -> str | None:
    """The listing ``part`` names that is most like ``found[0]`` (shares most of its words)."""
    titles = {
        p: (_title_words(cat, p), re.sub(r"\s+", "", g[0].title.lower()))
        for p, g in cat.by_product.items()
    }

    def has(p: str, w: str) -> bool:
        return w in titles[p][0] or (has_cjk(w) and w in titles[p][1])

    words = [w for w in tokens(part) if any(has(p, w) for p in titles)]
    named = [p for p in titles if p not in found and all(has(p, w) for w in words)]
    if not words or not named:
        return _closest(cat, cat.rank_products(part))
    first = titles[found[0]][0]
    return max(named, key=lambda p: (len(first & titles[p][0]), -len(titles[p][0])))


def compare(turn: Turn) -> Draft:
    """Two or three listings side by side: price range, stock, and their attributes."""
    cat = turn.catalogue
    found = _compared(turn)
    if len(found) < 2:
        found = cat.find_products(turn.text, limit=3)
    if len(found) < 2:
        return Draft("compare", t("cs.which_product", turn.lang), turn.lang, resolved=False)
    lines, sources = [], []
    for pid in found[:3]:
        group = cat.by_product[pid]
        low = min(float(s.price) for s in group)
        high = max(float(s.price) for s in group)
        stock = group_stock(turn, group)
        price = cat.money(low) if low == high else f"{cat.money(low)}–{cat.money(high)}"
        keys = list(group[0].attributes)[:6]
        attrs = pick(turn.lang, "；", "; ").join(
            f"{k} {attribute_values(group, k, turn.lang)}" for k in keys
        )
        lines.append(
            pick(
                turn.lang,
                f"- {group[0].title}：{price}，{stock}；{attrs}",
                f"- {group[0].title}: {price}, {stock}; {attrs}",
            )
        )
        sources.append(
            Source(type="product", ref=f"products:product_id={pid}", title=group[0].title)
        )
    return Draft(
        "compare", t("cs.compare", turn.lang, lines="\n".join(lines)), turn.lang, sources=sources
    )


def recommend(turn: Turn) -> Draft:
    """Listings on sale that match what the buyer describes (best sellers first)."""
    cat = turn.catalogue
    found = cat.find_products(turn.text, limit=5)
    on_sale = {s.product_id for s in cat.on_sale()}
    picks = [p for p in found if p in on_sale]
    if not picks:
        picks = _best_sellers(turn, on_sale)
    if not picks:
        return dont_know(turn, "recommend")
    lines, sources = [], []
    for pid in picks[:3]:
        group = [s for s in cat.by_product[pid] if s.status == "on_sale"] or cat.by_product[pid]
        low = min(float(s.price) for s in group)
        lines.append(
            pick(
                turn.lang,
                f"- {group[0].title}（{group[0].category}）{cat.money(low)} 起",
                f"- {group[0].title} ({group[0].category}) from {cat.money(low)}",
            )
        )
        sources.append(
            Source(type="product", ref=f"products:product_id={pid}", title=group[0].title)
        )
    return Draft(
        "recommend",
        t("cs.recommend", turn.lang, lines="\n".join(lines)),
        turn.lang,
        sources=sources,
    )


def _best_sellers(turn: Turn, allowed: set[str]) -> list[str]:
    with turn.shop.reader.cursor() as con:
        rows = con.execute(
            "SELECT p.product_id, sum(i.quantity) q FROM order_items i JOIN products p USING (sku_id) "
            "GROUP BY 1 ORDER BY q DESC LIMIT 20"
        ).fetchall()
    return [str(r[0]) for r in rows if str(r[0]) in allowed]
