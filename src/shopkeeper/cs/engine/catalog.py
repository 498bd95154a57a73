"""The store's catalogue and promotions as the conversation needs them: SKUs with price and stock
straight from the warehouse (:func:`load_catalogue`; the engine reloads it when
:func:`warehouse_version` changes), products found by name or id, and the promotions running at an
instant.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from shopkeeper.cs.engine import slots
from shopkeeper.cs.engine.promotions import CartLine, Promotion
from shopkeeper.cs.kb.catalog import Sku, load_skus
from shopkeeper.cs.kb.text import tokens as _kb_tokens
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import has_cjk, money

LOW_STOCK = 10
"""Default of the store's ``low_stock_threshold`` (store.toml): under it buyers read 库存紧张."""
MIN_WEIGHT = 1.6
"""A listing must share at least this much (length × rarity) with the message to be named."""


_UNITS = (
    ("kg", r"kg|kgs|公斤|千克"),
    ("g", r"g|克"),
    ("lb", r"lbs?|pounds?|磅"),
    ("oz", r"oz|ounces?"),
    ("ct", r"ct|count|pcs|pieces"),
    ("ml", r"ml|毫升"),
    ("l", r"l|升"),
)
_AMOUNT = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(" + "|".join(p for _, p in _UNITS) + r")(?![a-z])", re.I
)


def _amount(match: re.Match[str]) -> str:
    said = match.group(2).lower()
    unit = next(u for u, p in _UNITS if re.fullmatch(p, said, re.I))
    return f"{match.group(1)}{unit}"


def tokens(text: str) -> list[str]:
    """The words of ``text`` with amounts written one way, however the buyer or the listing wrote
    them (5公斤, 5 kg → ``5kg``; 50ct, 50 count → ``50ct``; 25lbs → ``25lb``), so that a variant
    is recognised in any of its spellings.

    >>> tokens("三文鱼味那款5公斤的")[-1], tokens("and 50ct?"), tokens("Salmon / 50 ct")
    ('5kg', ['50ct'], ['salmon', '50ct'])
    >>> tokens("2.5kg 单包"), tokens("10 lb / 3 Bags")
    (['单包', '2.5kg'], ['3', 'bags', '10lb'])
    """
    amounts = [_amount(m) for m in _AMOUNT.finditer(text)]
    return _kb_tokens(_AMOUNT.sub(" ", text)) + amounts


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
    timezone: str = "Asia/Shanghai"
    low_stock: int = LOW_STOCK
    attribute_names: frozenset[str] = frozenset()
    _tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    _common: frozenset[str] = frozenset()
    _idf: dict[str, float] = field(default_factory=dict)
    _variant_tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    _sku_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _name_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ids: frozenset[str] = frozenset()
    """The store's SKU and product ids (never taken for an order id, see :meth:`order_ids`)."""

    def __post_init__(self) -> None:
        groups: dict[str, list[Sku]] = defaultdict(list)
        for sku in self.skus.values():
            groups[sku.product_id].append(sku)
        self.ids = frozenset(self.skus) | frozenset(groups)
        self.attribute_names = frozenset(k for s in self.skus.values() for k in s.attributes)
        self._sku_words = {s.sku_id: tuple(tokens(s.sku_name or "")) for s in self.skus.values()}
        self.by_product = dict(groups)
        for product_id, group in self.by_product.items():
            first = group[0]
            shared = " ".join(
                v
                for k, v in first.attributes.items()
                if all(s.attributes.get(k) == v for s in group)
            )
            words = tokens(f"{first.title} {first.category} {shared}")
            self._tokens[product_id] = frozenset(words)
            self._variant_tokens[product_id] = frozenset(
                w
                for s in group
                for w in tokens(f"{s.sku_name or ''} {self._varying(s, group)}")
                if w not in words
            )
        # words most listings share (咖啡, 烘焙, 手冲) count half: alone they name no product —
        # "是什么烘焙度" is about the listing in the conversation, not whichever title says 烘焙
        df = Counter(w for words in self._tokens.values() for w in words)
        limit = max(3, 0.2 * len(self._tokens))
        self._common = frozenset(w for w, n in df.items() if n > limit)
        total = len(self._tokens) + 1
        top = math.log(total)
        self._idf = {w: 0.5 + 0.5 * math.log(total / n) / top for w, n in df.items()}

    def ids_in(self, text: str) -> list[str]:
        """The store's SKU and product ids written in ``text`` (``WH-73491``, ``wh-73491``)."""
        words = (w.upper() if w.upper() in self.ids else w for w in _ID_WORD.findall(text))
        return list(dict.fromkeys(w for w in words if w in self.ids))

    def order_ids(self, text: str) -> list[str]:
        """Order ids written in ``text``, never one of this store's SKU or product ids."""
        return slots.order_ids(text, self.ids)

    def money(self, value: float) -> str:
        """An amount in the store's currency."""
        return money(value, self.currency, self.lang)

    def local(self, moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """An instant as the buyer reads it: in the store's time zone (``-`` for none)."""
        if moment is None:
            return "-"
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(ZoneInfo(self.timezone)).strftime(fmt)

    def running(self, now: dt.datetime) -> list[Promotion]:
        """The promotions running at ``now`` (presales excluded: they are not cart offers)."""
        return [
            p.promotion for p in self.promotions if p.running(now) and p.promotion.kind != "presale"
        ]

    def find_products(self, text: str, limit: int = 3) -> list[str]:
        """Product ids the text names, best first (see :meth:`rank_products`)."""
        return [pid for pid, _ in self.rank_products(text)[:limit]]

    def rank_products(self, text: str) -> list[tuple[str, float]]:
        """Listings the text names with their weight, best first: a SKU or listing id written in
        it, else the words they share, each
        weighted by its length and its rarity over the catalogue (IDF), so that the distinctive
        words (豆腐, 膨润土) decide and the shared ones (猫砂, 咖啡) count about half. Listings within
        80% of the best are kept, unless they share only part of what the best shares; the
        caller treats several as "not sure which".
        """
        named = [self.skus[i].product_id if i in self.skus else i for i in self.ids_in(text)]
        if named:  # a SKU or listing id names its listing outright
            return [(pid, math.inf) for pid in dict.fromkeys(named)]
        words = set(tokens(text))
        if not words:
            return []
        # run-on Chinese ("无谷老年猫粮化毛球的") splits badly: a title's Chinese word written
        # inside the message counts as said
        run_on = re.sub(r"\s+", "", text) if has_cjk(text) else ""
        scored = []
        hits: dict[str, set[str]] = {}
        for product_id, have in self._tokens.items():
            hit = words & have
            if run_on:
                hit |= {w for w in have - hit if len(w) > 1 and has_cjk(w) and w in run_on}
            if not hit:
                continue
            weight = sum(
                len(w) * self._idf.get(w, 1.0) * (0.5 if w in self._common or len(w) == 1 else 1.0)
                for w in hit
            )
            # a variant it has (5kg, 三文鱼味) is weak evidence: it breaks ties, never decides
            weight += 0.1 * len(words & self._variant_tokens.get(product_id, frozenset()))
            hits[product_id] = hit
            scored.append((weight, len(hit) / max(len(words), 1), product_id))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < MIN_WEIGHT:
            return []
        top, best = scored[0][0], hits[scored[0][2]]
        # a listing that shares only part of what the best one shares ("…for All Cats" when the
        # buyer said "for adult cats") is not a second candidate
        return [
            (pid, w)
            for w, _, pid in scored
            if w >= top * 0.8 and (pid == scored[0][2] or not hits[pid] < best)
        ]

    def names_variant(self, text: str, product_id: str) -> bool:
        """Whether the text names one of the listing's variants (250g, 黑色, 三文鱼味)."""
        return bool(set(tokens(text)) & self._variant_tokens.get(product_id, frozenset()))

    def find_sku(self, text: str, product_id: str, context: str = "") -> Sku | None:
        """The SKU of ``product_id`` the text names (by id, its ``sku_name`` or its varying
        attributes), or the listing's only SKU; ``None`` when the text does not say which.
        ``context`` (the variant talked about before) breaks ties: "10kg的呢" after 三文鱼味 5kg
        is 三文鱼味 10kg, "鸡肉味呢" after it is 鸡肉味 10kg.
        """
        group = self.by_product.get(product_id, [])
        for sku_id in self.ids_in(text):
            if sku_id in self.skus and self.skus[sku_id].product_id == product_id:
                return self.skus[sku_id]
        if len(group) == 1:
            return group[0]
        scored = [
            (self._hits(sku, group, text), self._hits(sku, group, context) if context else 0, sku)
            for sku in group
        ]
        scored = [x for x in scored if x[0]]
        scored.sort(key=lambda x: (-x[0], -x[1]))
        if scored and (len(scored) == 1 or scored[0][:2] > scored[1][:2]):
            return scored[0][2]
        return None

    def _hits(self, sku: Sku, group: list[Sku], text: str) -> int:
        """How much of the SKU's variant the text says (the length of the words it shares)."""
        said = set(tokens(text))
        lowered = text.lower()
        hits = 0
        if sku.sku_name:
            named = self._sku_words.get(sku.sku_id) or tuple(tokens(sku.sku_name))
            hits += sum(len(w) for w in named if w in said and self._distinct(w, group))
            return hits
        for key, value in sku.attributes.items():
            if not value or all(o.attributes.get(key) == value for o in group):
                continue
            parts = [p for p in value.lower().split() if p]
            if all(p in said or (len(p) > 2 and p in lowered) for p in parts):
                hits += sum(len(p) for p in parts)
        return hits

    def _distinct(self, word: str, group: list[Sku]) -> bool:
        """Whether ``word`` of a variant name tells the listing's variants apart."""
        return sum(word in self._sku_words.get(s.sku_id, ()) for s in group) < len(group)

    def name_words(self, name: str) -> tuple[str, ...]:
        """The words of a promotion's name (tokenised once per catalogue)."""
        found = self._name_words.get(name)
        if found is None:
            found = self._name_words[name] = tuple(tokens(name))
        return found

    @staticmethod
    def _varying(sku: Sku, group: list[Sku]) -> str:
        return " ".join(
            v
            for k, v in sku.attributes.items()
            if any(o.attributes.get(k) != v for o in group if o is not sku)
        )

    def variant(self, sku: Sku) -> str:
        """The SKU as buyers see it: its ``sku_name`` (v1.1), else what sets it apart from its
        siblings (e.g. ``500g 咖啡豆``), else the listing's title — never a bare id.
        """
        if sku.sku_name:
            return sku.sku_name
        group = self.by_product.get(sku.product_id, [sku])
        return self._varying(sku, group) or sku.title

    def stock_level(self, sku: Sku) -> str:
        """``out``, ``low`` (under the store's low-stock threshold), ``in`` or ``unknown``."""
        if sku.stock is None:
            return "unknown"
        if sku.stock <= 0:
            return "out"
        return "low" if sku.stock < self.low_stock else "in"

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


_ID_WORD = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z0-9][A-Za-z0-9-]*(?![A-Za-z0-9-])")


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
    extra = (config.model_extra or {}) if config else {}
    low = extra.get(
        "low_stock_threshold", extra.get("cs", {}).get("low_stock_threshold", LOW_STOCK)
    )
    return Catalogue(
        store=store,
        currency=config.currency if config else "CNY",
        lang=config.language if config else "zh",
        timezone=config.timezone if config else "Asia/Shanghai",
        low_stock=int(low)
        if isinstance(low, int | float | str) and str(low).isdigit()
        else LOW_STOCK,
        skus={s.sku_id: s for s in skus},
        promotions=promos,
    )
