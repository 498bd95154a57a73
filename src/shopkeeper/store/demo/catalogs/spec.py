"""Types of the catalog data: what a shop sells and how its buyers talk about it.

A :class:`CategorySpec` describes one shop (a category family in one language): its name, brand,
platform, the :class:`ProductLine` families its listings are drawn from, its competitors, and the
category-specific text of reviews and after-sale cases. The data modules next to this one hold one
spec each; nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Option:
    """A listing attribute that varies between listings of a line (e.g. origin, roast)."""

    key: str
    """Placeholder name used in title and keyword templates, e.g. ``origin`` for ``{origin}``."""
    label: str
    """Attribute name as it appears in ``attributes``, e.g. ``产地`` or ``Origin``."""
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProductLine:
    """A family of similar listings (e.g. single-origin whole beans) that listings are drawn from.

    Each listing picks one value of every option; its SKUs are the line's variants, priced at the
    listing's base price times each variant's multiplier.
    """

    category: str
    title: str
    options: tuple[Option, ...]
    variants: tuple[tuple[str, float], ...]
    variant_label: str
    price: tuple[float, float]
    weight: float
    keywords: tuple[str, ...]
    longtail: str
    short_title: str
    review_group: str
    shelf_life_days: int | None = None
    lead_time: tuple[int, int] = (5, 12)
    fixed: tuple[tuple[str, str], ...] = ()
    season: float = 0.0
    """Seasonal amplitude: positive peaks in summer (cold drinks), negative in winter."""
    presale: bool = False
    """Whether listings of this line take part in presale (定金) events."""
    other_brands: tuple[str, ...] = ()
    """If set, listings carry one of these brands instead of the shop's own (e.g. brewing gear)."""
    variant_axes: tuple[str, ...] = ()
    """Names of the sales attributes when a variant combines several (``口味``, ``重量``): the
    variant ``三文鱼味 2kg`` is then ``{"口味": "三文鱼味", "重量": "2kg"}`` in ``attributes``."""

    def variant_attributes(self, variant: str) -> dict[str, str]:
        """The sales attributes of one variant of this line.

        >>> ProductLine("c", "t", (), (), "规格", (1, 2), 1, (), "", "", "").variant_attributes("500g")
        {'规格': '500g'}
        """
        if not self.variant_axes:
            return {self.variant_label: variant}
        parts = variant.split(" / ") if " / " in variant else variant.split(" ")
        return dict(zip(self.variant_axes, parts, strict=True))


def variant_grid(
    first: tuple[str | tuple[str, float], ...],
    second: tuple[tuple[str, float], ...],
    *,
    sep: str = " ",
) -> tuple[tuple[str, float], ...]:
    """Variants that combine two sales attributes (flavour × weight); price multipliers multiply
    (a plain name in ``first`` is ×1).

    >>> variant_grid(("三文鱼味", "鸡肉味"), (("2kg", 1.0), ("5kg", 2.2)))[:3]
    (('三文鱼味 2kg', 1.0), ('三文鱼味 5kg', 2.2), ('鸡肉味 2kg', 1.0))
    """
    pairs = [(a, 1.0) if isinstance(a, str) else a for a in first]
    return tuple((f"{a}{sep}{b}", round(m1 * m2, 3)) for a, m1 in pairs for b, m2 in second)


@dataclass(frozen=True, slots=True)
class ReviewBank:
    """Product sentences for reviews of one review group, by rating bucket."""

    good: tuple[str, ...]
    mid: tuple[str, ...]
    bad: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One shop: a category family in one language."""

    key: str
    lang: str
    store_name: str
    brand: str
    own_shop: str
    """The merchant's other shop, which shows up among competitors."""
    platform: str
    currency: str
    timezone: str
    lines: tuple[ProductLine, ...]
    competitor_shops: tuple[str, ...]
    audiences: tuple[str, ...]
    reviews: dict[str, ReviewBank]
    burst_topic: str
    """The complaint topic of a planted burst of negative reviews."""
    burst_texts: tuple[str, ...]
    taste_reason: str
    """The category's own common refund reason (taste, skin reaction...)."""
