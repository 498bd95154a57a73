"""Answers about the promotion a buyer asks about (能用满300减50吗, 这个秒杀活动到哪天结束, 双11还有吗):
which one it is, whether it is running, has ended or has not started (with its dates in the
store's time zone), whether the conversation's cart qualifies or how far it is from the
threshold, and what runs instead.
"""

from __future__ import annotations

import datetime as dt
import re

from shopkeeper.cs.engine.catalog import Catalogue, TimedPromotion
from shopkeeper.cs.engine.promotions import CartLine
from shopkeeper.cs.kb.catalog import describe_rule
from shopkeeper.cs.kb.text import tokens
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
