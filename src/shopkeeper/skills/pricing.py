"""Price questions: margins, prices under cost, where each listing stands against its competitors;
and the demand forecast used for replenishment (:mod:`shopkeeper.skills.forecasting`).

A listing's price is its SKUs' list prices weighted by units sold in the window (a plain mean when
nothing sold); competitors' prices are each watched listing's latest price in the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.skills.common import (
    DataAnswer,
    PeriodArgs,
    Recommendation,
    StoreData,
    open_store,
)
from shopkeeper.skills.forecasting import sales_forecast
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, num, tr
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.metrics import line_gmv, paid

Position = Literal["cheapest", "below", "in_line", "above", "far_above"]


class PriceArgs(PeriodArgs):
    """Which SKUs (default: all on sale; sales and competitors over the last 30 days)."""

    product_id: str | None = Field(default=None, description="only this listing")
    far_above_pct: float = Field(
        default=30.0, gt=0, description="this much above the competitors' median is far above"
    )
    limit: int = Field(default=50, ge=1, le=2000, description="rows per list")


class SkuPrice(BaseModel):
    """One SKU's price and margin."""

    sku_id: str
    product_id: str
    title: str
    price: float = Field(description="list price (money)")
    cost: float | None
    margin: float | None = Field(description="price − cost (money)")
    margin_pct: float | None = Field(description="margin / price, percent")
    avg_paid_price: float | None = Field(
        description="what buyers paid per unit in the window (money)"
    )
    units: int = Field(description="units sold in the window")
    below_cost: bool = Field(description="list price or average paid price under cost")


class ListingPosition(BaseModel):
    """A listing's price against the competitors watched for it."""

    product_id: str
    title: str
    our_price: float
    competitors: int
    competitor_min: float
    competitor_median: float
    competitor_max: float
    price_index: float = Field(description="our_price / competitor_median (1 = the same)")
    position: Position
    lost_buyers: int = Field(description="buyers lost to these competitors in the window")


class PriceCheck(DataAnswer):
    """Prices, margins and competitive position."""

    start: dt.date | None = None
    end: dt.date | None = None
    skus: list[SkuPrice] = Field(
        default_factory=list, description="below cost first, then lowest margin"
    )
    below_cost: list[str] = Field(default_factory=list, description="sku_ids")
    listings: list[ListingPosition] = Field(
        default_factory=list, description="highest price index first"
    )
    far_above: list[str] = Field(
        default_factory=list, description="product_ids far above the competitors"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """SKUs under cost and listings far above competitors, then the lowest margins."""
        cur = self.money_in(currency)
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：{len(self.below_cost)} 个 SKU 售价低于成本，{len(self.far_above)} 个商品明显贵于竞品。毛利最低的：",
            f"{self.start} to {self.end}: {len(self.below_cost)} SKUs priced below cost, {len(self.far_above)} listings far above competitors. Lowest margins:",
        )
        skus = sorted(self.skus, key=lambda r: r.margin_pct if r.margin_pct is not None else 1e9)
        rows = [
            tr(
                lang,
                f"- {r.title}（{r.sku_id}）：售价 {money(r.price, cur, lang)}，成本 {money(r.cost, cur, lang)}，毛利率 {num(r.margin_pct)}%",
                f"- {r.title} ({r.sku_id}): price {money(r.price, cur, lang)}, cost {money(r.cost, cur, lang)}, margin {num(r.margin_pct)}%",
            )
            for r in skus
        ]
        return self.join(lang, head, rows)


def _skus(d: StoreData, args: PriceArgs, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    return d.rows(
        f"""WITH sold AS (SELECT i.sku_id, sum(i.quantity) AS units, sum({line_gmv()})::DOUBLE / sum(i.quantity) AS paid
                         FROM orders o JOIN order_items i USING (order_id)
                         WHERE {paid()} AND local_day(o.created_at) BETWEEN $s AND $e GROUP BY 1)
            SELECT p.sku_id, p.product_id, p.title, p.price::DOUBLE AS price, p.cost::DOUBLE AS cost,
                   coalesce(sold.units, 0) AS units, sold.paid
            FROM products p LEFT JOIN sold USING (sku_id)
            WHERE coalesce(p.status, 'on_sale') = 'on_sale' AND ($pid IS NULL OR p.product_id = $pid)""",
        {"s": start, "e": end, "pid": args.product_id},
    )


def _position(index: float, cheapest: bool, far: float) -> Position:
    if cheapest:
        return "cheapest"
    if index > 1 + far / 100:
        return "far_above"
    return "above" if index > 1.05 else "below" if index < 0.95 else "in_line"


def own_shops(config: StoreConfig | None) -> list[str]:
    """The merchant's own shops (``own_shops`` in store.toml, and the store's name): never
    competitors, whatever the competitors table lists.
    """
    if config is None:
        return []
    return sorted({*config.own_shops, config.name.strip()} - {""})


def _listings(
    d: StoreData, skus: list[SkuPrice], args: PriceArgs, start: dt.date, end: dt.date
) -> list[ListingPosition]:
    comp = d.rows(
        """WITH last AS (SELECT our_product_id, competitor_product_id, arg_max(competitor_price, date) AS price
                        FROM competitors WHERE date BETWEEN $s AND $e AND competitor_price IS NOT NULL
                          AND NOT list_contains($own, competitor_shop) GROUP BY 1, 2)
           SELECT l.our_product_id AS product_id, count(*) AS n, min(price)::DOUBLE AS lo, median(price)::DOUBLE AS mid,
                  max(price)::DOUBLE AS hi,
                  (SELECT coalesce(sum(lost_buyers), 0) FROM competitors c WHERE c.our_product_id = l.our_product_id
                     AND c.date BETWEEN $s AND $e AND NOT list_contains($own, c.competitor_shop)) AS lost
           FROM last l GROUP BY 1""",
        {"s": start, "e": end, "own": own_shops(d.config) or [""]},
    )
    out = []
    for c in comp:
        mine = [s for s in skus if s.product_id == c["product_id"]]
        if not mine or not c["mid"]:
            continue
        units = sum(s.units for s in mine)
        ours = (
            sum(s.price * s.units for s in mine) / units
            if units
            else sum(s.price for s in mine) / len(mine)
        )
        index = ours / c["mid"]
        out.append(
            ListingPosition(
                product_id=c["product_id"],
                title=mine[0].title,
                our_price=round(ours, 2),
                competitors=int(c["n"]),
                competitor_min=round(c["lo"], 2),
                competitor_median=round(c["mid"], 2),
                competitor_max=round(c["hi"], 2),
                price_index=round(index, 3),
                position=_position(index, ours < c["lo"], args.far_above_pct),
                lost_buyers=int(c["lost"]),
            )
        )
    return sorted(out, key=lambda p: (-p.price_index, p.product_id))


def _sku(r: dict[str, Any]) -> SkuPrice:
    price, cost, paid = r["price"], r["cost"], r["paid"]
    margin = price - cost if cost is not None else None
    return SkuPrice(
        sku_id=r["sku_id"],
        product_id=r["product_id"],
        title=r["title"],
        price=round(price, 2),
        cost=round(cost, 2) if cost is not None else None,
        margin=round(margin, 2) if margin is not None else None,
        margin_pct=round(margin / price * 100, 1) if margin is not None and price else None,
        avg_paid_price=round(paid, 2) if paid is not None else None,
        units=int(r["units"]),
        below_cost=cost is not None and (price < cost or (paid is not None and paid < cost)),
    )


def _below_cost_text(s: SkuPrice, text: Callable[[str, str], str]) -> str:
    """Says which price is under the cost — the list price, or what buyers paid — and only that."""
    cost = s.cost or 0.0
    if s.price < cost:
        return text(
            f"{s.title}（{s.sku_id}）标价 {s.price:g} 低于成本 {cost:g}：调价",
            f"{s.title} ({s.sku_id}) is listed at {s.price:g}, under its cost {cost:g}: reprice it",
        )
    paid = s.avg_paid_price or 0.0
    return text(
        f"{s.title}（{s.sku_id}）标价 {s.price:g} 高于成本，但买家平均实付 {paid:g} 低于成本 {cost:g}：停止或收窄折扣",
        f"{s.title} ({s.sku_id}) is listed at {s.price:g}, above cost, but buyers paid {paid:g} on "
        f"average, under its cost {cost:g}: stop or narrow the discount",
    )


@skill(tags=("data", "analyst", "manager"))
def price_check(ctx: SkillContext, args: PriceArgs) -> PriceCheck:
    """Prices per SKU: cost, margin, price paid, SKUs below cost, and each listing's position against competitors' prices."""
    with open_store(ctx) as d:
        base = d.answer_base("competitors")
        start, end = d.window(args)
        skus = [_sku(r) for r in _skus(d, args, start, end)]
        listings = _listings(d, skus, args, start, end) if d.has("competitors") else []
        text = d.text
    skus.sort(
        key=lambda s: (
            not s.below_cost,
            s.margin_pct if s.margin_pct is not None else 1e9,
            s.sku_id,
        )
    )
    below = [s for s in skus if s.below_cost]
    far = [p for p in listings if p.position == "far_above"]
    recs = [
        Recommendation(
            text=_below_cost_text(s, text),
            action="change_price" if s.price < (s.cost or 0) else None,
            params={
                "sku_id": s.sku_id,
                "price": round(max((s.cost or 0) * 1.1, s.avg_paid_price or 0), 2),
            }
            if s.price < (s.cost or 0)
            else {},
        )
        for s in below[:5]
    ]
    recs += [
        Recommendation(
            text=text(
                f"{p.title} 价格 {p.our_price:g} 比竞品中位价 {p.competitor_median:g} 高 {(p.price_index - 1):.0%}，流失 {p.lost_buyers} 个买家：考虑降价、加赠品或突出差异",
                f"{p.title} at {p.our_price:g} is {(p.price_index - 1):.0%} above the competitors' median {p.competitor_median:g} "
                f"and lost {p.lost_buyers} buyers: consider a lower price, a gift, or make the difference clear",
            )
        )
        for p in far[:3]
    ]
    return PriceCheck(
        **base,
        start=start,
        end=end,
        skus=skus[: args.limit],
        below_cost=[s.sku_id for s in below],
        listings=listings[: args.limit],
        far_above=[p.product_id for p in far],
        recommendations=recs,
    )


def register(registry: SkillRegistry) -> None:
    """Register the pricing skills."""
    registry.register(price_check, sales_forecast)
