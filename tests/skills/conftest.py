"""Stores for the skill tests, built once per session: the zh demo (scale 0.2), the English
(Shopify-like) demo, a bare copy with only products/orders/order_items, and a tiny hand-made store
whose numbers are checked by hand."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import BaseModel

from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, SkillRegistry, load_registry
from shopkeeper.store.importer import import_store
from shopkeeper.store.service import SOURCE_DIR, create_demo
from shopkeeper.store.zone import use_zone

from ..contexts import app_context
from ..dates import END

REQUIRED = ("store.toml", "products.csv", "orders.csv", "order_items.csv")
TINY_TOML = """name = "Tiny"
platform = "shopify"
currency = "USD"
timezone = "UTC"
language = "en"

[targets]
roi = 2.0
ship_within_hours = 24
"""
# Six paid orders on 2026-03-01..06 (one cancelled): tea+cup together three times.
TINY = {
    "products.csv": """sku_id,product_id,title,category,price,cost,lead_time_days
TEA,P-TEA,Green tea,tea,10.00,4.00,5
CUP,P-CUP,Cup,ware,20.00,25.00,
SPN,P-SPN,Spoon,ware,5.00,1.00,3
""",
    "orders.csv": """order_id,customer_id,created_at,paid_at,status,pay_amount,shipped_at,carrier,tracking_no,receiver_name,receiver_phone,receiver_province,receiver_city,receiver_district,receiver_address
O1,alice,2026-03-01T10:00:00,2026-03-01T10:01:00,completed,30.00,2026-03-01T18:00:00,UPS,1Z1,Alice,+1 213 555 0101,CA,Los Angeles,90012,120 Maple St
O2,alice,2026-03-02T10:00:00,2026-03-02T10:01:00,completed,30.00,2026-03-04T18:00:00,UPS,1Z2,Alice,+1 213 555 0101,CA,Los Angeles,90012,120 Maple St
O3,bob,2026-03-03T10:00:00,2026-03-03T10:01:00,completed,35.00,2026-03-03T12:00:00,UPS,1Z3,Bob,+1 213 555 0102,CA,Los Angeles,90012,7 Oak Ave
O4,carol,2026-03-04T10:00:00,2026-03-04T10:01:00,completed,10.00,2026-03-04T12:00:00,UPS,1Z4,Carol,+1 213 555 0103,CA,Los Angeles,90012,9 Pine Rd
O5,dave,2026-03-05T10:00:00,2026-03-05T10:01:00,paid,5.00,,,,test,+1 213 555 0104,CA,Los Angeles,90012,test
O6,erin,2026-03-06T09:00:00,2026-03-06T09:01:00,paid,20.00,,,,Erin,+1 213 555 0105,CA,Los Angeles,90012,5 Elm St
O7,frank,2026-03-06T10:00:00,,cancelled,10.00,,,,Frank,+1 213 555 0106,CA,Los Angeles,90012,1 Ash St
""",
    "order_items.csv": """order_id,line_no,sku_id,quantity,unit_price,paid_amount
O1,1,TEA,1,10.00,10.00
O1,2,CUP,1,20.00,20.00
O2,1,TEA,1,10.00,10.00
O2,2,CUP,1,20.00,20.00
O3,1,TEA,1,10.00,10.00
O3,2,CUP,1,20.00,20.00
O3,3,SPN,1,5.00,5.00
O4,1,TEA,1,10.00,10.00
O5,1,SPN,1,5.00,5.00
O6,1,CUP,1,20.00,20.00
O7,1,TEA,1,10.00,10.00
""",
    "inventory.csv": """date,sku_id,warehouse,on_hand,reserved,in_transit
2026-03-06,TEA,main,3,1,2
2026-03-06,CUP,main,100,0,0
2026-03-06,SPN,main,0,0,0
""",
}


class Stores:
    """Contexts for every test store, and helpers."""

    def __init__(self, home: Path) -> None:
        self.settings = Settings(home=home)
        self.app = app_context(self.settings)
        self.registry: SkillRegistry = load_registry(packs=[])

    def ctx(self, store: str, lang: str | None = None) -> SkillContext:
        return self.app.store(store, lang)

    def run(self, store: str, name: str, args: dict[str, Any] | None = None) -> Any:
        """Run a skill; the result model (typed Any so tests can read its fields)."""
        result: BaseModel = self.registry.get(name)(self.ctx(store), args or {})
        return result

    def sql(self, store: str, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        path = self.settings.store_dir(store) / "warehouse.duckdb"
        con = duckdb.connect(str(path), read_only=True)
        try:
            tz = con.execute(
                "SELECT json_extract_string(value, '$.timezone') FROM _store WHERE key = 'config'"
            ).fetchone()
            use_zone(con, tz[0] if tz else "UTC")
            return con.execute(query, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    """``zh`` and ``en`` demo stores (scale 0.2), ``bare`` (required tables only), ``tiny``."""
    home = tmp_path_factory.mktemp("skills-home")
    s = Stores(home)
    create_demo(s.settings, "zh", scale=0.2, seed=11, end_date=END)
    create_demo(s.settings, "en", lang="en", scale=0.2, seed=11, end_date=END)
    bare = tmp_path_factory.mktemp("bare-src")
    for name in REQUIRED:
        shutil.copy(s.settings.store_dir("zh") / SOURCE_DIR / name, bare / name)
    import_store(bare, "bare", settings=s.settings)
    tiny = tmp_path_factory.mktemp("tiny-src")
    (tiny / "store.toml").write_text(TINY_TOML, encoding="utf-8")
    for name, text in TINY.items():
        (tiny / name).write_text(text, encoding="utf-8")
    import_store(tiny, "tiny", settings=s.settings)
    return s


Sql = Callable[..., list[tuple[Any, ...]]]
