"""The shared state of one generation run, handed to every simulation module."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.store.demo.calendar import Calendar
from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.catalogs import CategorySpec
from shopkeeper.store.demo.demand import Demand
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.people import Crowd
from shopkeeper.store.demo.plan import Plan
from shopkeeper.store.demo.rng import FloatArray
from shopkeeper.store.demo.timeline import Timeline
from shopkeeper.store.demo.writer import StoreWriter


@dataclass
class World:
    """Everything decided before the tables are simulated."""

    spec: CategorySpec
    locale: Locale
    timeline: Timeline
    catalog: Catalog
    calendar: Calendar
    plan: Plan
    demand: Demand
    shares: FloatArray
    """Buyer share of each traffic source per listing [listing, source]."""
    crowd: Crowd
    writer: StoreWriter
    seed: int
    scale: float

    @property
    def lang(self) -> str:
        """Store language."""
        return self.locale.lang
