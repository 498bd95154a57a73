"""Answers about promotions: the ones running now, the cart optimiser, and the promotion a buyer
asks about (能用满300减50吗, 这个秒杀活动到哪天结束, 双11还有吗):
which one it is, whether it is running, has ended or has not started (with its dates in the
store's time zone), whether the conversation's cart qualifies or how far it is from the
threshold, and what runs instead.
"""

from __future__ import annotations

import datetime as dt
import re

from shopkeeper.cs.engine import slots
from shopkeeper.cs.engine.catalog import Catalogue, TimedPromotion
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.presale import kb_hits, product_question
from shopkeeper.cs.engine.promotions import CartLine, next_thresholds, optimise
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.kb import supported
from shopkeeper.cs.kb.catalog import describe_rule
from shopkeeper.cs.kb.text import tokens
from shopkeeper.cs.messages import Source
from shopkeeper.text import Lang, messages, pick, t

_TEXT = messages(
    {
        "running": (
            "「{name}」（{terms}）正在进行，{start} 至 {end}。",
            '"{name}" ({terms}) is running, {start} to {end}.',
        ),
        "ended": (
            "「{name}」（{terms}）已于 {end} 结束，现在不能再用了。",
            '"{name}" ({terms}) ended on {end}; it can no longer be used.',
        ),
        "upcoming": (
            "「{name}」（{terms}）还没开始，{start} 开始。",
            '"{name}" ({terms}) has not started yet; it starts on {start}.',
        ),
        "qualifies": (
            "您的 {cart}（{subtotal}）已满足「{name}」。",
            'Your {cart} ({subtotal}) qualifies for "{name}".',
        ),
        "gap": (
            "您的 {cart}（{subtotal}）还差 {gap} 才能用「{name}」（满 {threshold}）。",
            'Your {cart} ({subtotal}) is {gap} short of "{name}" (from {threshold}).',
        ),
        "others": ("当前正在进行的活动：{names}。", "Running now: {names}."),
        "scope": ("参加的商品：{items}。", "It applies to: {items}."),
        "scope_more": ("等 {n} 款", "and {n} more"),
        "none_running": ("当前没有正在进行的活动。", "No promotion is running right now."),
    },
    prefix="cs.promo.",
)
_AMOUNTS = re.compile(
    r"满\s*(\d+)\s*[减-]\s*(\d+)|(\d+)\s*off\s*(?:over|orders? over)?\s*(\d+)", re.I
)
_KINDS = (
    (re.compile(r"秒杀|flash", re.I), "flash"),
    (re.compile(r"新客|新人|new customer", re.I), "coupon"),
    (re.compile(r"第二件|second item|bundle", re.I), "bundle"),
)
_GENERIC = frozenset(
    {"活动", "满减", "促销", "优惠", "大促", "划算", "折扣", "特惠", "狂欢", "全球", "店铺", "限时"}
    | {"promotion", "sale", "deal", "discount", "store", "offer"}
)
"""Words of promotion names that name none by themselves (怎么用优惠最划算 is not 99划算节)."""


def asked(cat: Catalogue, text: str) -> list[TimedPromotion]:
    """The promotions the text names: by name, by its 满X减Y terms or by its kind (秒杀, 新客)."""
    said = set(tokens(text))
    found: list[TimedPromotion] = []
    amounts = [
        (m.group(1) or m.group(4), m.group(2) or m.group(3)) for m in _AMOUNTS.finditer(text)
    ]
    kinds = {kind for pattern, kind in _KINDS if pattern.search(text)}
    for timed in cat.promotions:
        promo = timed.promotion
        bare = _AMOUNTS.sub(" ", promo.name)  # 满199减20's numbers name no promotion
        words = {w for w in cat.name_words(bare) if len(w) >= 2 and w not in _GENERIC}
        rule = promo.rule
        by_terms = any(
            str(rule.get("threshold")) == a and str(rule.get("off")).removesuffix(".0") == b
            for a, b in amounts
        )
        shared = words & said
        named = bool(shared) and (
            len(shared) * 2 >= len(words) or any(any(c.isdigit() for c in w) for w in shared)
        )
        if named or by_terms or promo.kind in kinds:
            found.append(timed)
    return found


def nearest(promos: list[TimedPromotion], now: dt.datetime) -> TimedPromotion:
    """The running one, else the next to start, else the latest to end."""
    running = [p for p in promos if p.running(now)]
    if running:
        return running[0]
    upcoming = sorted((p for p in promos if p.start_at > now), key=lambda p: p.start_at)
    if upcoming:
        return upcoming[0]
    return max(promos, key=lambda p: p.end_at)


SCOPE_SHOWN = 5
"""Products of a promotion limited to some of them that an answer names (the rest counted)."""


def describe(cat: Catalogue, timed: TimedPromotion, now: dt.datetime, lang: Lang) -> str:
    """The promotion's state at ``now`` with its terms and dates, and which products it covers
    when it does not cover the whole store (by title and variant, never by id).
    """
    promo = timed.promotion
    state = "running" if timed.running(now) else "upcoming" if timed.start_at > now else "ended"
    text = t(
        f"cs.promo.{state}",
        lang,
        name=promo.name,
        terms=describe_rule(promo.kind, dict(promo.rule), lang, cat.currency),
        start=cat.local(timed.start_at),
        end=cat.local(timed.end_at),
    )
    if state == "ended" or not promo.sku_ids:
        return text
    skus = [cat.skus[i] for i in promo.sku_ids if i in cat.skus]
    items = [
        pick(lang, f"{s.title}（{cat.variant(s)}）", f"{s.title} ({cat.variant(s)})")
        for s in skus[:SCOPE_SHOWN]
    ]
    if len(skus) > SCOPE_SHOWN:
        items.append(t("cs.promo.scope_more", lang, n=len(skus) - SCOPE_SHOWN))
    if not items:
        return text
    scope = t("cs.promo.scope", lang, items=pick(lang, "、", ", ").join(items))
    return text + pick(lang, "", " ") + scope


def cart_against(
    cat: Catalogue, cart: list[CartLine], timed: TimedPromotion, lang: str
) -> str | None:
    """Whether the cart reaches the promotion's threshold, or how far it is from it."""
    threshold = timed.promotion.rule.get("threshold")
    if threshold is None or not cart:
        return None
    subtotal = sum(line.unit_price * line.quantity for line in cart) / 100
    label = pick(lang, "、", ", ").join(
        f"{line.title}×{line.quantity}" if line.quantity > 1 else line.title for line in cart
    )
    values = {
        "cart": label,
        "subtotal": cat.money(subtotal),
        "name": timed.promotion.name,
        "threshold": cat.money(float(threshold)),
    }
    if subtotal >= float(threshold):
        return t("cs.promo.qualifies", lang, **values)
    return t("cs.promo.gap", lang, gap=cat.money(float(threshold) - subtotal), **values)


def running_names(cat: Catalogue, now: dt.datetime, lang: Lang) -> str:
    """The promotions running now, by name and terms (or that none is)."""
    running = [p for p in cat.promotions if p.running(now) and p.promotion.kind != "presale"]
    if not running:
        return t("cs.promo.none_running", lang)
    names = pick(lang, "；", "; ").join(
        f"{p.promotion.name}（{describe_rule(p.promotion.kind, dict(p.promotion.rule), lang, cat.currency)}，"
        f"{pick(lang, '至', 'until')} {cat.local(p.end_at)}）"
        for p in running
    )
    return t("cs.promo.others", lang, names=names)


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


_SHIPPING_FEE = re.compile(r"包邮|运费|邮费|偏远|free shipping|shipping (?:fee|cost)", re.I)


def _conversation_cart(turn: Turn) -> list[CartLine]:
    """The SKU the conversation is about as a cart (with the quantity the message says)."""
    sku = turn.catalogue.skus.get(turn.state.sku_id or "")
    cat = turn.catalogue
    return [cat.cart_line(sku, slots.quantity(turn.text, cat.variant(sku)) or 1)] if sku else []


def _asked_promotion(turn: Turn, named: list[TimedPromotion], cart: list[CartLine]) -> Draft:
    """The promotion(s) the buyer named: their state and dates, the cart against them, and what
    runs now when they do not.
    """
    cat, now, lang = turn.catalogue, turn.now, turn.lang
    by_name: dict[str, list[TimedPromotion]] = {}
    for timed in named:
        by_name.setdefault(timed.promotion.name, []).append(timed)
    picked = [nearest(group, now) for group in by_name.values()][:3]
    lines = [describe(cat, p, now, lang) for p in picked]
    running = [p for p in picked if p.running(now)]
    for timed in running:
        line = cart_against(cat, cart, timed, lang)
        if line:
            lines.append(line)
    if not running:
        lines.append(running_names(cat, now, lang))
        for timed in cat.promotions:
            if timed.running(now) and timed.promotion.kind != "presale":
                line = cart_against(cat, cart, timed, lang)
                if line:
                    lines.append(line)
    sources = [
        Source(
            type="promotion",
            ref=f"promotions:promotion_id={p.promotion.promotion_id}",
            title=p.promotion.name,
        )
        for p in picked
    ]
    facts = {
        "asked": [
            {
                "name": p.promotion.name,
                "running": p.running(now),
                "start_at": cat.local(p.start_at),
                "end_at": cat.local(p.end_at),
            }
            for p in picked
        ]
    }
    return Draft("promotions", "\n".join(lines), lang, sources=sources, facts=facts)


def promotions(turn: Turn) -> Draft:
    """The promotions running now; for a cart the buyer describes, the cheapest way to use them
    and the cheapest item that reaches the next threshold.
    """
    cat = turn.catalogue
    named = asked(cat, turn.text)
    if not named and _SHIPPING_FEE.search(turn.text):
        # "新疆包邮吗": the store's own shipping rules answer, not the promotions list
        hits = kb_hits(turn)
        if hits and supported(hits, turn.text):
            return product_question(turn, "promotions")
    cart = _cart(turn)
    if named:
        return _asked_promotion(turn, named, cart or _conversation_cart(turn))
    running = cat.running(turn.now)
    sources = [
        Source(type="promotion", ref=f"promotions:promotion_id={p.promotion_id}", title=p.name)
        for p in running
    ]
    if not running:
        return Draft(
            "promotions", t("cs.no_promotions", turn.lang), turn.lang, facts={"running": []}
        )
    if not cart:
        ends = {p.promotion.promotion_id: p.end_at for p in cat.promotions}
        until = pick(turn.lang, "，至 ", ", until ")
        lines = "\n".join(
            f"- {p.name}：{describe_rule(p.kind, dict(p.rule), turn.lang, cat.currency)}"
            f"{until}{cat.local(ends.get(p.promotion_id))}"
            for p in running
        )
        return Draft(
            "promotions", t("cs.promotions", turn.lang, lines=lines), turn.lang, sources=sources
        )
    new = _is_new_customer(turn)
    plan = optimise(cart, running, new_customer=new)
    names = {p.promotion_id: p.name for p in running}
    how = "、".join(names[a] for a in plan.applied) or (
        pick(turn.lang, "现有活动都用不上", "none of the running promotions applies")
    )
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
