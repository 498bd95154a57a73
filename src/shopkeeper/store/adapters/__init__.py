"""Adapters: foreign exports converted into contract store folders that the importer reads.

Each adapter writes ``store.toml`` plus table files with exactly the contract's column names and
returns an :class:`AdapterReport` whose notes explain every judgement call, with counts.

- :func:`convert_shopify` — Shopify's orders and products CSV exports (:func:`detect_shopify`
  tells which export a file is);
- :func:`convert_online_retail` — the UCI Online Retail datasets (2009–2011, a UK gift wholesaler).
"""

from shopkeeper.store.adapters.online_retail import convert_online_retail
from shopkeeper.store.adapters.report import AdapterReport
from shopkeeper.store.adapters.shopify import convert_shopify, detect_shopify

__all__ = ["AdapterReport", "convert_online_retail", "convert_shopify", "detect_shopify"]
