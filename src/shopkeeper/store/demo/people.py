"""Buyers: who orders, where they live, how their masked names and phones look.

Customers are numbered; every attribute (home, name, phone, gender, age) is hashed from the number
and the seed, so millions of customers need no memory and a repeat buyer always ships to the same
address. About 40 % of orders come from a loyal tenth of the customers.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.rng import IntArray, hash_choice, hash_u64
from shopkeeper.store.demo.writer import lookup

LOYAL_SHARE = 0.3
LOYAL_POOL = 0.15


@dataclass(frozen=True)
class Crowd:
    """The store's customers."""

    locale: Locale
    seed: int
    size: int

    def pick(self, rng: np.random.Generator, n: int) -> IntArray:
        """Customer number of each of ``n`` orders."""
        loyal = rng.random(n) < LOYAL_SHARE
        pool = max(1, int(self.size * LOYAL_POOL))
        skewed = (rng.random(n) ** 2 * pool).astype(np.int64)
        return np.where(loyal, skewed, rng.integers(0, self.size, n))

    def _int(self, idx: IntArray, field: str, n: int) -> IntArray:
        return (hash_u64(idx, self.seed, field) % np.uint64(n)).astype(np.int64)

    def place(self, idx: IntArray) -> IntArray:
        """Index into ``locale.places`` of each customer's home."""
        return hash_choice(idx, self.seed, "place", [p.weight for p in self.locale.places])

    def id_sql(self, column: str) -> str:
        """SQL for the customer id of a customer-number column."""
        if self.locale.lang == "zh":
            return f"'c' || lpad(CAST(({column} * 7919 + 104729) % 1000000000 AS VARCHAR), 9, '0')"
        return f"'7' || lpad(CAST(({column} * 7919 + 104729) % 1000000000000 AS VARCHAR), 12, '0')"

    def gender(self, idx: IntArray) -> pa.Array:
        """Gender label of each customer."""
        g = self.locale.genders
        return lookup(
            hash_choice(idx, self.seed, "gender", [w for _, w in g]), [name for name, _ in g]
        )

    def age_band(self, idx: IntArray) -> pa.Array:
        """Age band of each customer."""
        return lookup(hash_choice(idx, self.seed, "age", [2, 4, 4, 3, 2, 1]), self.locale.age_bands)

    def receiver(self, idx: IntArray) -> tuple[dict[str, pa.Array | IntArray], dict[str, str]]:
        """Columns and SQL for receiver_name ... receiver_address of orders by customer number."""
        places = self.locale.places
        place = self.place(idx)
        cols: dict[str, pa.Array | IntArray] = {
            "r_province": lookup(place, [p.province for p in places]),
            "r_city": lookup(place, [p.city for p in places]),
            "r_district": lookup(place, [p.district for p in places]),
            "r_road": lookup(self._int(idx, "road", len(self.locale.roads)), self.locale.roads),
            "r_no": self._int(idx, "no", 899) + 1,
            "r_last4": self._int(idx, "phone", 10_000),
        }
        sql = {
            "receiver_province": "r_province",
            "receiver_city": "r_city",
            "receiver_district": "r_district",
        }
        if self.locale.lang == "zh":
            return self._receiver_zh(idx, cols, sql)
        return self._receiver_en(idx, place, cols, sql)

    def _receiver_zh(
        self, idx: IntArray, cols: dict[str, pa.Array | IntArray], sql: dict[str, str]
    ) -> tuple[dict[str, pa.Array | IntArray], dict[str, str]]:
        loc = self.locale
        masked = [s + "*" * k for s in loc.surnames for k in (1, 2)]
        cols["r_name"] = lookup(
            self._int(idx, "surname", len(loc.surnames)) * 2 + self._int(idx, "namelen", 2), masked
        )
        cols["r_prefix"] = lookup(
            self._int(idx, "prefix", len(loc.phone_prefixes)), loc.phone_prefixes
        )
        cols["r_compound"] = lookup(self._int(idx, "compound", len(loc.compounds)), loc.compounds)
        cols["r_bldg"] = self._int(idx, "bldg", 30) + 1
        cols["r_unit"] = self._int(idx, "unit", 4) + 1
        cols["r_room"] = (self._int(idx, "floor", 32) + 1) * 100 + self._int(idx, "room", 4) + 1
        sql["receiver_name"] = "r_name"
        sql["receiver_phone"] = "r_prefix || '****' || lpad(CAST(r_last4 AS VARCHAR), 4, '0')"
        sql["receiver_address"] = (
            "r_road || CAST(r_no AS VARCHAR) || '号' || r_compound || CAST(r_bldg AS VARCHAR) || '栋' "
            "|| CAST(r_unit AS VARCHAR) || '单元' || CAST(r_room AS VARCHAR) || '室'"
        )
        return cols, sql

    def _receiver_en(
        self,
        idx: IntArray,
        place: IntArray,
        cols: dict[str, pa.Array | IntArray],
        sql: dict[str, str],
    ) -> tuple[dict[str, pa.Array | IntArray], dict[str, str]]:
        loc = self.locale
        cols["r_first"] = lookup(self._int(idx, "first", len(loc.surnames)), loc.surnames)
        cols["r_initial"] = lookup(self._int(idx, "initial", 26), list(string.ascii_uppercase))
        cols["r_area"] = lookup(place, [p.area_code for p in loc.places])
        cols["r_apt"] = np.where(
            self._int(idx, "has_apt", 3) == 0, self._int(idx, "apt", 40) + 1, 0
        )
        sql["receiver_name"] = "r_first || ' ' || r_initial || '.'"
        sql["receiver_phone"] = (
            "'(' || r_area || ') ***-' || lpad(CAST(r_last4 AS VARCHAR), 4, '0')"
        )
        sql["receiver_address"] = (
            "CAST(r_no * 10 + r_last4 % 7 AS VARCHAR) || ' ' || r_road "
            "|| CASE WHEN r_apt > 0 THEN ', Apt ' || CAST(r_apt AS VARCHAR) ELSE '' END"
        )
        return cols, sql
