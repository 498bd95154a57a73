"""Findings: what an inspection reports, in the exact shape of ``shared/spec/findings.md``.

>>> f = Finding.make(
...     kind="stockout_risk", as_of=datetime.date(2026, 11, 20), severity="high",
...     entity=Entity(type="sku", id="SKU-1042", name="云南小粒咖啡豆 500g"),
...     title="t", evidence={"days_of_cover": 2.1}, recommendation="r",
... )
>>> f.id
'stockout_risk:sku:SKU-1042:2026-11-20'
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shopkeeper.text import Lang

Severity = Literal["high", "medium", "low"]
EntityType = Literal[
    "store", "product", "sku", "order", "campaign", "keyword", "audience", "warehouse"
]
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


class Entity(BaseModel):
    """The one thing a finding is about, with its id exactly as in the store's data."""

    model_config = ConfigDict(frozen=True)

    type: EntityType
    id: str
    name: str | None = None


class Impact(BaseModel):
    """Money or units at stake, used to rank findings."""

    metric: str
    value: float


class Action(BaseModel):
    """A machine-readable proposal; never executed by the inspection itself."""

    type: str
    params: dict[str, Any] = Field(default_factory=dict)


class Finding(BaseModel):
    """One problem or opportunity about one thing, with the numbers that prove it."""

    id: str
    kind: str
    severity: Severity
    entity: Entity
    title: str
    evidence: dict[str, Any]
    impact: Impact | None = None
    recommendation: str
    actions: list[Action] = Field(default_factory=list)

    @field_validator("evidence")
    @classmethod
    def _never_empty(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise ValueError("a finding's evidence is never empty")
        return value

    @classmethod
    def make(
        cls,
        *,
        kind: str,
        as_of: datetime.date,
        severity: Severity,
        entity: Entity,
        title: str,
        evidence: dict[str, Any],
        recommendation: str,
        impact: Impact | None = None,
        actions: list[Action] | None = None,
    ) -> Finding:
        """Build a finding with its stable id ``kind:entity_type:entity_id:as_of``."""
        return cls(
            id=f"{kind}:{entity.type}:{entity.id}:{as_of.isoformat()}",
            kind=kind,
            severity=severity,
            entity=entity,
            title=title,
            evidence=evidence,
            impact=impact,
            recommendation=recommendation,
            actions=actions or [],
        )

    @property
    def money(self) -> float:
        """Impact value for ranking (0 when the finding has none)."""
        return self.impact.value if self.impact else 0.0


class SkippedCheck(BaseModel):
    """A kind that could not be judged, and why (usually a missing optional table)."""

    kind: str
    reason: str


class Summary(BaseModel):
    """Counts by severity, and what was not checked."""

    counts: dict[str, int]
    dismissed: int = Field(
        default=0, description="findings hidden because the merchant dismissed them"
    )
    checks_run: list[str] = Field(default_factory=list)
    skipped: list[SkippedCheck] = Field(default_factory=list)


class InspectionReport(BaseModel):
    """``shopkeeper inspect --format json``."""

    store: str
    as_of: datetime.date
    generated_at: datetime.datetime
    lang: Lang = "zh"
    currency: str = Field(
        default="CNY", description="the store's currency (ISO code) of every amount"
    )
    findings: list[Finding]
    summary: Summary
    seconds: float = 0.0
    data_through: datetime.date | None = Field(
        default=None,
        exclude=True,
        description="last day of the store's data; a later as_of was inspected as of this day",
    )

    @property
    def past_data(self) -> bool:
        """Whether ``as_of`` lies after the last data day (the report then holds a ``data_gap``)."""
        return self.data_through is not None and self.as_of > self.data_through

    def by_kind(self, kind: str) -> list[Finding]:
        """Findings of one kind."""
        return [f for f in self.findings if f.kind == kind]
