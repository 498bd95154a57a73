"""Pre-sale answers: price and stock per SKU and its variants straight from the warehouse, and
product questions from the knowledge base (only when it really supports an answer); comparisons
are in :mod:`.compare`, promotions in :mod:`.promo_answers`. Every answer cites where its facts
come from; an unsupported question gets "I don't know" and the offer of a human.
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine import reviews, slots
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.kb import KbHit, supported
from shopkeeper.cs.kb.catalog import Sku
from shopkeeper.cs.messages import Source
from shopkeeper.text import messages, pick, t

HUMAN_QUICK = {"zh": "转人工", "en": "Talk to a person"}


def _sku_source(sku: Sku) -> Source:
    return Source(type="product", ref=f"products:sku_id={sku.sku_id}", title=sku.title)


def _stock_text(turn: Turn, sku: Sku) -> str:
    """In stock, low or out — never the exact count (it is the store's business)."""
    if sku.status == "off_shelf":
        return t("cs.off_shelf", turn.lang)
    level = turn.catalogue.stock_level(sku)
    key = {
        "unknown": "cs.stock_unknown",
        "out": "cs.out_of_stock",
        "low": "cs.low_stock",
        "in": "cs.in_stock_plain",
    }[level]
    return t(key, turn.lang)


def _current_product(turn: Turn) -> str | None:
    """The listing the conversation is about, if any."""
    cat = turn.catalogue
    if turn.state.sku_id and turn.state.sku_id in cat.skus:
        return cat.skus[turn.state.sku_id].product_id
    if turn.state.product_id in cat.by_product:
        return turn.state.product_id
    return None


def _product_of(turn: Turn, text: str) -> str | None:
    """The listing the message is about: the one it names by its distinctive words; the
    conversation's own for a follow-up ("250g的呢", "买50包库存够吗") or when it is among those
    named equally well.
    """
    cat = turn.catalogue
    ranked = [pid for pid, _ in cat.rank_products(text)]
    current = _current_product(turn)
    if current is not None and (
        not ranked or current in ranked or (cat.names_variant(text, current) and len(ranked) > 1)
    ):
        return current
    return ranked[0] if ranked else current


def _also_named(turn: Turn, product_id: str) -> str:
    """A line naming the other listings the message fits as well as ``product_id`` (when the
    conversation had none): the answer is about the best match, and says it is not sure.
    """
    if _current_product(turn) not in (None, product_id):
        return ""
    ranked = turn.catalogue.rank_products(turn.text)
    if len(ranked) < 2 or ranked[0][0] != product_id:
        return ""
    best = ranked[0][1]
    others = [pid for pid, w in ranked[1:4] if w >= best * 0.95]
    if not others:
        return ""
    names = pick(turn.lang, "、", "; ").join(turn.catalogue.by_product[p][0].title for p in others)
    return "\n" + t("cs.also_named", turn.lang, names=names)


def _names_attribute(turn: Turn) -> bool:
    """Whether the message asks about a listing attribute (保质期, 产地, 材质...)."""
    text = turn.text.lower()
    return any(name.lower() in text for name in turn.catalogue.attribute_names if len(name) >= 2)


def dont_know(turn: Turn, intent: str) -> Draft:
    """An honest "I don't know" with the offer of a person (the facts do not answer it)."""
    return Draft(
        intent,
        t("cs.dont_know", turn.lang),
        turn.lang,
        suggestions=[HUMAN_QUICK[turn.lang]],
        resolved=False,
        facts={"supported": False},
    )


def stock_price(turn: Turn, intent: str = "stock_price") -> Draft:
    """Price and stock of the SKU the buyer names, or the listing's variants to pick from."""
    cat = turn.catalogue
    product_id = _product_of(turn, turn.text)
    if product_id is None:
        return Draft(intent, t("cs.which_product", turn.lang), turn.lang, resolved=False)
    also = _also_named(turn, product_id)
    turn.state.product_id = product_id
    sku = cat.find_sku(turn.text, product_id)
    if sku is None and _OTHER.search(turn.text):
        return _other_variants(turn, intent, product_id, also)
    if sku is None and turn.state.sku_id in cat.skus:
        remembered = cat.skus[turn.state.sku_id]
        if remembered.product_id == product_id:
            # "10kg的呢" after 三文鱼味 5kg: the named part changes, the rest stays
            sku = cat.find_sku(turn.text, product_id, cat.variant(remembered)) or remembered
    if sku is not None:
        turn.state.sku_id = sku.sku_id
        text = t(
            "cs.price",
            turn.lang,
            title=sku.title,
            variant=cat.variant(sku),
            price=cat.money(float(sku.price)),
            stock=_stock_text(turn, sku),
        )
        qty = slots.quantity(turn.text, cat.variant(sku))
        if qty and sku.stock is not None and sku.status != "off_shelf":
            enough = sku.stock >= qty
            extra = t("cs.enough" if enough else "cs.not_enough", turn.lang, n=qty)
            text = text.rstrip("。.") + extra + pick(turn.lang, "。", ".")
        if sku.status == "off_shelf" or cat.stock_level(sku) == "out":
            text += _alternatives(turn, sku)
        facts = {
            "sku_id": sku.sku_id,
            "variant": cat.variant(sku),
            "price": float(sku.price),
            "stock": turn.catalogue.stock_level(sku),
        }
        return Draft(intent, text + also, turn.lang, sources=[_sku_source(sku)], facts=facts)
    return _variants(turn, intent, product_id, cat.by_product[product_id], also)


def _variants(turn: Turn, intent: str, product_id: str, group: list[Sku], also: str) -> Draft:
    """A listing's variants (the first ten of ``group``), each with its price and stock."""
    cat = turn.catalogue
    colon, comma = pick(turn.lang, "：", ": "), pick(turn.lang, "，", ", ")
    lines = "\n".join(
        f"- {cat.variant(s)}{colon}{cat.money(float(s.price))}{comma}{_stock_text(turn, s)}"
        for s in group[:10]
    )
    title = cat.by_product[product_id][0].title
    return Draft(
        intent,
        t("cs.variants", turn.lang, title=title, lines=lines) + also,
        turn.lang,
        sources=[_sku_source(s) for s in group[:10]],
        facts={"product_id": product_id},
    )


_OTHER = re.compile(r"别的|其他|其它|其余|换个|\bother\b|\banother\b|\belse\b", re.I)
"""A buyer asking for the listing's other variants ("别的口味有货吗", "any other flavors?")."""


def _in_stock(turn: Turn, group: list[Sku], but: str | None = None) -> list[Sku]:
    """The listing's variants on sale and not out of stock, the one ``but`` left out."""
    return [
        s
        for s in group
        if s.sku_id != but
        and s.status != "off_shelf"
        and turn.catalogue.stock_level(s) not in ("out",)
    ]


def _alternatives(turn: Turn, sku: Sku) -> str:
    """A line naming the listing's variants that can be bought instead of ``sku``."""
    cat = turn.catalogue
    found = _in_stock(turn, cat.by_product[sku.product_id], sku.sku_id)
    same = sku.sku_name.split()[0] if sku.sku_name else ""
    found.sort(key=lambda s: (not (s.sku_name or "").startswith(same), s.price))
    if not found:
        return ""
    names = pick(turn.lang, "、", ", ").join(cat.variant(s) for s in found[:4])
    return "\n" + t("cs.alternatives", turn.lang, names=names)


def _other_variants(turn: Turn, intent: str, product_id: str, also: str) -> Draft:
    """The listing's other variants that can be bought, with price and stock."""
    cat = turn.catalogue
    group = _in_stock(turn, cat.by_product[product_id], turn.state.sku_id)
    if not group:
        return Draft(intent, t("cs.no_alternatives", turn.lang), turn.lang, resolved=False)
    return _variants(turn, intent, product_id, group, also)


messages(
    {
        "alternatives": ("同款有货的规格：{names}", "Available instead: {names}"),
        "no_alternatives": (
            "这款其他规格目前也都没货，需要为您推荐别的商品吗？",
            "None of its other variants is available right now; shall I suggest another product?",
        ),
    },
    prefix="cs.",
)


_ATTR_ASK = re.compile(
    r"([\u4e00-\u9fa5]{2,4})(?:是什么|是多少|多少|怎么样|是|如何)|what(?:'s| is) the (\w+)", re.I
)


def attribute_values(group: list[Sku], key: str, lang: str) -> str:
    """An attribute of a listing in words: its value, or each of its variants' values (口味 of a
    listing sold in three flavours is 三文鱼味、鸡肉味、金枪鱼味, not the first SKU's).
    """
    found = dict.fromkeys(s.attributes[key] for s in group if s.attributes.get(key))
    return pick(lang, "、", ", ").join(found)


def group_stock(turn: Turn, group: list[Sku]) -> str:
    """A listing's stock in words: the best of its variants' (never a count)."""
    on_sale = [s for s in group if s.status != "off_shelf"] or group
    rank = {"in": 0, "low": 1, "unknown": 2, "out": 3}
    return _stock_text(turn, min(on_sale, key=lambda s: rank[turn.catalogue.stock_level(s)]))


_SUITS = re.compile(
    r"适合|适用|能吃|可以吃|能用|可以用|good for|suitable|safe for|ok(?:ay)? for|fine for", re.I
)


def _asked_attributes(turn: Turn, group: list[Sku], sku: Sku) -> list[str]:
    """The attributes a question asks about: those it names outside the words that name the
    listing ("fresh scent" names the litter; "good for kittens?" does not ask its Scent), or, for
    "适合幼猫吗" / "good for kittens?", the attribute whose values hold the words asked about.
    """
    text = turn.text.lower()
    own = {v.lower() for s in group for v in s.attributes.values() if v}
    for value in sorted(own, key=len, reverse=True):
        text = text.replace(value, " ", 1)  # the first time: where the buyer names the listing
    named = [k for k in sku.attributes if k.lower() in text]
    if named or not _SUITS.search(text):
        return named
    return [
        k
        for k in sku.attributes
        if any(
            len(v) >= 2 and v.lower().removesuffix("s") in text
            for s in turn.catalogue.skus.values()
            if (v := s.attributes.get(k))
        )
    ]


def _attribute_answer(turn: Turn, product_id: str) -> Draft | None:
    """A listing attribute the question names (产地, 烘焙度, 保质期...), from the warehouse: the
    variant's talked about, else every value the listing's variants have.
    """
    group = turn.catalogue.by_product[product_id]
    sku, scope = group[0], group
    if (
        turn.state.sku_id in turn.catalogue.skus
        and turn.catalogue.skus[turn.state.sku_id].product_id == product_id
    ):
        sku = turn.catalogue.skus[turn.state.sku_id]
        scope = [sku]
    named = _asked_attributes(turn, group, sku)
    if not named:
        return None
    parts = [
        pick(
            turn.lang,
            f"{k}：{attribute_values(scope, k, turn.lang)}",
            f"{k}: {attribute_values(scope, k, turn.lang)}",
        )
        for k in named
    ]
    sep = pick(turn.lang, "，", ", ")
    text = pick(
        turn.lang,
        f"{sku.title}：{sep.join(parts)}",
        f"{sku.title} — {sep.join(parts)}",
    )
    return Draft(
        "product_question",
        text,
        turn.lang,
        sources=[_sku_source(sku)],
        facts={"attributes": {k: sku.attributes[k] for k in named}},
    )


def _known_problem(
    turn: Turn, intent: str, product_id: str, problem: reviews.KnownProblem
) -> Draft:
    """No reassurance against the store's own reviews: what they say, and a person."""
    title = turn.catalogue.by_product[product_id][0].title
    text = t(
        "cs.known_problem",
        turn.lang,
        total=problem.total,
        bad=problem.bad,
        pct=round(problem.share * 100),
        aspect=reviews.aspect_name(problem.aspect, turn.lang),
    )
    return Draft(
        intent,
        text,
        turn.lang,
        sources=[Source(type="product", ref=f"reviews:product_id={product_id}", title=title)],
        suggestions=[HUMAN_QUICK[turn.lang]],
        facts={"aspect": problem.aspect, "reviews": problem.total, "complaints": problem.bad},
    )


def kb_hits(turn: Turn, k: int = 3) -> list[KbHit]:
    """The knowledge base's best entries for the message (none without a knowledge base)."""
    if turn.kb is None:
        return []
    return turn.kb.search(turn.text, k=k, now=turn.now)


def hit_source(hit: KbHit) -> Source:
    """The citation of a knowledge-base hit (its first 160 characters as the excerpt)."""
    excerpt = hit.entry.text[:160]
    return Source(type="kb", ref=hit.citation, title=hit.entry.title, excerpt=excerpt)


def kb_text(hit: KbHit) -> str:
    """What a buyer reads of a knowledge-base hit (an FAQ's answer, a document's passage)."""
    entry = hit.entry
    if entry.kind in ("faq", "chat_qa"):
        answer = str(entry.fields.get("answer") or entry.text)
        return answer.split("\n答：", 1)[-1].split("\nA: ", 1)[-1]
    return f"{entry.title}\n{entry.text[:400]}"


def product_question(turn: Turn, intent: str = "product_question") -> Draft:
    """A question about a product or the store, answered from the data or the knowledge base."""
    product_id = _product_of(turn, turn.text)
    if product_id is not None:
        turn.state.product_id = product_id
        problem = reviews.known_problem(turn, product_id)
        if problem is not None:
            return _known_problem(turn, intent, product_id, problem)
        direct = _attribute_answer(turn, product_id)
        if direct is not None:
            return direct
    hits = kb_hits(turn)
    if hits and supported(hits, turn.text):
        best = hits[0]
        if product_id is None and best.entry.kind == "chat_qa" and _names_attribute(turn):
            # "保质期多久" with no product in the conversation: another buyer's answer was about
            # another product; ask which one instead of repeating it
            return Draft(intent, t("cs.which_product", turn.lang), turn.lang, resolved=False)
        if best.entry.kind == "sku" and best.entry.fields.get("sku_id") in turn.catalogue.skus:
            turn.state.sku_id = str(best.entry.fields["sku_id"])
        if best.entry.fields.get("product_id") in turn.catalogue.by_product:
            turn.state.product_id = str(best.entry.fields["product_id"])
        return Draft(
            intent,
            kb_text(best),
            turn.lang,
            sources=[hit_source(h) for h in hits[:1]],
            facts={
                "kb": [h.entry.model_dump(include={"title", "text", "fields"}) for h in hits[:1]]
            },
            kind="kb",
        )
    return dont_know(turn, intent)
