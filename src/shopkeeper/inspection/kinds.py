"""The name of each finding kind as a merchant reads it, in Chinese and English — the one table
the terminal, the reports, the web app and the CLI label findings with.

>>> kind_label("delivery_late", "zh"), kind_label("delivery_late", "en")
('延迟送达', 'Late delivery')
>>> kind_label("some_new_kind", "en")
'Some new kind'
"""

from __future__ import annotations

from shopkeeper.text import Message, pick

KIND_NAMES: dict[str, Message] = {
    "out_of_stock": Message("断货", "Out of stock"),
    "stockout_risk": Message("断货风险", "Stockout risk"),
    "slow_moving": Message("滞销", "Slow moving"),
    "expiry_risk": Message("临期", "Expiry risk"),
    "price_anomaly": Message("价格异常", "Price anomaly"),
    "listing_quality": Message("商品信息", "Listing quality"),
    "traffic_drop": Message("流量下跌", "Traffic drop"),
    "conversion_drop": Message("转化下跌", "Conversion drop"),
    "traffic_black_hole": Message("有流量无转化", "Traffic, no sales"),
    "gmv_drop": Message("销售额下跌", "GMV drop"),
    "negative_reviews": Message("差评", "Negative reviews"),
    "refund_spike": Message("退款激增", "Refund spike"),
    "shipping_delay": Message("发货延迟", "Late shipping"),
    "abnormal_address": Message("异常地址", "Bad address"),
    "competitor_loss": Message("竞品流失", "Lost to competitor"),
    "ad_roi_below_target": Message("投放亏损", "Ad ROI below target"),
    "ad_budget_limited": Message("预算受限", "Budget-limited ad"),
    "keyword_opportunity": Message("搜索词机会", "Keyword opportunity"),
    "delivery_late": Message("延迟送达", "Late delivery"),
    "cancellation_spike": Message("取消激增", "Cancellation spike"),
    "outlier_order": Message("异常大单", "Outlier order"),
    "data_gap": Message("数据缺失", "Data gap"),
}


def kind_label(kind: str, lang: str) -> str:
    """A finding kind's short name in ``lang`` (an unknown kind: its name in words)."""
    known = KIND_NAMES.get(kind)
    if known is None:
        return pick(lang, kind, kind.replace("_", " ").capitalize())
    return pick(lang, known.zh, known.en)


ENTITY_NAMES: dict[str, Message] = {
    "store": Message("店铺", "store"),
    "product": Message("商品", "listing"),
    "sku": Message("SKU", "SKU"),
    "order": Message("订单", "order"),
    "campaign": Message("推广计划", "campaign"),
    "keyword": Message("搜索词", "keyword"),
    "audience": Message("人群", "audience"),
    "warehouse": Message("仓库", "warehouse"),
}
"""The contract's entity types as a merchant reads them."""


def entity_label(entity_type: str, lang: str) -> str:
    """An entity type's name in ``lang``.

    >>> entity_label("product", "zh"), entity_label("campaign", "en")
    ('商品', 'campaign')
    """
    known = ENTITY_NAMES.get(entity_type)
    return known.text(lang) if known else entity_type
