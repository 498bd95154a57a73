"""Types of the language-specific data: geography, names, carriers, traffic sources, texts, events.

One :class:`Locale` per language lives in :mod:`.locale_zh` and :mod:`.locale_en`; chats in
:mod:`.chats_zh` and :mod:`.chats_en`. Nothing here is random.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Place:
    """A real province/city/district triple (US: state/city/ZIP) with its share of buyers."""

    province: str
    city: str
    district: str
    weight: float
    area_code: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """A traffic source: its share of buyers, conversion relative to search, click-through rate."""

    name: str
    share: float
    conv_ratio: float
    ctr: float


@dataclass(frozen=True, slots=True)
class Carrier:
    """A parcel carrier and the shape of its tracking numbers."""

    name: str
    prefix: str
    digits: int
    weight: float


@dataclass(frozen=True, slots=True)
class RefundReason:
    """A buyer's stated after-sale reason and the case kinds it leads to."""

    text: str
    weight: float
    kinds: tuple[tuple[str, float], ...]
    partial: float = 0.0
    """Share of refund_only cases that refund only part of the line (e.g. a broken bag)."""


@dataclass(frozen=True, slots=True)
class Chat:
    """A customer-service conversation script; ``{placeholders}`` are filled per conversation."""

    key: str
    stage: str
    """presale (no order), paid (unshipped), shipped or delivered."""
    weight: float
    turns: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Event:
    """A yearly shop event (a promotion), as a function of the year."""

    name: str
    kind: str
    start: Callable[[int], date]
    days: int
    uplift: float
    discount: float = 0.0
    threshold: tuple[int, int] | None = None
    repeat: bool = False
    """Threshold applies per multiple (每满300减50) rather than once."""
    peaks: tuple[tuple[int, float], ...] = ()
    """(day offset from start, extra multiplier) for peak days."""
    presale_days: int = 0
    """Days of deposit-paying presale before ``start`` (定金); final payment on ``start``."""
    categories: tuple[str, ...] = ()
    """Limit to these category families (empty: all)."""


def fixed(month: int, day: int) -> Callable[[int], date]:
    """Event start on a fixed calendar day."""
    return lambda year: date(year, month, day)


def nth_weekday(month: int, weekday: int, n: int, offset: int = 0) -> Callable[[int], date]:
    """Event start on the n-th ``weekday`` (0 = Monday) of a month (n = -1: the last), plus offset."""

    def start(year: int) -> date:
        if n > 0:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        else:
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            day = last - timedelta(days=(last.weekday() - weekday) % 7)
        return day + timedelta(days=offset)

    return start


@dataclass(frozen=True, slots=True)
class Locale:
    """Everything language-specific the generator needs."""

    lang: str
    places: tuple[Place, ...]
    roads: tuple[str, ...]
    compounds: tuple[str, ...]
    surnames: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    carriers: tuple[Carrier, ...]
    channels: tuple[tuple[str, float], ...]
    sources: tuple[Source, ...]
    base_conversion: float
    hours: tuple[float, ...]
    weekdays: tuple[float, ...]
    transit_days: tuple[float, float]
    free_shipping: tuple[int, int]
    """(threshold, fee) in cents: orders below the threshold pay the fee."""
    coupon: tuple[str, int, int]
    """(name, threshold cents, off cents) of the always-on new-customer coupon."""
    weekend_threshold: tuple[str, int, int] | None
    events: tuple[Event, ...]
    review_good: tuple[str, ...]
    review_mid: tuple[str, ...]
    review_bad: tuple[str, ...]
    replies_good: tuple[str, ...]
    replies_bad: tuple[str, ...]
    refund_reasons: tuple[RefundReason, ...]
    cancel_reasons: tuple[str, ...]
    wrong_item_reason: str
    chats: tuple[Chat, ...]
    genders: tuple[tuple[str, float], ...]
    age_bands: tuple[str, ...]
    member_levels: tuple[str, ...]
    tags: tuple[str, ...]
    """Customer tags: new, repeat, high spender, promotion-driven."""
    flash_name: str
    bundle_name: str
    return_window_days: int
    country: str = ""
    """ISO code of the country the shop sells in (``orders.receiver_country``)."""
    guest_share: float = 0.0
    """Share of orders placed as guest checkouts (no customer id)."""
