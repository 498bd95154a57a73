"""The UCI Online Retail conversion as DuckDB SQL, one temporary table per step (no row loops).

``{ii}`` and ``{i1}`` are the quoted paths of the Online Retail II (2009-2010, raw) and Online
Retail (2010-2011, positive quantities) parquet files. Each line gets a ``kind`` (what its stock
code is) and a ``disp`` (what the conversion does with it); the notes count both.
"""

from __future__ import annotations

TZ = "Europe/London"
POSTAGE_CODES = ("POST", "DOT", "C2", "C3")
DISCOUNT_CODES = ("D",)
FEE_CODES = ("M", "BANK CHARGES", "AMAZONFEE", "B", "CRUK", "S", "PADS", "GIFT")
FEE_PREFIXES = ("ADJUST", "TEST")
PRICE_WINDOW_DAYS = 90
ON_SALE_DAYS = 90

# (category path, RE2 pattern on the upper-case title), first match wins.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Gift Vouchers", r"GIFT VOUCHER"),
    ("Seasonal/Christmas", r"\b(CHRISTMAS|XMAS|ADVENT|SANTA|REINDEER|NATIVITY|SNOWFLAKE|BAUBLE)"),
    ("Seasonal/Easter", r"\b(EASTER|EGG|EGGS|BUNNY|CHICK)\b"),
    ("Bags", r"\bBAGS?\b|\bSHOPPER\b|\bTOTE\b"),
    (
        "Home/Candles & Lighting",
        r"\b(CANDLES?|T-LIGHTS?|TEA ?LIGHTS?|LANTERN|LIGHTS?|LAMP|INCENSE)\b",
    ),
    ("Kitchen/Mugs & Cups", r"\b(MUGS?|CUPS?|SAUCERS?|TEACUPS?|BEAKERS?)\b"),
    (
        "Kitchen/Tableware & Baking",
        r"\b(PLATES?|BOWLS?|DISH|CAKE|BAKING|CUTLERY|NAPKINS?|TEAPOT|TEA|JUG|TRAY|LUNCH BOX|APRON|PARTY|KITCHEN|GLASS)",
    ),
    (
        "Stationery & Gift Wrap",
        r"\b(CARDS?|WRAP|PAPER|RIBBONS?|STICKERS?|NOTEBOOK|PENCILS?|PENS?|ENVELOPES?|TAGS?|CHALK|TAPE|ORIGAMI)\b",
    ),
    (
        "Toys & Kids",
        r"\b(TOYS?|GAMES?|DOLLY|DOLLS?|PUZZLE|SKIPPING|PLAYHOUSE|CHILDRENS?|KIDS|SPACEBOY|JIGSAW)\b",
    ),
    (
        "Accessories & Jewellery",
        r"\b(NECKLACE|BRACELET|EARRINGS|RING|CHARM|JEWELLERY|HAIR|PURSE|UMBRELLA|WALLET|BROOCH|SCARF|PHONE)\b",
    ),
    ("Home/Doormats", r"\bDOOR ?MATS?\b"),
    ("Garden", r"\b(GARDEN|PLANTERS?|WATERING|BIRD|FLOWER POT|PLANT POT)\b"),
    ("Home/Storage", r"\b(BOX|BOXES|STORAGE|BASKETS?|JARS?|TINS?|HOLDER|DRAWER|CABINET)\b"),
    ("Home/Textiles", r"\b(HOT WATER BOTTLE|BLANKET|THROW|COSY|TOWEL|QUILT)\b"),
    (
        "Home/Decor",
        r"\b(FRAME|PHOTO|CLOCK|SIGN|MIRROR|CUSHION|DOORMAT|HOOKS?|HANGER|HANGING|WALL|ORNAMENT|HEART|"
        r"DECORATION|VASE|GARLAND|BUNTING|MAGNETS?|TILE)\b",
    ),
)
OTHER_CATEGORY = "Gifts/Other"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _category_case(column: str) -> str:
    whens = " ".join(
        f"WHEN regexp_matches({column}, '{pattern}') THEN '{path}'" for path, pattern in CATEGORIES
    )
    return f"CASE {whens} ELSE '{OTHER_CATEGORY}' END"


_SOURCE = """
    SELECT trim(CAST({invoice} AS VARCHAR)) AS invoice,
           upper(trim(CAST(StockCode AS VARCHAR))) AS code,
           nullif(trim(CAST(Description AS VARCHAR)), '') AS descr,
           CAST(Quantity AS BIGINT) AS qty,
           CAST({price} AS DECIMAL(18, 4)) AS price,
           CAST(CAST(nullif(TRY_CAST({customer} AS DOUBLE), 0) AS BIGINT) AS VARCHAR) AS customer,
           nullif(trim(CAST(Country AS VARCHAR)), '') AS country,
           CAST(InvoiceDate AS TIMESTAMP) AS ts,
           {part} AS part, file_row_number AS rn
    FROM read_parquet({path}, file_row_number = true)"""

KIND = f"""CASE
    WHEN code IN ({_in(POSTAGE_CODES)}) THEN 'postage'
    WHEN code IN ({_in(DISCOUNT_CODES)}) THEN 'discount'
    WHEN code IN ({_in(FEE_CODES)}) OR {" OR ".join(f"starts_with(code, '{p}')" for p in FEE_PREFIXES)} THEN 'fee'
    ELSE 'product' END"""

DISP = """CASE
    WHEN starts_with(invoice, 'C') THEN CASE WHEN kind = 'product' AND qty < 0 AND price > 0
                                             THEN 'cancel' ELSE 'cancel_other' END
    WHEN kind <> 'product' THEN kind
    WHEN qty <= 0 THEN 'stock_adjustment'
    WHEN price <= 0 THEN 'free'
    ELSE 'sale' END"""


def build_statements(ii: str, i1: str) -> list[str]:
    """The statements that build the ``out_*`` tables from the two parquet files."""
    src_ii = _SOURCE.format(
        invoice="Invoice", price="Price", customer='"Customer ID"', part=1, path=ii
    )
    src_i1 = _SOURCE.format(
        invoice="InvoiceNo", price="UnitPrice", customer="CustomerID", part=2, path=i1
    )
    local = f"timezone('{TZ}', {{}})"
    return [
        f"CREATE TEMP TABLE raw AS {src_ii} UNION ALL {src_i1}",
        """CREATE TEMP TABLE raw_flagged AS SELECT *, part = 2 AND invoice IN
           (SELECT invoice FROM raw WHERE part = 1) AS overlap FROM raw""",
        f"""CREATE TEMP TABLE lines AS SELECT *, {DISP} AS disp FROM
           (SELECT *, {KIND} AS kind FROM raw_flagged WHERE NOT overlap)""",
        """CREATE TEMP TABLE sales AS SELECT *, row_number() OVER (PARTITION BY invoice ORDER BY part, rn)
           AS line_no FROM lines WHERE disp = 'sale'""",
        """CREATE TEMP TABLE invoices AS SELECT invoice, min(ts) AS ts, max(customer) AS customer,
             max(country) AS country,
             sum(qty * price) FILTER (WHERE disp = 'sale') AS goods,
             coalesce(sum(qty * price) FILTER (WHERE disp = 'postage'), 0) AS shipping,
             coalesce(sum(abs(qty * price)) FILTER (WHERE disp = 'discount'), 0) AS discount,
             count(*) FILTER (WHERE disp = 'sale') AS sale_lines
           FROM lines WHERE NOT starts_with(invoice, 'C') GROUP BY invoice""",
        """CREATE TEMP TABLE cancels AS SELECT *, row_number() OVER (PARTITION BY invoice ORDER BY part, rn)
           AS cancel_line FROM lines WHERE disp = 'cancel'""",
        """CREATE TEMP TABLE matched AS SELECT c.*, s.invoice AS original FROM cancels c
           ASOF LEFT JOIN sales s ON c.customer = s.customer AND c.code = s.code AND c.ts >= s.ts""",
        """CREATE TEMP TABLE cancelled_lines AS SELECT *, row_number() OVER (PARTITION BY invoice
           ORDER BY part, rn) AS line_no FROM matched WHERE original IS NULL""",
        f"""CREATE TEMP TABLE out_orders AS
           SELECT invoice AS order_id, customer AS customer_id,
             {local.format("ts")} AS created_at, {local.format("ts")} AS paid_at, 'completed' AS status,
             CAST(round(greatest(goods + greatest(shipping, 0) - discount, 0), 2) AS DECIMAL(18, 2)) AS pay_amount,
             CAST(round(greatest(shipping, 0), 2) AS DECIMAL(18, 2)) AS shipping_fee,
             country AS receiver_country
           FROM invoices WHERE sale_lines > 0
           UNION ALL
           SELECT invoice, max(customer), {local.format("min(ts)")}, NULL,
             'cancelled', CAST(0 AS DECIMAL(18, 2)), CAST(0 AS DECIMAL(18, 2)), max(country)
           FROM cancelled_lines GROUP BY invoice""",
        """CREATE TEMP TABLE out_order_items AS
           SELECT invoice AS order_id, line_no, code AS sku_id, qty AS quantity, price AS unit_price,
             CAST(round(qty * price, 2) AS DECIMAL(18, 2)) AS paid_amount FROM sales
           UNION ALL
           SELECT invoice, line_no, code, -qty, price, CAST(0 AS DECIMAL(18, 2)) FROM cancelled_lines""",
        f"""CREATE TEMP TABLE out_refunds AS
           SELECT invoice || '-' || cancel_line AS refund_id, original AS order_id, code AS sku_id,
             {local.format("ts")} AS created_at, 'refund_only' AS kind,
             CAST(round(-qty * price, 2) AS DECIMAL(18, 2)) AS amount,
             'cancellation invoice ' || invoice AS reason, 'completed' AS status,
             {local.format("ts")} AS resolved_at
           FROM matched WHERE original IS NOT NULL""",
        *_product_statements(),
        """CREATE TEMP TABLE out_customers AS
           SELECT customer_id, min(created_at) AS first_seen_at,
             first(receiver_country ORDER BY n DESC, receiver_country) AS province
           FROM (SELECT *, count(*) OVER (PARTITION BY customer_id, receiver_country) AS n FROM out_orders)
           WHERE customer_id IS NOT NULL GROUP BY customer_id""",
    ]


def _product_statements() -> list[str]:
    return [
        """CREATE TEMP TABLE catalog_lines AS SELECT code, price, ts FROM sales
           UNION ALL SELECT code, price, ts FROM cancelled_lines""",
        """CREATE TEMP TABLE titles AS SELECT code, first(descr ORDER BY n DESC, last DESC, descr) AS title
           FROM (SELECT code, descr, count(*) AS n, max(ts) AS last FROM lines
                 WHERE kind = 'product' AND price > 0 AND descr IS NOT NULL GROUP BY code, descr)
           GROUP BY code""",
        f"""CREATE TEMP TABLE spans AS SELECT code, min(ts) AS first_ts, max(ts) AS last_ts,
             max(ts) >= (SELECT max(ts) FROM lines) - INTERVAL {ON_SALE_DAYS} DAY AS recent
           FROM catalog_lines GROUP BY code""",
        f"""CREATE TEMP TABLE modal AS SELECT code, first(price ORDER BY n DESC, last DESC, price) AS price
           FROM (SELECT c.code, c.price, count(*) AS n, max(c.ts) AS last FROM catalog_lines c
                 JOIN spans s USING (code) WHERE c.ts >= s.last_ts - INTERVAL {PRICE_WINDOW_DAYS} DAY
                 GROUP BY c.code, c.price)
           GROUP BY code""",
        f"""CREATE TEMP TABLE out_products AS
           SELECT s.code AS sku_id,
             CASE WHEN regexp_matches(s.code, '^[0-9]{{5}}') THEN left(s.code, 5) ELSE s.code END AS product_id,
             coalesce(t.title, s.code) AS title,
             {_category_case("upper(coalesce(t.title, ''))")} AS category,
             m.price AS price,
             CASE WHEN s.recent THEN 'on_sale' ELSE 'off_shelf' END AS status,
             CAST(s.first_ts AS DATE) AS listed_at
           FROM spans s JOIN modal m USING (code) LEFT JOIN titles t USING (code)""",
    ]
