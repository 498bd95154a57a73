"""The daily and weekly report: one stable shape for every role (``docs/reports.md``).

Every key is always present. Sections that are not part of a role's cut are ``null``; sections
that are part of it but lack their data say so (``available: false`` and the tables missing).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.inspection.models import Finding, SkippedCheck
from shopkeeper.text import Lang

ReportKind = Literal["daily", "weekly"]
Role = Literal["owner", "ops", "cs", "ads"]
Unit = Literal["money", "count", "rate", "ratio", "rating"]
Better = Literal["up", "down", "neutral"]
Trend = Literal["good", "bad", "flat", "neutral", "none"]


class Window(BaseModel):
    """A span of store-local days, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1


class Comparison(BaseModel):
    """What a KPI is compared with: ``windows`` spans averaged (one, or four for a weekly baseline)."""

    key: Literal["previous", "baseline"]
    label: str
    windows: list[Window]
    promotions: list[str] = Field(
        default_factory=list, description="promotions during these windows"
    )


class Delta(BaseModel):
    """A KPI's value in a comparison window and the change to it (``ratio`` is relative: 0.12 = +12%;
    ``diff`` is absolute, e.g. percentage points as a fraction for rates).
    """

    value: float | None
    diff: float | None
    ratio: float | None
    trend: Trend


class Kpi(BaseModel):
    """One key figure of the period against the previous period and a baseline."""

    key: str
    label: str
    unit: Unit
    better: Better
    value: float | None
    previous: Delta
    baseline: Delta
    target: float | None = None
    meets_target: bool | None = None
    note: str | None = None


class Mover(BaseModel):
    """A listing whose GMV moved most, and why where the data shows it."""

    product_id: str
    title: str
    gmv: float
    gmv_before: float
    change: float
    change_ratio: float | None
    reason: Literal["traffic", "conversion", "order_value", "stock", "unknown"]
    reason_text: str
    visitors: float | None = None
    visitors_before: float | None = None
    conversion: float | None = None
    conversion_before: float | None = None
    source: str | None = Field(default=None, description="traffic source whose visitors moved most")


class Movers(BaseModel):
    """Top rising and falling listings by GMV change (``basis`` says against what)."""

    basis: str
    rising: list[Mover]
    falling: list[Mover]


class TrendPoint(BaseModel):
    """One day of the 30-day trend (``null`` where the table is missing)."""

    date: dt.date
    gmv: float
    orders: int
    visitors: int | None
    ad_spend: float | None
    ad_gmv: float | None
    refunds: int | None


class Funnel(BaseModel):
    """Visitors → add-to-cart → buyers over the period."""

    visitors: int
    add_to_cart: int | None
    buyers: int


class Section(BaseModel):
    """Base of every role section: whether its data exists."""

    available: bool = True
    missing: list[str] = Field(default_factory=list)


class NamedCount(BaseModel):
    """A label with a count and its share of the whole (reasons, topics, reasons...)."""

    key: str
    label: str
    count: int
    share: float
    example: str | None = None


class StockRow(BaseModel):
    """An on-sale SKU whose stock needs attention."""

    sku_id: str
    title: str
    available: int
    daily_sales: float
    days_of_cover: float | None


class StockSection(Section):
    """Stock on the last day of the period (the latest snapshot up to it)."""

    snapshot: dt.date | None = None
    on_sale_skus: int = 0
    out_of_stock: int = 0
    low_cover: int = 0
    stock_value: float | None = None
    at_risk: list[StockRow] = Field(default_factory=list)


class ShippingSection(Section):
    """Shipping against the promise (``targets.ship_within_hours``)."""

    promise_hours: float = 48
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue_now: int = 0
    avg_hours_to_ship: float | None = None


class ListingRow(BaseModel):
    """One listing's period figures."""

    product_id: str
    title: str
    gmv: float
    orders: int
    visitors: int | None
    conversion: float | None


class ListingsSection(Section):
    """Listings on sale, selling, and the best sellers of the period."""

    on_sale: int = 0
    selling: int = 0
    top: list[ListingRow] = Field(default_factory=list)


class RefundsSection(Section):
    """After-sale cases opened in the period and their stated reasons."""

    cases: int = 0
    amount: float = 0.0
    reasons: list[NamedCount] = Field(default_factory=list)


class ReviewRow(BaseModel):
    """A low-rated review to read."""

    product: str
    rating: int
    text: str
    replied: bool


class ReviewsSection(Section):
    """Reviews written in the period."""

    count: int = 0
    avg_rating: float | None = None
    low: int = 0
    low_unreplied: int = 0
    recent_low: list[ReviewRow] = Field(default_factory=list)


class ChatSection(Section):
    """Customer-service chats: conversations and the top customer question topics."""

    conversations: int = 0
    customer_messages: int = 0
    topics: list[NamedCount] = Field(default_factory=list)


class CampaignRow(BaseModel):
    """One campaign over the period."""

    campaign_id: str
    name: str
    kind: str | None
    spend: float
    gmv: float
    roi: float | None
    target_roi: float | None
    budget_use: float | None


class CampaignsSection(Section):
    """Ad campaigns: spend, ROI against target, the best and the worst."""

    target_roi: float | None = None
    spend: float = 0.0
    gmv: float = 0.0
    roi: float | None = None
    below_target: int = 0
    top: list[CampaignRow] = Field(default_factory=list)
    bottom: list[CampaignRow] = Field(default_factory=list)


class Sections(BaseModel):
    """The role's cut: sections outside it are ``null``."""

    stock: StockSection | None = None
    shipping: ShippingSection | None = None
    listings: ListingsSection | None = None
    refunds: RefundsSection | None = None
    reviews: ReviewsSection | None = None
    chat: ChatSection | None = None
    campaigns: CampaignsSection | None = None


class FindingsBlock(BaseModel):
    """The inspection's findings relevant to the role (``top`` ranked, at most 10)."""

    total: int
    counts: dict[str, int]
    top: list[Finding]
    skipped: list[SkippedCheck]


class Action(BaseModel):
    """A concrete thing to do, with why and where it comes from."""

    subject: str = Field(
        description="what it is about: a finding kind and its entity, a KPI, a promotion, a listing"
    )
    title: str
    why: str
    source: Literal["finding", "kpi", "promotion", "mover"]
    ref: str
    role: Role
    at_stake: float | None = None


class UpcomingPromotion(BaseModel):
    """A promotion starting within two weeks after the period."""

    promotion_id: str
    name: str
    kind: str
    start: dt.date
    days_away: int


class Missing(BaseModel):
    """A part of the report left empty because its tables hold no data."""

    section: str
    tables: list[str]


class Report(BaseModel):
    """``shopkeeper report daily|weekly --format json``."""

    version: Literal[1] = Field(
        default=1, description="shape version; bumped only on breaking changes"
    )
    store: str
    store_name: str
    platform: str
    currency: str
    kind: ReportKind
    role: Role
    lang: Lang
    period: Window
    period_promotions: list[str]
    comparisons: list[Comparison]
    generated_at: dt.datetime
    kpis: list[Kpi]
    decisions: list[Action]
    findings: FindingsBlock
    movers: Movers | None
    sections: Sections
    trend: list[TrendPoint]
    funnel: Funnel | None
    plan: list[Action]
    upcoming_promotions: list[UpcomingPromotion]
    missing: list[Missing]

    def kpi(self, key: str) -> Kpi | None:
        """The KPI named ``key`` if this role shows it."""
        return next((k for k in self.kpis if k.key == key), None)
