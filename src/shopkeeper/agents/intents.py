"""What the offline team understands: each intent names the skill that answers it, the employee who
owns it, fixed arguments, keywords (zh and en) and example phrasings for the embedding similarity.

This is data, read by :mod:`shopkeeper.agents.router`. An intent whose skill is not registered is
ignored, so the catalogue can name skills that a pack provides. ``docs/offline-requests.md`` lists
the requests each intent is tested with.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.agents.team import EmployeeName


class Intent(BaseModel):
    """One kind of request the offline router recognises."""

    model_config = ConfigDict(frozen=True)

    name: str
    skill: str
    employee: EmployeeName
    arguments: dict[str, Any] = Field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    plan: tuple[str, ...] = Field(
        default=(),
        description="a request asking for a plan: the intents whose steps answer it, in order "
        "(used when the request is one such ask, not a list of its own steps)",
    )

    @property
    def action(self) -> str | None:
        """The action this intent proposes (``propose_action``), if any."""
        value = self.arguments.get("action")
        return value if isinstance(value, str) else None


def _alternatives(keywords: str) -> list[str]:
    """``keywords`` split at each ``|`` outside parentheses and brackets (a ``re:`` keyword may
    hold alternatives of its own).

    >>> _alternatives("调价|re:(?:改|调)价|re:[|]x")
    ['调价', 're:(?:改|调)价', 're:[|]x']
    """
    parts, depth, start, escaped = [], 0, 0, False
    for n, ch in enumerate(keywords):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(keywords[start:n])
            start = n + 1
    return [*parts, keywords[start:]]


def _i(
    name: str,
    skill: str,
    employee: EmployeeName,
    keywords: str,
    examples: str,
    plan: tuple[str, ...] = (),
    **arguments: Any,
) -> Intent:
    return Intent(
        name=name,
        skill=skill,
        employee=employee,
        arguments=arguments,
        plan=plan,
        keywords=tuple(
            k if k.startswith("re:") else k.lower()
            for k in (k.strip() for k in _alternatives(keywords))
            if k
        ),
        examples=tuple(e.strip() for e in examples.split("|") if e.strip()),
    )


INTENTS: tuple[Intent, ...] = (
    _i(
        "inspection",
        "inspect_store",
        "analyst",
        "巡店|店铺问题|有什么问题|出问题|不对劲|anything off|anything wrong|something wrong|red flags|哪些问题|异常|体检|诊断|风险|inspect|inspection|problems|issues|wrong|health check",
        "今天店铺有什么问题|帮我巡一下店|店里有哪些异常需要处理|做一次店铺体检|"
        "what is wrong with my store today|run the daily inspection|any problems in the shop",
    ),
    _i(
        "findings_history",
        "findings_history",
        "analyst",
        "新问题|新出现|已解决|持续|问题变化|history|new problems|resolved|still open|ongoing",
        "最近新出现了哪些问题|哪些问题已经解决了|问题的变化趋势|"
        "which problems are new this week|which issues were resolved|what problems are still open",
    ),
    _i(
        "sales",
        "sales_summary",
        "analyst",
        "卖了多少|销售额|生意|赚了多少|挣了多少|进账|流水|re:\\bhow (?:much|many)\\b.{0,40}\\b(?:sell|sold)\\b|"
        "re:\\b(?:how much|what)\\b.{0,20}\\b(?:make|made|earn|earned|bring in|brought in|take in|took in|gross|grossed)\\b|"
        "re:\\bhow many (?:units|items|pieces|orders) (?:did|have|has) (?:we|i)\\b.{0,20}\\b(?:move|moved|sell|sold|get|got|ship|shipped)\\b|how did we do|how are we doing|how's business|销售情况|卖得怎么样|成交额|gmv|营业额|业绩|销量|订单数|多少单|客单价|sales|revenue|turnover|how much did we sell|orders|average order value|aov",
        "昨天卖了多少钱|上周销售额是多少|最近30天的GMV|这个月业绩怎么样|客单价是多少|"
        "how much did we sell yesterday|what were sales last week|revenue in the last 30 days|what is our average order value",
    ),
    _i(
        "top_products",
        "top_products",
        "analyst",
        "卖得最好|卖得好|卖不动|卖不出去|卖得最多|made the most money|most money|畅销|爆款|热卖|排行|排名|top|最好卖|卖得最差|滞销商品|best sellers|best-selling|sold best|sell best|"
        "sells best|top products|worst sellers|sell worst|ranking|best selling|best-selling|worst selling|worst-selling|top selling|top-selling|slowest|"
        "re:\\b\\d+\\s+(?:best|worst|top|bottom|slowest)\\b|re:\\b(?:best|worst|top|bottom)\\s+\\d+\\b|not selling|aren't selling|最赚钱|赚钱最多|赚得最多|isn't selling|top sellers|"
        "re:最(?:高|多|好|低|差|少)的\\s*(?:\\d+|[一两二三四五六七八九十]+)\\s*[款个种名件]|re:前\\s*[\\d一两二三四五六七八九十]+\\s*[的名个款]",
        "卖得最好的商品是哪些|销量前十的商品|本月爆款有哪些|卖得最差的商品|"
        "what are my best sellers|top 10 products by sales|which products sell worst",
    ),
    _i(
        "daily_report",
        "daily_report",
        "analyst",
        "日报|今日报告|每日报告|daily report|daily summary|today's report",
        "给我今天的日报|生成一份日报|看看昨天的经营日报|send me the daily report|daily summary please",
    ),
    _i(
        "weekly_report",
        "weekly_report",
        "analyst",
        "周报|本周总结|summarize this week|summary of this week|每周报告|weekly report|weekly summary|week in review",
        "生成本周周报|上周的周报|这周经营总结|give me the weekly report|weekly summary of the store",
    ),
    _i(
        "store_overview",
        "store_overview",
        "analyst",
        "店铺概况|店铺信息|数据范围|多少商品|基本情况|overview|store info|how many products|data range",
        "店铺的基本情况|我的店有多少商品和订单|数据覆盖哪些日期|give me an overview of the store|what data do you have",
    ),
    _i(
        "stock",
        "stock_status",
        "orders",
        "库存|缺货|断货|补货|售罄|积压|可售天数|备货|要补|赶紧补|各补|补多少|补什么|快没了|running low|low on|low stock|卖完|没货|sell out|sold out|selling out|run out|stock|inventory|out of stock|running out|replenish|restock|reorder|overstock|days of cover",
        "哪些商品快断货了|需要补货的SKU|库存还能卖几天|哪些库存积压了|查库存风险|"
        "which products are running out of stock|what should I restock|how many days of stock do we have|which items are overstocked",
    ),
    _i(
        "forecast",
        "sales_forecast",
        "orders",
        "预测|预计|未来|下周能卖|需求预测|forecast|predict|next week|next month|demand",
        "预测下周的销量|未来30天能卖多少|双11需要备多少货|forecast sales for next week|how much will we sell next month",
    ),
    _i(
        "product_performance",
        "product_performance",
        "analyst",
        "转化|转化率|转化差|转化低|商品表现|商品分析|单品|不成交|conversion|converting|product performance|conversion rate|visitors",
        "哪些商品转化率低|找出转化差的商品|商品表现分析|单品的访客和转化|"
        "which products have low conversion|product performance analysis|which listings convert poorly",
    ),
    _i(
        "traffic",
        "traffic_sources",
        "analyst",
        "流量|访客来源|re:visitors?\\b.{0,24}\\bcom(?:e|ing) from|访客|访客少|流量来源|渠道|搜索流量|推荐流量|traffic|visitors by source|traffic sources|channels",
        "流量为什么下降了|各渠道流量来源|访客从哪里来|搜索流量变化|"
        "where does my traffic come from|why did traffic drop|traffic by channel",
    ),
    _i(
        "keywords",
        "keyword_analysis",
        "ads",
        "关键词|搜索词|热搜|引流词|搜什么|keyword|keywords|search terms|search queries|trending|in search|search trends",
        "哪些关键词带来成交|搜索词分析|有流量没转化的关键词|上升最快的搜索词|"
        "which keywords bring sales|search term analysis|which search terms are rising",
    ),
    _i(
        "bundles",
        "copurchase_bundles",
        "audience",
        "搭配|套餐|还会买|还买了|also buy|also bought|组合|一起买|连带|关联购买|凑单|bundle|bundles|bought together|cross-sell|basket",
        "哪些商品经常一起买|推荐搭配套餐|做组合购的建议|连带率分析|"
        "which products are bought together|suggest bundles|cross-sell ideas",
    ),
    _i(
        "segments",
        "customer_segments",
        "audience",
        "人群|客户分群|高价值|价值客户|客户价值|分层|会员|复购|老客|新客|rfm|流失|customers|segments|segmentation|repeat|loyal|churn|returning",
        "帮我做客户分群|复购率是多少|老客和新客各占多少|哪些客户快流失了|"
        "segment my customers|what is our repeat purchase rate|which customers are at risk of churning",
    ),
    _i(
        "ads",
        "ads_performance",
        "ads",
        "广告|投放|推广|直通车|引力魔方|万相台|关键词推广|人群推广|全站推广|投产比|投产|roi|roas|ppc|pmax|performance max|return on ad spend|出价|预算|计划|花费|ads|advertising|campaign|campaigns|bid|budget|ad spend|cpc",
        "广告ROI怎么样|哪些推广计划亏钱|给投放建议|直通车花了多少钱|哪个计划该加预算|"
        "how are my ads performing|which campaigns lose money|what is our roas|give me bidding advice",
    ),
    _i(
        "refunds",
        "refund_summary",
        "cs",
        "退款|退货|售后|退回|returned|re:\\bsen(?:d|ding|t)\\b.{0,20}\\bback\\b|退款率|退款原因|refund|refunds|returns|return rate|after-sale",
        "最近退款率是多少|退款的主要原因|哪些商品退货最多|售后情况怎么样|"
        "what is our refund rate|why are customers returning items|which products get refunded most",
    ),
    _i(
        "reviews",
        "review_summary",
        "cs",
        "评价|差评|意见|unhappy|complain|dissatisfied|upset|吐槽|抱怨|不满|好评|评分|口碑|投诉|买家反馈|review|reviews|ratings|negative reviews|complaints|feedback|voice of customer",
        "最近差评多吗|买家都在抱怨什么|评价分析|好评率是多少|"
        "what are customers complaining about|summarise the reviews|how many negative reviews",
    ),
    _i(
        "order_status",
        "order_status",
        "orders",
        "订单状态|这个订单|到哪了|到哪里了|where is|re:订单\\s*\\d{6,}|re:order\\s*#?\\d{6,}|查订单|订单号|物流|快递|发货了吗|order status|track order|order number|where is order",
        "帮我查一下订单的状态|这个订单发货了吗|订单物流到哪了|what is the status of order|track this order",
    ),
    _i(
        "shipping",
        "shipping_overview",
        "orders",
        "未发货|待发货|没发货|没发出|发出去|发货超时|延迟发货|异常地址|地址异常|发货|not shipped|shipping|unshipped|late shipments|dispatch|address problems|abnormal address",
        "有多少订单还没发货|哪些订单发货超时了|检查一下异常地址|发货前的地址检查|"
        "how many orders are unshipped|which shipments are late|check addresses before dispatch",
    ),
    _i(
        "pricing",
        "price_check",
        "ads",
        "价格|定价|亏本|标错|错价|价格不对|价格错|priced wrong|wrongly priced|wrong price|wrong prices|mispriced|price errors|pricing errors|at a loss|loss-making|贵多少|便宜多少|比竞品贵|比同行贵|竞品价|毛利|利润|成本|低于成本|比价|竞品价格|price|pricing|margin|cost|competitor prices|below cost",
        "哪些商品毛利太低|价格有没有低于成本的|和竞品比我们价格贵吗|定价建议|"
        "which products have low margins|are any prices below cost|how do my prices compare with competitors",
    ),
    _i(
        "competitors",
        "inspect_store",
        "analyst",
        "竞品|竞争对手|同行|流失到|competitor|competitors|rivals|lost buyers",
        "竞品抢走了我们多少买家|同行最近有什么动作|客户流失到哪家店了|which competitors are taking my buyers",
        kinds=["competitor_loss"],
    ),
    _i(
        "listing",
        "inspect_store",
        "designer",
        "主图|详情页|图片|标题|商品页|美工|视觉|listing|images|photos|title|product page|design",
        "哪些商品主图需要优化|商品标题太短的有哪些|详情页质量检查|which listings need better images|check listing quality",
        kinds=["listing_quality", "traffic_black_hole"],
    ),
    _i(
        "pending_approvals",
        "pending_approvals",
        "analyst",
        "待审批|审批|批准|待确认|待处理的操作|等我批|要我批|批一下|approval|approvals|pending actions|waiting for me|"
        "sign-off|sign off|needs my approval",
        "有哪些操作等我审批|待审批的改价|还有什么需要我确认的|what is waiting for my approval|show pending actions",
    ),
    _i(
        "change_price",
        "propose_action",
        "ads",
        # a change by an amount or a share: "价格降5块", "涨价一成", "打9折", "raise X price 10%"
        "re:(?<!出)(?:价格?|售价)[^，,。？?]{0,4}(?:降低|下调|降|减|便宜|提高|上调|涨|加|贵)了?\\s*[¥￥$]?[\\d一二两三四五六七八九十百]+(?:\\.\\d+)?\\s*(?:%|％|个点|成|块|元|毛)|"
        "re:(?:降|涨)价?\\s*[\\d一二两三四五六七八九十]+(?:\\.\\d+)?\\s*(?:%|％|个点|成|块|元)|re:打\\s*[\\d一二两三四五六七八九.]+\\s*折|"
        "re:\\b(?:raise|cut|drop|lower|increase|reduce|bump|hike|trim|slash|mark\\s+(?:up|down))\\b[^,.?!]{0,40}\\bprices?\\b[^,.?!]{0,12}(?:\\bby\\s+)?[$¥]?\\d+(?:\\.\\d+)?\\s*%|"
        "re:\\bprices?\\b[^,.?!]{0,30}\\b(?:up|down|by)\\s+[$¥]?\\d|"
        "改价|调价|降价到|涨价到|价格改成|change price|set price|reprice|lower the price|raise the price|"
        "re:(?:改|调|降|涨)[^，,。？?]{0,3}价|re:价格?[^，,。？?]{0,8}(?:改成|改为|改回|改到|调到|调成|调为|调整[为到]|降到|涨到|设[为成]|定[为成]|变成)|"
        "re:(?:change|set|lower|raise|adjust|update|cut|drop|reduce|increase)\\s+(?:the\\s+)?(?:list\\s+)?price|"
        "re:(?:改成|改为|调到|调成|降到|涨到|改回)\\s*[¥￥$]?\\s*[\\d一二两三四五六七八九十百]+(?:\\.\\d+)?\\s*(?:元|块)|"
        "re:\\bset\\s+[A-Za-z]{1,6}[-_]?\\d[\\w-]*\\s+(?:price\\s+)?to\\s+[$¥]?\\d|"
        "re:\\bprice\\s+(?:of\\s+\\S+\\s+)?(?:to|back to)\\s+[$¥]?\\d|re:改回\\s*[¥￥$]?\\s*\\d|"
        "re:\\b(?:set|change|make|drop|cut|lower|raise|bump|mark|put)\\s+(?:(?!budget|bid|campaign|units)[^,.?!])+?\\s+(?:(?:down|up|back)\\s+)?to\\s+[$¥]\\s*\\d|"
        "re:\\b(?:set|change|make|drop|cut|lower|raise|bump|mark|put)\\s+(?:(?!budget|bid|campaign|units)[^,.?!])+?\\s+(?:(?:down|up|back)\\s+)?to\\s+\\d+\\.\\d\\d?\\b",
        "把SKU的价格改成59元|帮我调价|把这个商品降价到99|change the price of sku to 19.9|set the price to 25",
        action="change_price",
    ),
    _i(
        "pause_campaign",
        "propose_action",
        "ads",
        "暂停计划|停掉计划|关闭推广|暂停推广|pause campaign|stop campaign|pause the campaign|"
        "re:(?:暂停|停掉|停止|关掉|关闭|停了|先停)[^，,。？?]{0,24}(?:计划|推广|广告|投放|直通车)|"
        "re:\\b(?:pause|stop|turn off|switch off|disable)\\s+(?:the\\s+)?[^,.?]{0,40}campaign|"
        "re:\\b(?:pause|stop|turn off|switch off|disable|kill)\\s+(?:the\\s+|my\\s+|our\\s+)?(?:meta|facebook|instagram|google|search|shopping|display|performance max|pmax|tiktok|amazon|youtube)\\b|"
        "re:\\b(?:pause|stop|turn off|switch off|disable|kill)\\s+(?:the\\s+|my\\s+|our\\s+)?[^,.?]{0,40}\\b(?:ads|ad|advertising|promotion)\\b|"
        "re:(?:计划|推广|广告|投放|直通车)[^，,。？?]{0,6}(?:暂停|停掉|停了|关掉|关了|停止)",
        "把这个推广计划暂停|停掉亏钱的计划|pause campaign C001|stop that campaign",
        action="pause_campaign",
    ),
    _i(
        "change_budget",
        "propose_action",
        "ads",
        "re:\\b(?:bump|boost|up|trim|slash|scale|double|halve|top up)\\s+(?:up\\s+|down\\s+)?(?:the\\s+)?(?:[\\w%-]+\\s+){0,5}budget|"
        "re:\\bbudget\\b[^,.?!]{0,40}\\b(?:by|up|down)\\s+[$¥]?\\d|"
        "re:预算\\s*(?:加|减|砍|提|降|涨|多|少)了?\\s*[\\d一二两三四五六七八九十百千]|"
        "加预算|预算调到|提高预算|降低预算|改预算|raise budget|increase budget|set budget|lower budget|"
        "re:预算[^，,。？?]{0,6}(?:调到|调成|改成|改为|加到|提到|降到|减到|设[为成]|提高|降低|增加|减少|翻倍)|"
        "re:(?:加|提高|降低|增加|减少|调整|调|改|砍)[^，,。？?]{0,3}预算|"
        "re:\\b(?:set|raise|increase|lower|cut|change|reduce|double)\\s+(?:the\\s+)?(?:[\\w-]+\\s+){0,4}budget|"
        "re:\\bbudget\\s+(?:of\\s+\\S+\\s+)?to\\s+[$¥]?\\d",
        "把计划的日预算调到500|给这个计划加预算|set the daily budget of campaign to 300",
        action="change_budget",
    ),
    _i(
        "change_bid",
        "propose_action",
        "ads",
        "re:出价\\s*(?:加|减|提|降|涨|高|低)了?\\s*[\\d一二两三四五六七八九十]|"
        "出价调到|调出价|提高出价|降低出价|改出价|raise bid|lower bid|set bid|change bid|"
        "re:出价[^，,。？?]{0,6}(?:调到|调成|改成|改为|降到|提到|设[为成]|提高|降低)|"
        "re:\\b(?:set|raise|increase|lower|cut|change|reduce)\\s+(?:the\\s+)?(?:[\\w-]+\\s+){0,4}bid\\b",
        "把计划的出价调到1.5元|降低这个计划的出价|set the bid of campaign to 0.8",
        action="change_bid",
    ),
    _i(
        "replenish",
        "propose_action",
        "orders",
        "re:(?:补|订|采购|进)(?:货)?\\s*(?:\\d+|[一两二三四五六七八九十百千]+)\\s*(?:件|个|包|袋|盒|箱)|"
        "re:\\b(?:order|reorder|restock|buy)\\s+\\d+\\s+(?:more\\s+)?(?:units|pcs|pieces|packs|bags)|"
        "re:\\b(?:order|reorder|restock|replenish|buy)\\s+(?:another\\s+)?\\d+\\s+(?:more\\s+)?(?:of|for)\\b",
        "给这个SKU补200件货|采购100件耶加雪菲|reorder 50 units of the drip bags",
        action="replenish",
    ),
    _i(
        "event_prep",
        "stock_status",
        "orders",
        "备战|re:(?:准备|筹备|规划|安排|要做|该做|做哪些|怎么做|怎么备).{0,8}(?:双1[12]|双十[一二]|618|年货节|大促|活动|黑五)|"
        "re:(?:双1[12]|双十[一二]|618|年货节|大促|黑五).{0,8}(?:准备|筹备|规划|安排|要做|该做|做哪些|怎么做|怎么备|计划)|"
        "re:\\b(?:ready|prepare|prep|plan)\\w*\\s+(?:\\w+\\s+){0,4}(?:black friday|cyber monday|bfcm|prime day|holidays?|the sale|promotion|singles)",
        "帮我准备一下双11|双12要做哪些准备|大促前要准备什么|年货节怎么备战|"
        "prepare for the holiday rush|prepare the store for prime day|what should I do before cyber monday",
        plan=("stock", "top_products", "ads"),
    ),
    _i(
        "event_plan",
        "event_plan",
        "analyst",
        # any named sales day or festival with a plan ask: "38女王节要准备啥", "Mother's Day prep"
        "re:(?:女王节|女神节|妇女节|情人节|七夕|中秋|国庆|开学季|周年庆|年中大促|[\\d一二三四五六七八九十]+(?:大促|节))"
        ".{0,8}(?:准备|筹备|规划|安排|要做|该做|做哪些|怎么做|怎么备|计划|方案|备货|活动)|"
        "re:\\b(?:ready|prepare|prep|plan)\\w*\\b.{0,30}\\b(?:mother's day|father's day|valentine'?s?|christmas|"
        "holiday season|back to school|memorial day|labor day|boxing day|halloween)|"
        "re:\\b(?:mother's day|father's day|valentine'?s?|christmas|holiday season|back to school|"
        "memorial day|labor day|boxing day|halloween)\\b.{0,20}\\b(?:prep|plan|ready|promo)|"
        "双11|双十一|双12|双十二|618|年货节|黑五|大促|备战|black friday|cyber monday|bfcm|prime day|singles day|"
        "re:(?:准备|筹备|规划|安排|要做|该做|做哪些|怎么做|怎么备|备战).{0,8}(?:双1[12]|双十[一二]|618|年货节|大促|黑五)|"
        "re:(?:双1[12]|双十[一二]|618|年货节|大促|黑五).{0,8}(?:准备|筹备|规划|安排|要做|该做|做哪些|怎么做|怎么备|计划|方案)|"
        "re:\\b(?:ready|prepare|prep|plan)\\w*\\s+(?:\\w+\\s+){0,4}(?:black friday|cyber monday|bfcm|prime day|singles)",
        "双11要怎么准备|双12要做哪些准备|618大促怎么准备|年货节备战计划|黑五前要做什么|"
        "prepare my store for black friday|plan for prime day|how should I prepare for cyber monday",
        plan=("event_plan",),  # a plan ask: the event plan answers it; a list of steps is kept
    ),
    _i(
        "why",
        "explain_change",
        "analyst",
        "re:(?:为什么|为啥|怎么(?!样)).{0,15}(?:单量|客单价)|re:(?:单量|客单价).{0,15}(?:为什么|为啥|怎么(?!样))|"
        "怎么掉了|怎么少了|怎么降了|怎么跌了|怎么下滑|what caused|how come|"
        "re:(?:为什么|为啥|怎么(?!样)|咋).{0,15}(?:成交额|销售额|销量|营业额|业绩|订单|生意|gmv|卖得)|"
        "re:(?:成交额|销售额|销量|营业额|业绩|订单|生意|gmv|卖得).{0,15}(?:为什么|为啥|怎么(?!样)|咋)|"
        "re:(?:成交额|销售额|销量|营业额|业绩|订单|生意|gmv|卖得).{0,12}(?:少了|低了|掉了|降了|跌了|下滑|下降|变差|不好|不行|多了|涨了|上涨|上升)|"
        "re:\\b(?:why|what caused|how come|what's behind|what is behind|what drove|what's driving|reason for|explain)\\b.{0,40}\\b(?:revenue|sales|gmv|orders|turnover|business)\\b|"
        "re:\\b(?:drop|fall|dip|decline|slump|jump|spike|surge|rise|increase|decrease)s?\\s+in\\s+(?:revenue|sales|gmv|orders|turnover|business)\\b|"
        "re:\\b(?:revenue|sales|gmv|orders|turnover|business)\\b.{0,30}\\b(?:drop|dropped|fell|fall|down|declin\\w*|rose|rise|up|jump\\w*|grew|tank\\w*|plung\\w*|plummet\\w*|crash\\w*|slump\\w*|dipped|spik\\w*|surg\\w*|soar\\w*)\\b|"
        "re:(?:成交额|销售额|销量|营业额|业绩|订单|单量|生意|gmv).{0,12}(?:暴跌|大跌|腰斩|暴增|大涨|翻倍)",
        "为什么这周的成交额比上周少了|销量怎么掉了|这个月业绩为什么下滑|为什么订单变少了|"
        "why did revenue drop last week|why are sales down|what caused the drop in orders|why did sales go up",
    ),
    _i(
        "promote",
        "top_products",
        "analyst",
        "主推|推哪|推什么|重点推|力推|主打|上首页|推荐哪|push|promote|feature|newsletter|spotlight|highlight|hero product",
        "下个月主推哪几款|活动主推什么商品好|首页应该放哪些商品|"
        "which products should I promote|what should I feature in the newsletter|which items should we push",
        plan=("top_products", "keywords"),
    ),
    _i(
        "remember",
        "remember",
        "analyst",
        "记住|请记住|以后都|规则是|不做|不要|remember|from now on|always|never",
        "记住：不做低于5折的促销|以后不要给老客发优惠券|remember that we never discount more than 30% off",
    ),
    _i(
        "recall",
        "recall_memory",
        "analyst",
        "你记得|我说过|我的规则|我的偏好|记住了什么|what did i tell you|my rules|what do you remember",
        "你还记得我定的规则吗|我之前说过什么|what rules did I give you|what do you remember about my store",
    ),
)
"""The catalogue, in no particular order (the router scores them all)."""

REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"咋样|咋个样"), "怎么样"),
    (re.compile(r"咋整|咋办|咋弄"), "怎么办"),
    (re.compile(r"咋回事|咋的了"), "怎么回事"),
    (re.compile(r"为啥|为嘛|干嘛"), "为什么"),
    (re.compile(r"咋"), "怎么"),
    (re.compile(r"啥"), "什么"),
    (re.compile(r"客单(?!价)"), "客单价"),
    (re.compile(r"\buv\b|(?<![a-z])uv(?![a-z])", re.I), "访客"),
    (re.compile(r"\bpv\b|(?<![a-z])pv(?![a-z])", re.I), "浏览量"),
    (re.compile(r"渠到|渠导"), "渠道"),
    (re.compile(r"库纯|库从"), "库存"),
    (re.compile(r"\bmtd\b", re.I), "month to date"),
    (re.compile(r"\bwtd\b", re.I), "week to date"),
    (re.compile(r"\byday\b|\byest\b", re.I), "yesterday"),
    (re.compile(r"\bw/", re.I), "with "),
    (re.compile(r"\bwhats\b", re.I), "what's"),
    (re.compile(r"\bu\b", re.I), "you"),
    (re.compile(r"\br\b", re.I), "are"),
)
"""How merchants type on a phone, rewritten to the words the catalogue knows: colloquial zh
(咋整, 啥), abbreviations (客单, UV, MTD, yday) and common typos (渠到)."""
