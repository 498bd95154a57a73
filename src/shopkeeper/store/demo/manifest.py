"""What a demo store is and what was planted in it: the manifest written as ``planted.json``.

Every planted problem names a finding kind of ``shared/spec/findings.md`` exactly, the entity a
detector should report (``sku_id``, ``product_id``, ``order_id``, ``campaign_id``, the search term,
or the store name), the date it starts, and the numbers that were planted.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from shopkeeper.text import Lang

PROBLEM_KINDS: tuple[str, ...] = (
    "out_of_stock",
    "stockout_risk",
    "slow_moving",
    "expiry_risk",
    "price_anomaly",
    "listing_quality",
    "traffic_drop",
    "conversion_drop",
    "traffic_black_hole",
    "gmv_drop",
    "negative_reviews",
    "refund_spike",
    "shipping_delay",
    "abnormal_address",
    "competitor_loss",
    "ad_roi_below_target",
    "ad_budget_limited",
    "keyword_opportunity",
    "delivery_late",
    "cancellation_spike",
    "outlier_order",
)
"""Every finding kind the generator can plant, in the order of findings.md."""

DEFAULT_PROBLEMS: tuple[str, ...] = tuple(k for k in PROBLEM_KINDS if k != "gmv_drop")
"""Planted when ``problems=None``. ``gmv_drop`` is store-wide and would swamp the listing-level
problems (every top listing's traffic falls with it), so it is planted only when asked for."""

EntityType = Literal["store", "product", "sku", "order", "campaign", "keyword"]


class PlantedProblem(BaseModel):
    """One problem planted in the store, as a detector should report it."""

    model_config = ConfigDict(frozen=True)

    kind: str
    entity_type: EntityType
    entity_id: str
    since: date
    details: dict[str, JsonValue] = Field(default_factory=dict)


class DemoManifest(BaseModel):
    """A generated demo store: who it is, its size, and the problems planted in it."""

    model_config = ConfigDict(frozen=True)

    store_name: str
    lang: Lang
    category: str
    platform: str
    currency: str
    timezone: str
    seed: int
    scale: float
    start_date: date
    end_date: date
    row_counts: dict[str, int]
    planted: list[PlantedProblem]
    notes: dict[str, JsonValue] = Field(default_factory=dict)
    """Planted facts that are not problems (``better_creative``: the test image that clearly wins)."""

    def kinds(self) -> set[str]:
        """The finding kinds planted."""
        return {p.kind for p in self.planted}
