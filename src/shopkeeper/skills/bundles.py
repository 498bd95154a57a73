"""What sells together: association rules mined from paid orders (one basket per order_id)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.skills.common import DataAnswer, Recommendation, SegmentFilter, open_store
from shopkeeper.skills.itemsets import MAX_BASKET_ITEMS, mine
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, num, pct, tr
from shopkeeper.skills.sales import Period
from shopkeeper.store.metrics import line_gmv, paid


class BundleArgs(Period, SegmentFilter):
    """Which orders to mine (default: the last 90 days, all or one segment) and how strong a rule must be."""

    days: int = Field(
        default=90, ge=1, le=3660, description="length of the period when `start` is not given"
    )
    level: Literal["product", "sku"] = Field(
        default="product", description="items are listings (product) or variants (sku)"
    )
    min_support: float = Field(
        default=0.001, gt=0, le=1, description="share of all orders an itemset must appear in"
    )
    min_count: int = Field(default=5, ge=1, description="…and at least this many orders")
    min_confidence: float = Field(
        default=0.05, ge=0, le=1, description="P(consequents | antecedents) a rule needs"
    )
    min_lift: float = Field(default=1.2, ge=0, description="1 = no better than chance")
    max_items: int = Field(default=3, ge=2, le=3, description="largest itemset (pairs or triples)")
    max_basket_items: int = Field(
        default=MAX_BASKET_ITEMS,
        ge=2,
        le=1000,
        description="orders with more frequent items than this (wholesale restocks) are not mined",
    )
    limit: int = Field(default=20, ge=1, le=500, description="at most this many rules and bundles")


class Item(BaseModel):
    """An item of a rule."""

    id: str
    title: str
    price: float = Field(description="current list price (money; a listing's lowest SKU price)")


class RuleRow(BaseModel):
    """If a basket holds ``antecedents`` it also tends to hold ``consequents``."""

    antecedents: list[Item]
    consequents: list[Item]
    orders: int = Field(description="orders holding every item of the rule")
    support: float = Field(description="orders holding all items / all orders (0-1)")
    antecedent_support: float
    consequent_support: float
    confidence: float = Field(description="P(consequents | antecedents) (0-1)")
    lift: float = Field(
        description="confidence / consequent_support; > 1 bought together more than by chance"
    )


class Bundle(BaseModel):
    """A suggested bundle: an itemset bought together clearly more than by chance."""

    items: list[Item]
    orders: int
    support: float
    lift: float = Field(description="best lift of a rule within the itemset")
    list_price_total: float = Field(description="sum of the items' list prices (money)")


class CopurchaseBundles(DataAnswer):
    """Association rules and suggested bundles."""

    start: dt.date | None = None
    end: dt.date | None = None
    segment: str | None = Field(default=None, description="the segment filter, e.g. country=France")
    baskets: int = Field(default=0, description="paid orders mined")
    multi_item_baskets: int = Field(default=0, description="orders with two items or more")
    skipped_baskets: int = Field(
        default=0, description="orders left out for holding more than max_basket_items items"
    )
    min_orders: int = Field(
        default=0, description="orders an itemset needed: max(min_count, min_support × baskets)"
    )
    rules: list[RuleRow] = Field(default_factory=list, description="highest lift first")
    bundles: list[Bundle] = Field(default_factory=list)

    def render(self, lang: Lang, currency: str = "") -> str:
        """Baskets mined, then the rules "buyers of A also buy B"."""
        seg = f" ({self.segment})" if self.segment else ""
        head = tr(
            lang,
            f"{self.start} 至 {self.end}{seg}：{num(self.baskets)} 笔订单，其中 {num(self.multi_item_baskets)} 笔买了多件商品；"
            f"组合至少出现在 {num(self.min_orders)} 笔订单中才计入。",
            f"{self.start} to {self.end}{seg}: {num(self.baskets)} orders, {num(self.multi_item_baskets)} with several items; "
            f"a combination counts from {num(self.min_orders)} orders on.",
        )
        if self.skipped_baskets:
            head += tr(
                lang,
                f"另有 {num(self.skipped_baskets)} 笔超大订单（批量补货）未计入。",
                f" {num(self.skipped_baskets)} very large orders (bulk restocks) were left out.",
            )
        rows = []
        for r in self.rules:
            lhs = " + ".join(x.title or x.id for x in r.antecedents)
            rhs = " + ".join(x.title or x.id for x in r.consequents)
            rows.append(
                tr(
                    lang,
                    f"- 买 {lhs} 的人 {pct(r.confidence)} 也买 {rhs}（提升度 {num(r.lift, 2)}，{r.orders} 单）",
                    f"- {pct(r.confidence)} of buyers of {lhs} also buy {rhs} (lift {num(r.lift, 2)}, {r.orders} orders)",
                )
            )
        return self.join(lang, head, rows)


@skill(tags=("data", "analyst", "designer"))
def copurchase_bundles(ctx: SkillContext, args: BundleArgs) -> CopurchaseBundles:
    """Products bought together: association rules (support, confidence, lift) from orders, and bundles to offer."""
    key = "p.product_id" if args.level == "product" else "i.sku_id"
    with open_store(ctx) as d:
        start, end = d.window(args)
        where, params = args.segment_sql(d)
        mined = mine(
            d,
            f"""SELECT o.order_id, {key} AS item FROM orders o JOIN order_items i USING (order_id)
                JOIN products p USING (sku_id)
                WHERE {paid()} AND local_day(o.created_at) BETWEEN $start AND $end
                  AND {line_gmv()} >= 0 AND {where}""",
            {**params, "start": start, "end": end},
            min_support=args.min_support,
            min_count=args.min_count,
            min_confidence=args.min_confidence,
            min_lift=args.min_lift,
            max_len=args.max_items,
            max_basket_items=args.max_basket_items,
            limit=args.limit,
        )
        names = {
            r["id"]: Item(id=r["id"], title=r["title"], price=round(r["price"], 2))
            for r in d.rows(
                f"SELECT {key.split('.')[1]} AS id, any_value(title) AS title, min(price)::DOUBLE AS price "
                "FROM products p GROUP BY 1"
            )
        }
        currency = d.currency
        text = d.text

    def items(ids: list[str]) -> list[Item]:
        return [names.get(i, Item(id=i, title=i, price=0.0)) for i in ids]

    bundles = [
        Bundle(
            items=items(b["items"]),
            orders=b["orders"],
            support=round(b["support"], 6),
            lift=round(b["lift"], 3),
            list_price_total=round(sum(i.price for i in items(b["items"])), 2),
        )
        for b in mined.bundles
    ]
    recs = [
        Recommendation(
            text=text(
                f"组合「{' + '.join(i.title for i in b.items)}」一起买了 {b.orders} 单（提升度 {b.lift:g}）："
                f"做套餐或满减搭配，原价合计 {b.list_price_total:g}，套餐价可让利 5-10%",
                f"Bundle '{' + '.join(i.title for i in b.items)}': bought together in {b.orders} orders "
                f"(lift {b.lift:g}); offer it as a set — list prices add up to {b.list_price_total:g}, "
                "a 5-10% bundle discount is typical",
            )
        )
        for b in bundles[:3]
    ]
    return CopurchaseBundles(
        currency=currency,
        start=start,
        end=end,
        segment=args.segment_label() or None,
        baskets=mined.baskets,
        multi_item_baskets=mined.multi_item_baskets,
        skipped_baskets=mined.skipped_baskets,
        min_orders=mined.need,
        rules=[
            RuleRow(
                antecedents=items(r["antecedents"]),
                consequents=items(r["consequents"]),
                orders=r["orders"],
                support=round(r["support"], 6),
                antecedent_support=round(r["antecedent_support"], 6),
                consequent_support=round(r["consequent_support"], 6),
                confidence=round(r["confidence"], 6),
                lift=round(r["lift"], 6),
            )
            for r in mined.rules
        ],
        bundles=bundles,
        recommendations=recs,
        note=None
        if mined.rules
        else text(
            f"没有一组商品同单购买的频率明显高于随机（提升度 ≥ {args.min_lift:g}，至少 {mined.need} 单）",
            f"no items are bought together clearly more often than by chance (lift ≥ {args.min_lift:g}, "
            f"at least {mined.need} orders)",
        ),
    )
