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
