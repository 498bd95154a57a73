"""A held-out set of merchant requests: written before looking at the router's examples, never
tuned on one by one, so that its score says how the offline team does on questions it has not
seen.

Same shape and scoring as ``requests_set.py`` (30 zh on the zh demo store, 30 en on the en demo
store, seed 11, scale 0.2), with chat follow-ups: ``before`` holds the earlier lines of the same
chat. Names, SKU ids and campaigns are the demo stores' own (the 花魁 drip bags, 茉莉花茶 tea bags,
RI-82115 Kenya AA 12 oz, "Meta - Lookalike 1%"...). A miss here is fixed in kind (a synonym, an
amount format, entity resolution, follow-up context), never by adding the sentence to the router.

``test_understanding.py`` runs it; ``bench/bench_understanding.py`` prints its figures apart from the
tuned set's.
"""

from __future__ import annotations

from .requests_set import ACT, Request, _en, _zh

HELDOUT: tuple[Request, ...] = (
    # -- plain questions (zh) -------------------------------------------------------------------
    _zh("这礼拜生意咋样", "sales_summary", days=7),
    _zh("上个月一共卖了多少钱", "sales_summary"),
    _zh("哪款挂耳卖得最好", "top_products"),
    _zh("卖得最差的五个商品", "top_products", order="bottom", limit=5),
    _zh("接下来两周大概能卖多少", "sales_forecast", horizon_days=14),
    _zh("库存够不够撑到月底", "stock_status"),
    _zh("差评都在说些什么", "review_summary"),
    _zh("关键词推广的投产比怎么样", "ads_performance"),
    _zh("搜索词里哪些词带来的成交多", "keyword_analysis"),
    _zh("有没有价格标错的商品", "price_check"),
    _zh("还有多少单没发货", "shipping_overview"),
    _zh("新客老客各占多少", "customer_segments"),
    # -- why, with false premises; period comparisons (zh) -------------------------------------
    _zh("为什么这个月订单量暴跌", "explain_change", premise="drop", metric="orders"),
    _zh("这周营业额咋涨了这么多", "explain_change", premise="rise", metric="gmv"),
    _zh("这周跟上周比销售额怎么样", "sales_summary", days=7),
    # -- event plans (zh) -----------------------------------------------------------------------
    _zh("双12快到了，帮我做个活动方案", "event_plan", event="double12"),
    _zh("年货节要备多少货", "event_plan", event="new_year"),
    # -- out of scope and small talk (zh) -------------------------------------------------------
    _zh("明天北京天气怎么样", *()),
    _zh("腾讯今天股价涨了没", *()),
    _zh("早上好", "reply"),
    # -- actions by name fragments, any amount format (zh) --------------------------------------
    _zh("把耶加雪菲挂耳10片的价格改成¥45", ACT, outcome="question"),
    _zh("花魁中烘30片调价到109块", ACT, outcome="proposal", params={"price": 109}),
    _zh("茉莉花茶那个推广日预算降到三百", ACT, outcome="proposal", params={"daily_budget": 300}),
    _zh("暂停曼特宁挂耳的推广", ACT, outcome="proposal"),
    _zh("给大红袍冷泡茶10袋补货100件", ACT, outcome="proposal", params={"quantity": 100}),
    _zh("把SKU 049814 的价格调成三十九块九", ACT, outcome="proposal", params={"price": 39.9}),
    # -- chat follow-ups (zh) -------------------------------------------------------------------
    _zh("那上上周呢", "sales_summary", days=7, offset_days=7, before=("上周卖了多少钱",)),
    _zh("换成按件数排", "top_products", by="units", limit=5, before=("销量前五的商品",)),
    _zh(
        "30片的",
        ACT,
        outcome="proposal",
        params={"price": 109, "sku_id": "083995"},
        before=("把花魁中烘的价格调到109",),
    ),
    _zh("对比一下上周同期", "sales_summary", "sales_summary", days=1, before=("昨天的销售额",)),
    # -- plain questions (en) -------------------------------------------------------------------
    _en("how are sales looking this week", "sales_summary", days=7),
    _en("what did we make yesterday", "sales_summary", days=1),
    _en("my 5 worst selling products this month", "top_products", order="bottom", limit=5),
    _en("best sellers by units", "top_products", by="units"),
    _en("forecast sales for the next 2 weeks", "sales_forecast", horizon_days=14),
    _en("what am I about to run out of?", "stock_status"),
    _en("what are people complaining about in reviews", "review_summary"),
    _en("is my Performance Max campaign worth the money", "ads_performance"),
    _en("which keywords bring in the most sales", "keyword_analysis"),
    _en("any products priced wrong?", "price_check"),
    _en("any orders late to ship?", "shipping_overview"),
    _en("how many repeat customers do I have", "customer_segments"),
    _en("how much have we refunded this month", "refund_summary"),
    # -- why, with false premises; period comparisons (en) -------------------------------------
    _en("why did orders tank this week?", "explain_change", premise="drop", metric="orders"),
    _en("what's behind the jump in revenue?", "explain_change", premise="rise", metric="gmv"),
    _en("this week vs last week revenue", "sales_summary", days=7),
    # -- event plans (en) -----------------------------------------------------------------------
    _en("prep plan for Prime Day", "event_plan", event="prime_day"),
    _en("what should I do before Black Friday", "event_plan", event="black_friday"),
    # -- out of scope and small talk (en) -------------------------------------------------------
    _en("what's the weather in Chicago tomorrow", *()),
    _en("write me a poem about coffee", *()),
    _en("how's Tesla stock doing", *()),
    _en("good morning", "reply"),
    # -- actions by name fragments, any amount format (en) --------------------------------------
    _en("drop the price of RI-82115 to $23.99", ACT, outcome="proposal", params={"price": 23.99}),
    _en("set the Lapsang Souchong 8 oz to 24.99", ACT, outcome="proposal", params={"price": 24.99}),
    _en("pause Meta - Lookalike 1%", ACT, outcome="proposal"),
    _en(
        "bump the Rwanda campaign budget to $150",
        ACT,
        outcome="proposal",
        params={"daily_budget": 150},
    ),
    _en(
        "restock 40 of the Peppermint tea 3 boxes", ACT, outcome="proposal", params={"quantity": 40}
    ),
    _en("change the price of the Kenya AA 12 oz to 24", ACT, outcome="question"),
    # -- chat follow-ups (en) -------------------------------------------------------------------
    _en(
        "and the week before?",
        "sales_summary",
        days=7,
        offset_days=7,
        before=("how much did we sell last week",),
    ),
    _en("just the top 3", "top_products", limit=3, before=("top 10 products this month",)),
)
"""The held-out set (zh and en)."""
