"""The shop's catalog: listings (product_id) and their SKUs, drawn from the category spec.

Listings are spread over the spec's product lines by weight; each takes one value of every option
(distinct titles within a line), the shop's brand (or a gear brand), 5-10 images, a listing date,
a popularity and a conversion factor. SKUs are the line's variants with charm prices, costs at
35-65 % of price, lead times and shelf lives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from shopkeeper.store.demo.catalogs import CategorySpec, ProductLine
from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import Timeline
from shopkeeper.text import pick

LISTINGS_AT_SCALE_1 = 100


@dataclass
class Catalog:
    """Listings and SKUs as parallel arrays (index = position). Plants may edit a few entries."""

    product_id: list[str]
    title: list[str]
    line: IntArray
    brand: list[str]
    category: list[str]
    listed_day: IntArray
    images: IntArray
    attrs: list[dict[str, str]]
    keywords: list[tuple[str, ...]]
    longtail: list[str]
    item: list[str]
    """Short product word for chats (``咖啡豆``, ``Cold Brew``)."""
    popularity: FloatArray
    conversion: FloatArray
    """Listing conversion relative to the store's base (0.6-1.6)."""
    sku_id: list[str]
    sku_listing: IntArray
    variant: list[str]
    variant_label: list[str]
    price: IntArray
    """List price in cents (history); :attr:`price_now` is what products.csv shows."""
    cost: IntArray
    shelf_life: IntArray
    """Days, 0 for non-perishables."""
    lead_time: IntArray
    share: FloatArray
    """Share of the listing's demand."""
    off_day: IntArray
    """Day index from which the SKU is off the shelf (``days`` = on sale)."""
    price_now: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.price_now = self.price.copy()

    @property
    def n_listings(self) -> int:
        """Number of listings."""
        return len(self.product_id)

    @property
    def n_skus(self) -> int:
        """Number of SKUs."""
        return len(self.sku_id)

    def sku_rate(self) -> FloatArray:
        """Relative demand of each SKU (listing popularity x SKU share)."""
        return self.popularity[self.sku_listing] * self.share

    def perishable(self) -> BoolArray:
        """SKUs with a shelf life."""
        return self.shelf_life > 0


def listing_count(scale: float) -> int:
    """Listings for a scale: ~100 at scale 1, growing mildly (~150 at scale 33)."""
    return int(np.clip(round(LISTINGS_AT_SCALE_1 * scale**0.12), 40, 200))


def _charm(price: FloatArray, lang: str) -> IntArray:
    """Shop-style prices in cents: 59 / 129 in CNY, 15.99 in USD."""
    if lang == "zh":
        return ((np.floor(price / 10.0) * 10 + 9) * 100).astype(np.int64)
    return (np.floor(price) * 100 + 99).astype(np.int64)


def _allocate(spec: CategorySpec, n: int) -> list[int]:
    """Listings per line, by weight; lines with too few distinct titles pass their excess on."""
    weights = np.array([ln.weight for ln in spec.lines], dtype=np.float64)
    caps = np.array([_title_combos(ln) for ln in spec.lines])
    counts = np.minimum(caps, 1)
    while (left := n - int(counts.sum())) > 0 and (counts < caps).any():
        share = np.where(counts < caps, weights, 0.0)
        add = np.floor(left * share / share.sum()).astype(int)
        if add.sum() == 0:
            add[int(np.argmax(share))] = 1
        counts = np.minimum(caps, counts + add)
    return [int(c) for c in counts]


def _title_options(line: ProductLine) -> list[int]:
    return [i for i, o in enumerate(line.options) if "{" + o.key + "}" in line.title]


def _title_combos(line: ProductLine) -> int:
    return math.prod(len(line.options[i].values) for i in _title_options(line))


def _choose_values(line: ProductLine, count: int, rng: np.random.Generator) -> list[list[int]]:
    """Option value indices for ``count`` listings with distinct titles."""
    visible = _title_options(line)
    sizes = [len(line.options[i].values) for i in visible]
    picks = rng.choice(math.prod(sizes), size=count, replace=False)
    chosen: list[list[int]] = []
    for code in picks:
        values = [int(v) for v in rng.integers(0, [len(o.values) for o in line.options])]
        rest = int(code)
        for i, size in zip(visible, sizes, strict=True):
            values[i], rest = rest % size, rest // size
        chosen.append(values)
    return chosen


@dataclass
class _Draft:
    line: int
    title: str
    brand: str
    attrs: dict[str, str]
    keywords: tuple[str, ...]
    longtail: str


def _draft_listings(spec: CategorySpec, n: int, rng: np.random.Generator) -> list[_Draft]:
    drafts: list[_Draft] = []
    for li, (line, count) in enumerate(zip(spec.lines, _allocate(spec, n), strict=True)):
        for values in _choose_values(line, count, rng):
            brand = str(rng.choice(line.other_brands)) if line.other_brands else spec.brand
            fill = {o.key: o.values[v] for o, v in zip(line.options, values, strict=True)} | {
                "brand": brand
            }
            attrs = {pick(spec.lang, "品牌", "Brand"): brand}
            attrs |= {o.label: o.values[v] for o, v in zip(line.options, values, strict=True)}
            attrs |= dict(line.fixed)
            k = int(rng.integers(3, min(5, len(line.keywords)) + 1))
            keywords = tuple(str(w) for w in rng.choice(line.keywords, size=k, replace=False))
            drafts.append(
                _Draft(
                    li,
                    line.title.format(**fill),
                    brand,
                    attrs,
                    keywords,
                    line.longtail.format(**fill),
                )
            )
    return drafts


def _ids(n: int, rng: np.random.Generator, lang: str, brand: str) -> tuple[list[str], list[str]]:
    """Listing ids (12/13-digit platform numbers) and a pool of merchant SKU codes."""
    listing_nums = rng.choice(10**11, size=n, replace=False)
    codes = rng.choice(99_999, size=n * 8, replace=False) + 1
    if lang == "zh":
        return [f"6{x:011d}" for x in listing_nums], [f"{c:06d}" for c in codes]
    prefix = "".join(ch for ch in brand.upper() if ch.isalpha())[:2]
    return [f"8{x:012d}" for x in listing_nums], [f"{prefix}-{c:05d}" for c in codes]


def build_catalog(spec: CategorySpec, scale: float, seed: int, timeline: Timeline) -> Catalog:
    """Draw the catalog of a shop for a scale and seed."""
    rng = rng_for(seed, "catalog")
    drafts = _draft_listings(spec, listing_count(scale), rng)
    order = rng.permutation(len(drafts))
    drafts = [drafts[i] for i in order]
    n = len(drafts)
    lines = [spec.lines[d.line] for d in drafts]
    product_ids, code_pool = _ids(n, rng, spec.lang, spec.brand)
    base = np.array([rng.uniform(*ln.price) for ln in lines])
    ref = np.median([np.mean(ln.price) for ln in spec.lines])
    weight = np.array([ln.weight for ln in lines]) / max(ln.weight for ln in spec.lines)
    popularity = rng.lognormal(0.0, 1.0, n) * (base / ref) ** -0.35 * weight**0.5
    new = rng.random(n) < 0.08
    listed = np.where(
        new, rng.integers(10, max(11, timeline.days - 45), n), -rng.integers(30, 900, n)
    )
    sku = _draft_skus(lines, base, rng, spec.lang)
    n_sku = len(sku["listing"])
    off = np.full(n_sku, timeline.days, dtype=np.int64)
    tail = (sku["share"] < 0.25) & (rng.random(n_sku) < 0.12)
    off[tail] = rng.integers(20, max(21, timeline.days - 35), int(tail.sum()))
    return Catalog(
        product_id=product_ids,
        title=[d.title for d in drafts],
        line=np.array([d.line for d in drafts], dtype=np.int64),
        brand=[d.brand for d in drafts],
        category=[ln.category for ln in lines],
        listed_day=listed.astype(np.int64),
        images=rng.choice(np.arange(5, 11), size=n, p=[0.22, 0.2, 0.2, 0.16, 0.12, 0.1]).astype(
            np.int64
        ),
        attrs=[d.attrs for d in drafts],
        keywords=[d.keywords for d in drafts],
        longtail=[d.longtail for d in drafts],
        item=[ln.short_title for ln in lines],
        popularity=popularity,
        conversion=np.clip(rng.lognormal(0.0, 0.22, n), 0.6, 1.6),
        sku_id=code_pool[:n_sku],
        sku_listing=sku["listing"].astype(np.int64),
        variant=[lines[li].variants[k][0] for li, k in zip(sku["listing"], sku["k"], strict=True)],
        variant_label=[lines[li].variant_label for li in sku["listing"]],
        price=sku["price"].astype(np.int64),
        cost=np.round(sku["price"] * rng.uniform(0.35, 0.65, n_sku)).astype(np.int64),
        shelf_life=np.array(
            [lines[li].shelf_life_days or 0 for li in sku["listing"]], dtype=np.int64
        ),
        lead_time=np.array(
            [
                rng.integers(lines[li].lead_time[0], lines[li].lead_time[1] + 1)
                for li in sku["listing"]
            ],
            dtype=np.int64,
        ),
        share=sku["share"],
        off_day=off,
    )


def _draft_skus(
    lines: list[ProductLine], base: FloatArray, rng: np.random.Generator, lang: str
) -> dict[str, FloatArray]:
    listing: list[int] = []
    ks: list[int] = []
    prices: list[float] = []
    shares: list[float] = []
    for li, line in enumerate(lines):
        weights = 0.55 ** np.arange(len(line.variants)) * rng.lognormal(
            0.0, 0.4, len(line.variants)
        )
        weights = weights / weights.sum()
        for k, (_, mult) in enumerate(line.variants):
            listing.append(li)
            ks.append(k)
            prices.append(base[li] * mult)
            shares.append(float(weights[k]))
    return {
        "listing": np.array(listing, dtype=np.int64),
        "k": np.array(ks, dtype=np.int64),
        "price": _charm(np.array(prices), lang).astype(np.float64),
        "share": np.array(shares),
    }
