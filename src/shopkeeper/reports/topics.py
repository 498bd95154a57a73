"""What customers ask about: a chat message's topic from keywords (Chinese and English).

The first topic whose pattern matches wins, so the specific ones (damage, returns) come before the
broad ones (product questions). Messages matching none (greetings, "thanks", "好的") are not questions.

>>> import duckdb
>>> case, params = topic_case("t")
>>> duckdb.sql(f"SELECT {case} FROM (VALUES ('收到的包装破了'), ('Where is my package?'), ('好的，谢谢')) v(t)",
...            params=params).fetchall()
[('damaged',), ('tracking',), (None,)]
"""

from __future__ import annotations

from shopkeeper.text import pick

TOPICS: tuple[tuple[str, str, str, str], ...] = (
    (
        "damaged",
        "破损/质量问题",
        "Damaged or faulty",
        r"破|坏了|漏了|碎|发霉|变质|质量|damaged|broken|leak|defect|faulty|spoiled|stale",
    ),
    (
        "wrong_item",
        "少件/错发",
        "Missing or wrong item",
        r"少了|少件|漏发|发错|错发|missing|wrong item|wrong flavou?r",
    ),
    (
        "return",
        "退换货",
        "Returns and refunds",
        r"退|换货|不喜欢|拆开|refund|return|exchange|not really for me",
    ),
    ("address", "修改地址", "Change of address", r"地址|改成|address"),
    (
        "shipping_time",
        "催发货/何时发货",
        "When it ships",
        r"发货|什么时候发|快点|着急|加急|when will it ship|hurry|ship today|dispatch",
    ),
    (
        "tracking",
        "物流查询",
        "Where is my order",
        r"到哪|物流|快递|单号|where is|tracking|carrier|delivery|arrive",
    ),
    (
        "discount",
        "优惠券/价格",
        "Discounts and price",
        r"优惠|券|便宜|降价|满减|价格|discount|coupon|code|price|promo",
    ),
    ("invoice", "发票", "Invoices and receipts", r"发票|invoice|receipt"),
    (
        "product",
        "商品咨询",
        "Product questions",
        r"是什么|是多少|保质期|产地|烘焙|口味|配料|储存|处理法|含量|规格|怎么|what|which|how|roast|origin|flavou?r|taste|best by|process|blend|question about",
    ),
)


def topic_label(key: str, lang: str) -> str:
    """A topic's name."""
    for k, zh, en, _ in TOPICS:
        if k == key:
            return pick(lang, zh, en)
    return key


def topic_case(column: str) -> tuple[str, list[str]]:
    """A SQL ``CASE`` giving the topic of ``column`` (lower-cased), and its parameters."""
    whens = " ".join("WHEN regexp_matches(lower(" + column + "), ?) THEN ?" for _ in TOPICS)
    params: list[str] = []
    for key, _, _, pattern in TOPICS:
        params += [pattern, key]
    return f"CASE {whens} END", params
