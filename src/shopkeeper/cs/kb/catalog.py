"""Warehouse → structured entries: one per listing (``product``), per SKU (``sku``), per promotion.

Numbers come straight from the warehouse and are kept in ``fields`` so the answering layer quotes
them with their source: a SKU's ``price`` (products.price), its ``stock`` (on hand minus reserved
in the latest inventory snapshot of that SKU, summed over warehouses and lots) and ``stock_date``;
a promotion's ``start_at``/``end_at`` and rule. Stock is not in the entry text, so a new snapshot
changes the entry but never causes a re-embedding.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from shopkeeper.cs.kb.models import FieldValue, KbEntry, KbSource, make_entry
from shopkeeper.text import Lang, money

_LABELS = {
    "zh": {
        "category": "类目",
        "brand": "品牌",
        "variants": "规格与价格",
        "price": "价格",
        "off_shelf": "已下架",
        "sku": "规格",
        "storewide": "全店通用",
        "skus": "适用商品",
        "period": "活动时间",
        "rule": "规则",
        "sep": "：",
        "list": "；",
    },
    "en": {
        "category": "Category",
        "brand": "Brand",
        "variants": "Variants and prices",
        "price": "Price",
        "off_shelf": "off the shelf",
        "sku": "Variant",
        "storewide": "storewide",
        "skus": "Applies to",
        "period": "Period",
        "rule": "Rule",
        "sep": ": ",
        "list": "; ",
    },
}


@dataclass(frozen=True)
class Sku:
    """One row of ``products`` with its latest stock."""

    sku_id: str
    product_id: str
    title: str
    category: str
    price: Decimal
    status: str
    brand: str | None
    attributes: dict[str, str]
    stock: int | None
    stock_date: dt.date | None
    sku_name: str | None = None
    """Contract v1.1: the variant as buyers see it (三文鱼味 5kg), when the store has it."""


def load_skus(con: duckdb.DuckDBPyConnection) -> list[Sku]:
    """Every SKU with its latest stock snapshot (``stock`` is ``None`` without inventory data)."""
    rows = con.execute(
        """
        WITH latest AS (
            SELECT sku_id, max(date) AS day FROM inventory GROUP BY sku_id
        ), stock AS (
            SELECT i.sku_id, l.day, sum(i.on_hand - coalesce(i.reserved, 0)) AS available
            FROM inventory i JOIN latest l ON i.sku_id = l.sku_id AND i.date = l.day
            GROUP BY i.sku_id, l.day
        )
        SELECT p.sku_id, p.product_id, p.title, p.category, p.price, coalesce(p.status, 'on_sale'),
               p.brand, p.attributes, s.available, s.day, {sku_name}
        FROM products p LEFT JOIN stock s USING (sku_id)
        ORDER BY p.product_id, p.sku_id
        """.format(sku_name="p.sku_name" if _has_sku_name(con) else "NULL")
    ).fetchall()
    return [
        Sku(
            sku_id=r[0],
            product_id=r[1],
            title=r[2],
            category=r[3],
            price=Decimal(r[4]),
            status=r[5],
            brand=r[6],
            attributes={str(k): str(v) for k, v in _json(r[7], {}).items()},
            stock=None if r[8] is None else max(int(r[8]), 0),
            stock_date=r[9],
            sku_name=str(r[10]).strip() or None if r[10] is not None else None,
        )
        for r in rows
    ]


def _has_sku_name(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'products' AND column_name = 'sku_name'"
    ).fetchone()
    return bool(row and row[0])


def _json(value: Any, default: Any) -> Any:
    if value is None:
        return default
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if parsed is not None else default


def product_entries(skus: list[Sku], store: str, lang: Lang, currency: str) -> list[KbEntry]:
    """One ``product`` entry per listing and one ``sku`` entry per SKU."""
    by_product: dict[str, list[Sku]] = defaultdict(list)
    for sku in skus:
        by_product[sku.product_id].append(sku)
    entries: list[KbEntry] = []
    for product_id, group in by_product.items():
        common, varying = _split_attributes(group)
        entries.append(_product_entry(product_id, group, common, store, lang, currency))
        entries.extend(_sku_entry(s, varying, store, lang, currency) for s in group)
    return entries


def _split_attributes(group: list[Sku]) -> tuple[dict[str, str], list[str]]:
    """Attributes shared by every SKU of a listing, and the names of those that vary."""
    names = list(dict.fromkeys(k for s in group for k in s.attributes))
    common = {
        k: group[0].attributes[k]
        for k in names
        if all(s.attributes.get(k) == group[0].attributes.get(k) for s in group)
    }
    return common, [k for k in names if k not in common]


def _variant(sku: Sku, varying: list[str], sep: str) -> str:
    return " ".join(sku.attributes[k] for k in varying if k in sku.attributes) or sku.sku_id


def _product_entry(
    product_id: str,
    group: list[Sku],
    common: dict[str, str],
    store: str,
    lang: Lang,
    currency: str,
) -> KbEntry:
    label = _LABELS[lang]
    sep = label["sep"]
    first = group[0]
    varying = [k for k in dict.fromkeys(k for s in group for k in s.attributes) if k not in common]
    prices = [s.price for s in group]
    lines = [f"{label['category']}{sep}{first.category}"]
    if first.brand:
        lines.append(f"{label['brand']}{sep}{first.brand}")
    lines += [f"{k}{sep}{v}" for k, v in common.items() if k != _LABELS["zh"]["brand"]]
    variants = label["list"].join(
        f"{_variant(s, varying, sep)} {money(float(s.price), currency, lang)}"
        + (f" ({label['off_shelf']})" if s.status == "off_shelf" else "")
        for s in group
    )
    lines.append(f"{label['variants']}{sep}{variants}")
    stocks = [s.stock for s in group if s.stock is not None]
    fields: dict[str, FieldValue] = {
        "product_id": product_id,
        "sku_ids": [s.sku_id for s in group],
        "price_min": float(min(prices)),
        "price_max": float(max(prices)),
        "currency": currency,
        "category": first.category,
        "brand": first.brand,
        "stock": sum(stocks) if stocks else None,
        "on_sale": any(s.status == "on_sale" for s in group),
    }
    return make_entry(
        kind="product",
        key=product_id,
        title=first.title,
        text="\n".join(lines),
        store=store,
        source=KbSource(
            type="warehouse", table="products", ref=f"products:product_id={product_id}"
        ),
        fields=fields,
        lang=lang,
    )


def _sku_entry(sku: Sku, varying: list[str], store: str, lang: Lang, currency: str) -> KbEntry:
    label = _LABELS[lang]
    sep = label["sep"]
    variant = _variant(sku, varying, sep)
    lines = [
        f"SKU {sku.sku_id}{sep}{label['sku']} {variant}",
        f"{label['price']}{sep}{money(float(sku.price), currency, lang)}"
        + (f" ({label['off_shelf']})" if sku.status == "off_shelf" else ""),
    ]
    lines += [f"{k}{sep}{v}" for k, v in sku.attributes.items()]
    fields: dict[str, FieldValue] = {
        "sku_id": sku.sku_id,
        "product_id": sku.product_id,
        "price": float(sku.price),
        "currency": currency,
        "stock": sku.stock,
        "stock_date": sku.stock_date.isoformat() if sku.stock_date else None,
        "status": sku.status,
        "variant": variant,
        "category": sku.category,
    }
    return make_entry(
        kind="sku",
        key=sku.sku_id,
        title=f"{sku.title} [{variant}]",
        text="\n".join(lines),
        store=store,
        source=KbSource(type="warehouse", table="products", ref=f"products:sku_id={sku.sku_id}"),
        fields=fields,
        lang=lang,
    )


def promotion_entries(
    con: duckdb.DuckDBPyConnection,
    store: str,
    lang: Lang,
    currency: str,
    titles: dict[str, str],
) -> list[KbEntry]:
    """One ``promotion`` entry per row of ``promotions`` (``titles``: SKU id → listing title)."""
    rows = con.execute(
        "SELECT promotion_id, name, kind, start_at, end_at, rule, sku_ids FROM promotions "
        "ORDER BY start_at, promotion_id"
    ).fetchall()
    label = _LABELS[lang]
    sep = label["sep"]
    entries = []
    for pid, name, kind, start, end, rule_raw, skus_raw in rows:
        rule: dict[str, Any] = _json(rule_raw, {})
        sku_ids = [str(s) for s in _json(skus_raw, [])]
        scope = (
            label["list"].join(dict.fromkeys(titles.get(s, s) for s in sku_ids))
            if sku_ids
            else label["storewide"]
        )
        lines = [
            f"{label['period']}{sep}{_when(start)} – {_when(end)}",
            f"{label['rule']}{sep}{describe_rule(kind, rule, lang, currency)}",
            f"{label['skus']}{sep}{scope}",
        ]
        fields: dict[str, FieldValue] = {
            "promotion_id": pid,
            "promotion_kind": kind,
            "start_at": start.isoformat() if start else None,
            "end_at": end.isoformat() if end else None,
            "rule": json.dumps(rule, ensure_ascii=False, sort_keys=True),
            "sku_ids": sku_ids,
        }
        for key in ("threshold", "off", "discount_rate", "deposit_rate"):
            if isinstance(rule.get(key), int | float):
                fields[key] = float(rule[key])
        entries.append(
            make_entry(
                kind="promotion",
                key=pid,
                title=name,
                text="\n".join(lines),
                store=store,
                source=KbSource(
                    type="warehouse", table="promotions", ref=f"promotions:promotion_id={pid}"
                ),
                fields=fields,
                lang=lang,
                updated_at=start,
            )
        )
    return entries


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "?"


def describe_rule(kind: str, rule: dict[str, Any], lang: Lang, currency: str) -> str:
    """A promotion rule in words.

    >>> describe_rule("threshold", {"threshold": 300, "off": 50, "repeat": True}, "zh", "CNY")
    '每满¥300.00减¥50.00'
    >>> describe_rule("discount", {"discount_rate": 0.15}, "en", "USD")
    '15% off'
    """
    parts: list[str] = []
    zh = lang == "zh"
    if (rate := rule.get("discount_rate")) is not None:
        parts.append(f"{(1 - float(rate)) * 10:g}折" if zh else f"{float(rate) * 100:g}% off")
    if (threshold := rule.get("threshold")) is not None and (off := rule.get("off")) is not None:
        each = rule.get("repeat")
        t, o = money(float(threshold), currency, lang), money(float(off), currency, lang)
        parts.append(
            f"{'每满' if each else '满'}{t}减{o}"
            if zh
            else f"{o} off {'every' if each else 'orders over'} {t}"
        )
    if (deposit := rule.get("deposit_rate")) is not None:
        parts.append(
            f"定金{float(deposit) * 100:g}%" if zh else f"{float(deposit) * 100:g}% deposit"
        )
    if (start := rule.get("final_payment_from")) is not None:
        parts.append(f"尾款{start}起支付" if zh else f"balance payable from {start}")
    if (second := rule.get("second_item_discount")) is not None:
        parts.append(
            f"第二件{float(second) * 10:g}折" if zh else f"second item {float(second) * 100:g}% off"
        )
    if (flash := rule.get("price")) is not None:
        flash_price = money(float(flash), currency, lang)
        parts.append(f"活动价{flash_price}" if zh else f"special price {flash_price}")
    if (limit := rule.get("limit_per_buyer") or rule.get("limit")) is not None:
        parts.append(f"每人限购{limit}件" if zh else f"limit {limit} per buyer")
    if rule.get("new_customers_only"):
        parts.append("仅限新客" if zh else "new customers only")
    known = {"discount_rate", "threshold", "off", "repeat", "deposit_rate", "final_payment_from"}
    known |= {"second_item_discount", "new_customers_only", "price", "limit_per_buyer", "limit"}
    parts += [f"{k}={v}" for k, v in rule.items() if k not in known]
    return ("，" if zh else ", ").join(parts) or kind
