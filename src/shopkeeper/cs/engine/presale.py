"""Pre-sale answers: price and stock per SKU and comparisons straight from the warehouse,
product questions from the knowledge base (only when it really supports an answer), the
promotions running now, and the cart optimiser. Every answer cites where its facts come from; an
unsupported question gets "I don't know" and the offer of a human.
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine import slots
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.promotions import CartLine, next_thresholds, optimise
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.kb import KbHit, supported
from shopkeeper.cs.kb.catalog import Sku, describe_rule
from shopkeeper.cs.messages import Source
from shopkeeper.text import pick, t

HUMAN_QUICK = {"zh": "转人工", "en": "Talk to a person"}


def _sku_source(sku: Sku) -> Source:
    return Source(type="product", ref=f"products:sku_id={sku.sku_id}", title=sku.title)


def _stock_text(turn: Turn, sku: Sku) -> str:
    if sku.status == "off_shelf":
        return t("cs.off_shelf", turn.lang)
    if sku.stock is None:
        return t("cs.stock_unknown", turn.lang)
    return (
        t("cs.in_stock", turn.lang, n=sku.stock)
        if sku.stock > 0
        else t("cs.out_of_stock", turn.lang)
    )


def _product_of(turn: Turn, text: str) -> str | None:
    found = turn.catalogue.find_products(text, limit=1)
    if found:
        return found[0]
    if turn.state.sku_id and turn.state.sku_id in turn.catalogue.skus:
        return turn.catalogue.skus[turn.state.sku_id].product_id
    if turn.state.product_id in turn.catalogue.by_product:
        return turn.state.product_id
    return None


def _names_attribute(turn: Turn) -> bool:
    """Whether the message asks about a listing attribute (保质期, 产地, 材质...)."""
    text = turn.text.lower()
    return any(name.lower() in text for name in turn.catalogue.attribute_names if len(name) >= 2)


def _dont_know(turn: Turn, intent: str) -> Draft:
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
    turn.state.product_id = product_id
    sku = cat.find_sku(turn.text, product_id)
    if sku is None and turn.state.sku_id in cat.skus:
        remembered = cat.skus[turn.state.sku_id]
        sku = remembered if remembered.product_id == product_id else None
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
        facts = {"sku_id": sku.sku_id, "price": float(sku.price), "stock": sku.stock}
        return Draft(intent, text, turn.lang, sources=[_sku_source(sku)], facts=facts)
    group = cat.by_product[product_id]
    lines = "\n".join(
        f"- {cat.variant(s)}：{cat.money(float(s.price))}，{_stock_text(turn, s)}（{s.sku_id}）"
        for s in group[:10]
    )
    text = t("cs.variants", turn.lang, title=group[0].title, lines=lines)
    return Draft(
        intent,
        text,
        turn.lang,
        sources=[_sku_source(s) for s in group[:10]],
        facts={"product_id": product_id},
    )


_ATTR_ASK = re.compile(
    r"([\u4e00-\u9fa5]{2,4})(?:是什么|是多少|多少|怎么样|是|如何)|what(?:'s| is) the (\w+)", re.I
)


def _attribute_answer(turn: Turn, product_id: str) -> Draft | None:
    """A listing attribute the question names (产地, 烘焙度, 保质期...), from the warehouse."""
    group = turn.catalogue.by_product[product_id]
    sku = group[0]
    if (
        turn.state.sku_id in turn.catalogue.skus
        and turn.catalogue.skus[turn.state.sku_id].product_id == product_id
    ):
        sku = turn.catalogue.skus[turn.state.sku_id]
    named = [k for k in sku.attributes if k in turn.text or k.lower() in turn.text.lower()]
    if not named:
        return None
    parts = [
        pick(turn.lang, f"{k}：{sku.attributes[k]}", f"{k}: {sku.attributes[k]}") for k in named
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


def kb_hits(turn: Turn, k: int = 3) -> list[KbHit]:
    """The knowledge base's best entries for the message (none without a knowledge base)."""
    if turn.kb is None:
        return []
    return turn.kb.search(turn.text, k=k, now=turn.now)


def _hit_source(hit: KbHit) -> Source:
    excerpt = hit.entry.text[:160]
    return Source(type="kb", ref=hit.citation, title=hit.entry.title, excerpt=excerpt)


def _kb_text(hit: KbHit) -> str:
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
            _kb_text(best),
            turn.lang,
            sources=[_hit_source(h) for h in hits[:1]],
            facts={
                "kb": [h.entry.model_dump(include={"title", "text", "fields"}) for h in hits[:1]]
            },
            kind="kb",
        )
    return _dont_know(turn, intent)


def compare(turn: Turn) -> Draft:
    """Two or three listings side by side: price range, stock, and their attributes."""
    cat = turn.catalogue
    parts = re.split(r"和|跟|与|还是|对比|比较|vs\.?|versus|and|or|、|,|，", turn.text, flags=re.I)
    found: list[str] = []
    for part in parts:
        for pid in cat.find_products(part, limit=1):
            if pid not in found:
                found.append(pid)
    if len(found) < 2:
        found = cat.find_products(turn.text, limit=3)
    if len(found) < 2:
        return Draft("compare", t("cs.which_product", turn.lang), turn.lang, resolved=False)
    lines, sources = [], []
    for pid in found[:3]:
        group = cat.by_product[pid]
        low = min(float(s.price) for s in group)
        high = max(float(s.price) for s in group)
        stock = sum(s.stock or 0 for s in group)
        price = cat.money(low) if low == high else f"{cat.money(low)}–{cat.money(high)}"
        attrs = "；".join(f"{k} {v}" for k, v in list(group[0].attributes.items())[:5])
        lines.append(
            pick(
                turn.lang,
                f"- {group[0].title}：{price}，库存 {stock}；{attrs}",
                f"- {group[0].title}: {price}, {stock} in stock; {attrs}",
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
        return _dont_know(turn, "recommend")
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


def _cart(turn: Turn) -> list[CartLine]:
    cat = turn.catalogue
    lines: list[CartLine] = []
    for part in re.split(r"和|跟|以及|、|，|,|;|；|\+|and", turn.text):
        pids = cat.find_products(part, limit=1)
        if not pids:
            continue
        sku = cat.find_sku(part, pids[0]) or min(cat.by_product[pids[0]], key=lambda s: s.price)
        lines.append(cat.cart_line(sku, slots.quantity(part) or 1))
    return lines


def _is_new_customer(turn: Turn) -> bool:
    with turn.shop.reader.cursor() as con:
        row = con.execute(
            "SELECT count(*) FROM orders WHERE customer_id = ? AND status NOT IN ('closed', 'cancelled')",
            [turn.customer_id],
        ).fetchone()
    return not row or int(row[0]) == 0


def promotions(turn: Turn) -> Draft:
    """The promotions running now; for a cart the buyer describes, the cheapest way to use them
    and the cheapest item that reaches the next threshold.
    """
    cat = turn.catalogue
    running = cat.running(turn.now)
    cart = _cart(turn)
    sources = [
        Source(type="promotion", ref=f"promotions:promotion_id={p.promotion_id}", title=p.name)
        for p in running
    ]
    if not running:
        return Draft(
            "promotions", t("cs.no_promotions", turn.lang), turn.lang, facts={"running": []}
        )
    if not cart:
        lines = "\n".join(
            f"- {p.name}：{describe_rule(p.kind, dict(p.rule), turn.lang, cat.currency)}"
            for p in running
        )
        return Draft(
            "promotions", t("cs.promotions", turn.lang, lines=lines), turn.lang, sources=sources
        )
    new = _is_new_customer(turn)
    plan = optimise(cart, running, new_customer=new)
    names = {p.promotion_id: p.name for p in running}
    how = "、".join(names[a] for a in plan.applied) or (pick(turn.lang, "不用活动", "no promotion"))
    text = t(
        "cs.cart_best",
        turn.lang,
        subtotal=cat.money(plan.subtotal / 100),
        how=how,
        total=cat.money(plan.total / 100),
        saving=cat.money(plan.saving / 100),
    )
    catalogue_lines = [cat.cart_line(s) for s in cat.on_sale()]
    nxt = next_thresholds(cart, running, catalogue_lines, new_customer=new)
    if nxt and nxt[0].total_after < plan.total + nxt[0].add.unit_price:
        n = nxt[0]
        text += "\n" + t(
            "cs.cart_next",
            turn.lang,
            title=n.add.title,
            price=cat.money(n.add.unit_price / 100),
            threshold=cat.money(n.threshold / 100),
            name=n.name,
            after=cat.money(n.total_after / 100),
        )
    used = [s for s in sources if s.ref.split("=", 1)[1] in plan.applied] or sources
    facts = {
        "subtotal": plan.subtotal / 100,
        "total": plan.total / 100,
        "applied": list(plan.applied),
    }
    return Draft("promotions", text, turn.lang, sources=used, facts=facts)
