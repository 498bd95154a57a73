"""The store's catalogue and promotions as the conversation needs them: SKUs with price and stock
straight from the warehouse (:func:`load_catalogue`; the engine reloads it when
:func:`warehouse_version` changes), products found by name or id, and the promotions running at an
instant.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from shopkeeper.cs.engine.promotions import CartLine, Promotion
from shopkeeper.cs.kb.catalog import Sku, load_skus
from shopkeeper.cs.kb.text import tokens
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import money


@dataclass(frozen=True)
class TimedPromotion:
    """A promotion with its period."""

    promotion: Promotion
    start_at: dt.datetime
    end_at: dt.datetime

    def running(self, now: dt.datetime) -> bool:
        """Whether it runs at ``now``."""
        return self.start_at <= now <= self.end_at


@dataclass
class Catalogue:
    """SKUs, listings and promotions of one store."""

    store: str
    currency: str
    lang: str
    skus: dict[str, Sku]
    promotions: list[TimedPromotion]
    by_product: dict[str, list[Sku]] = field(default_factory=dict)
    attribute_names: frozenset[str] = frozenset()
    _tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    _common: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        groups: dict[str, list[Sku]] = defaultdict(list)
        for sku in self.skus.values():
            groups[sku.product_id].append(sku)
        self.attribute_names = frozenset(k for s in self.skus.values() for k in s.attributes)
        self.by_product = dict(groups)
        for product_id, group in self.by_product.items():
            first = group[0]
            words = tokens(f"{first.title} {first.category} {' '.join(first.attributes.values())}")
            self._tokens[product_id] = frozenset(words)
        # words most listings share (咖啡, 烘焙, 手冲) count half: alone they name no product —
        # "是什么烘焙度" is about the listing in the conversation, not whichever title says 烘焙
        df = Counter(w for words in self._tokens.values() for w in words)
        limit = max(3, 0.2 * len(self._tokens))
        self._common = frozenset(w for w, n in df.items() if n > limit)

    def money(self, value: float) -> str:
        """An amount in the store's currency."""
        return money(value, self.currency, self.lang)

    def running(self, now: dt.datetime) -> list[Promotion]:
        """The promotions running at ``now`` (presales excluded: they are not cart offers)."""
        return [
            p.promotion for p in self.promotions if p.running(now) and p.promotion.kind != "presale"
        ]

    def find_products(self, text: str, limit: int = 3) -> list[str]:
        """Product ids the text names, best first (a SKU id, or most of a title's words)."""
        direct = [self.skus[s].product_id for s in _six_digits(text) if s in self.skus]
        if direct:
            return list(dict.fromkeys(direct))[:limit]
        words = set(tokens(text))
        if not words:
            return []
        scored = []
        for product_id, have in self._tokens.items():
            hit = words & have
            if not hit:
                continue
            weight = sum(len(w) * (0.5 if w in self._common else 1.0) for w in hit)
            scored.append((weight, len(hit) / max(len(words), 1), product_id))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < 2:
            return []
        top = scored[0][0]
        return [pid for w, _, pid in scored if w >= top * 0.8][:limit]

    def find_sku(self, text: str, product_id: str) -> Sku | None:
        """The SKU of ``product_id`` the text names (by id or by its varying attributes), or the
        listing's only SKU; ``None`` when the text does not say which.
        """
        group = self.by_product.get(product_id, [])
        for sku_id in _six_digits(text):
            if sku_id in self.skus and self.skus[sku_id].product_id == product_id:
                return self.skus[sku_id]
        if len(group) == 1:
            return group[0]
        varying = {
            k
            for s in group
            for k, v in s.attributes.items()
            if any(o.attributes.get(k) != v for o in group)
        }
        lowered = text.lower()
        best: list[tuple[int, Sku]] = []
        for sku in group:
            hits = 0
            for key in varying:
                value = sku.attributes.get(key, "")
                parts = [p for p in value.lower().split() if p]
                if value and all(p in lowered for p in parts):
                    hits += len(parts)
            if hits:
                best.append((hits, sku))
        best.sort(key=lambda t: -t[0])
        if best and (len(best) == 1 or best[0][0] > best[1][0]):
            return best[0][1]
        return None

    def variant(self, sku: Sku) -> str:
        """What sets this SKU apart from its siblings (e.g. ``500g 咖啡豆``)."""
        group = self.by_product.get(sku.product_id, [sku])
        parts = [
            v
            for k, v in sku.attributes.items()
            if any(o.attributes.get(k) != v for o in group if o is not sku)
        ]
        return " ".join(parts) or sku.sku_id

    def cart_line(self, sku: Sku, quantity: int = 1) -> CartLine:
        """A cart line of ``quantity`` units at the SKU's list price."""
        label = f"{sku.title} [{self.variant(sku)}]"
        return CartLine(sku.sku_id, label, round(float(sku.price) * 100), quantity)

    def on_sale(self) -> list[Sku]:
        """SKUs on sale with stock (or without inventory data)."""
        return [
            s
            for s in self.skus.values()
            if s.status == "on_sale" and (s.stock is None or s.stock > 0)
        ]


def _six_digits(text: str) -> list[str]:
    from shopkeeper.cs.engine.slots import sku_ids

    return sku_ids(text)


def warehouse_version(directory: Path) -> float:
    """When the store's warehouse files last changed (an import)."""
    files = list(directory.glob("*.duckdb"))
    return max((f.stat().st_mtime for f in files), default=0.0)


def load_catalogue(directory: Path, store: str) -> Catalogue:
    """The catalogue of the store whose folder is ``directory``."""
    with Warehouse.open(directory, read_only=True) as wh:
        config = wh.store_config()
        con = wh.cursor()
        skus = load_skus(con)
        rows = con.execute(
            "SELECT promotion_id, name, kind, start_at, end_at, rule::VARCHAR, sku_ids::VARCHAR "
            "FROM promotions ORDER BY start_at, promotion_id"
        ).fetchall()
    promos = [
        TimedPromotion(
            Promotion(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                json.loads(r[5]) if r[5] else {},
                tuple(str(s) for s in (json.loads(r[6]) if r[6] else [])),
            ),
            r[3],
            r[4],
        )
        for r in rows
    ]
    return Catalogue(
        store=store,
        currency=config.currency if config else "CNY",
        lang=config.language if config else "zh",
        skus={s.sku_id: s for s in skus},
        promotions=promos,
    )
