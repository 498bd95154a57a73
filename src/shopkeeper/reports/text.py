"""The reports' messages (catalogue entries, looked up with :func:`shopkeeper.text.t`) and titles.

>>> t("report.daily", "en"), t("report.daily", "zh")
('Daily report', '日报')
>>> kpi_label("ship_on_time", "zh", hours=48)
'48 小时发货率'
"""

from __future__ import annotations

from shopkeeper.text import messages, pick, t

STRINGS = messages(
    {
        # titles
        "report.daily": ("日报", "Daily report"),
        "report.weekly": ("周报", "Weekly report"),
        "report.inspection": ("巡店报告", "Store inspection"),
        "role.owner": ("老板视角", "Owner view"),
        "role.ops": ("运营视角", "Operations view"),
        "role.cs": ("客服视角", "Customer service view"),
        "role.ads": ("推广视角", "Ads view"),
        "cmp.daily.previous": ("较前一天", "vs previous day"),
        "cmp.daily.baseline": ("较上周同日", "vs same day last week"),
        "cmp.weekly.previous": ("较上周", "week over week"),
        "cmp.weekly.baseline": ("较前四周均值", "vs 4-week average"),
        "cmp.short.daily.previous": ("日环比", "DoD"),
        "cmp.short.daily.baseline": ("周同比", "vs LW"),
        "cmp.short.weekly.previous": ("周环比", "WoW"),
        "cmp.short.weekly.baseline": ("四周均值", "vs 4w avg"),
        # sections
        "sec.kpis": ("核心指标", "Key figures"),
        "sec.decisions": ("今天要拍板的三件事", "Three decisions to make"),
        "sec.findings": ("巡店发现", "What the inspection found"),
        "sec.movers": ("涨跌商品", "Products rising and falling"),
        "sec.rising": ("上涨", "Rising"),
        "sec.falling": ("下跌", "Falling"),
        "sec.trend": ("近 30 天走势", "Last 30 days"),
        "sec.funnel": ("转化漏斗", "Conversion funnel"),
        "sec.plan": ("下周计划", "Plan for the coming week"),
        "sec.stock": ("库存", "Stock"),
        "sec.shipping": ("发货", "Shipping"),
        "sec.listings": ("商品", "Listings"),
        "sec.refunds": ("退款售后", "Refunds"),
        "sec.reviews": ("评价", "Reviews"),
        "sec.chat": ("客户咨询", "Customer chats"),
        "sec.campaigns": ("推广计划", "Ad campaigns"),
        "sec.missing": ("缺少数据的部分", "Sections without data"),
        "sec.promotions": ("即将开始的活动", "Upcoming promotions"),
        # KPI labels
        "kpi.gmv": ("支付金额", "GMV"),
        "kpi.orders": ("支付订单", "Orders"),
        "kpi.buyers": ("支付买家", "Buyers"),
        "kpi.units": ("销售件数", "Units sold"),
        "kpi.aov": ("客单价", "Avg order value"),
        "kpi.visitors": ("访客数", "Visitors"),
        "kpi.conversion": ("转化率", "Conversion"),
        "kpi.add_to_cart_rate": ("加购率", "Add-to-cart rate"),
        "kpi.refund_rate": ("退款率", "Refund rate"),
        "kpi.refund_cases": ("售后单", "Refund cases"),
        "kpi.refund_amount": ("退款金额", "Refunded"),
        "kpi.ad_spend": ("推广花费", "Ad spend"),
        "kpi.ad_gmv": ("推广成交", "Ad GMV"),
        "kpi.roi": ("推广 ROI", "Ad ROI"),
        "kpi.clicks": ("点击量", "Clicks"),
        "kpi.cpc": ("平均点击花费", "Cost per click"),
        "kpi.ad_share": ("推广成交占比", "Ad share of GMV"),
        "kpi.ship_on_time": ("{hours} 小时发货率", "Shipped within {hours} h"),
        "kpi.avg_rating": ("平均评分", "Avg rating"),
        "kpi.low_ratings": ("差评数", "Low ratings"),
        "kpi.conversations": ("咨询会话", "Chats"),
        # funnel and charts
        "funnel.visitors": ("访客", "Visitors"),
        "funnel.add_to_cart": ("加购", "Added to cart"),
        "funnel.buyers": ("支付买家", "Buyers"),
        "chart.gmv": ("支付金额", "GMV"),
        "chart.orders": ("订单", "Orders"),
        "chart.visitors": ("访客", "Visitors"),
        "chart.ad_spend": ("推广花费", "Ad spend"),
        "chart.refunds": ("售后单", "Refund cases"),
        "chart.change": ("支付金额变化", "GMV change"),
        "chart.roi": ("推广 ROI", "Ad ROI"),
        "chart.target": ("目标", "target"),
        # reasons of movers
        "reason.traffic": ("流量{dir}", "traffic {dir}"),
        "reason.traffic_source": (
            "流量{dir}（{source} {ratio}）",
            "traffic {dir} ({source} {ratio})",
        ),
        "reason.conversion": ("转化率{dir}", "conversion {dir}"),
        "reason.order_value": ("客单价{dir}", "order value {dir}"),
        "reason.stock": ("已断货", "out of stock"),
        "reason.unknown": ("无流量数据，原因未知", "no traffic data to tell why"),
        "src.search": ("搜索", "search"),
        "src.recommend": ("推荐", "recommendations"),
        "src.ads": ("付费推广", "ads"),
        "src.live": ("直播", "live"),
        "src.direct": ("直接访问", "direct"),
        "src.external": ("站外", "external"),
        "src.social": ("社交媒体", "social"),
        "src.email": ("邮件", "email"),
        "dir.up": ("上升", "up"),
        "dir.down": ("下降", "down"),
        "basis.daily": ("与前 7 天日均相比", "against the average day of the 7 days before"),
        "basis.weekly": ("与上周相比", "against the week before"),
        # sections' words
        "stock.on_sale": ("在售 SKU", "SKUs on sale"),
        "stock.out": ("断货", "out of stock"),
        "stock.low": ("库存不足 7 天", "under 7 days of cover"),
        "stock.value": ("库存货值", "stock value"),
        "stock.cover": ("可售天数", "days of cover"),
        "stock.available": ("可用库存", "available"),
        "stock.daily": ("日均销量", "sold per day"),
        "ship.due": ("应发货订单", "orders due to ship"),
        "ship.on_time": ("按时发出", "shipped on time"),
        "ship.late": ("超时", "late"),
        "ship.overdue_now": ("当前超时未发", "overdue and still unshipped"),
        "ship.avg_hours": ("平均发货时长", "average time to ship"),
        "list.on_sale": ("在售商品", "listings on sale"),
        "list.selling": ("有成交", "with sales"),
        "list.top": ("成交前五商品", "Top 5 listings by GMV"),
        "refund.cases": ("售后单", "cases"),
        "refund.amount": ("金额", "amount"),
        "refund.reasons": ("主要原因", "Top reasons"),
        "review.count": ("新增评价", "new reviews"),
        "review.avg": ("平均分", "average"),
        "review.low": ("差评（≤2 星）", "low (≤2 stars)"),
        "review.unreplied": ("未回复差评", "low ratings unanswered"),
        "review.recent": ("最近的差评", "Recent low ratings"),
        "chat.conversations": ("咨询会话", "conversations"),
        "chat.messages": ("顾客消息", "customer messages"),
        "chat.topics": ("顾客最常问", "What customers ask most"),
        "camp.spend": ("花费", "spend"),
        "camp.gmv": ("成交", "GMV"),
        "camp.roi": ("ROI", "ROI"),
        "camp.target": ("目标 ROI", "target ROI"),
        "camp.budget": ("预算使用", "budget used"),
        "camp.below": ("低于目标的计划", "campaigns below target"),
        "camp.top": ("表现最好", "Best campaigns"),
        "camp.bottom": ("表现最差", "Worst campaigns"),
        "camp.name": ("计划", "Campaign"),
        # generic
        "col.product": ("商品", "Product"),
        "col.change": ("变化", "Change"),
        "col.reason": ("原因", "Why"),
        "col.gmv": ("支付金额", "GMV"),
        "col.orders": ("订单", "Orders"),
        "col.visitors": ("访客", "Visitors"),
        "col.conversion": ("转化率", "Conversion"),
        "col.at_stake": ("涉及金额", "At stake"),
        "col.count": ("次数", "Count"),
        "col.share": ("占比", "Share"),
        "target": ("目标", "target"),
        "no_data": ("暂无数据", "No data"),
        "includes": ("含{names}", "incl. {names}"),
        "table.traffic": ("流量数据", "traffic data"),
        "table.refunds": ("售后数据", "refund data"),
        "table.ad_campaigns": ("推广数据", "ad campaign data"),
        "table.orders.shipped_at": ("发货时间", "ship times"),
        "table.reviews": ("评价数据", "reviews"),
        "table.messages": ("客服聊天记录", "chat logs"),
        "table.inventory": ("库存数据", "inventory data"),
        "table.promotions": ("活动数据", "promotions"),
        "no_findings": ("没有发现需要处理的问题。", "Nothing needs your attention."),
        "no_movers": ("没有明显涨跌的商品。", "No product moved much."),
        "no_decisions": ("今天没有需要拍板的事。", "Nothing to decide today."),
        "more_findings": ("另有 {n} 条发现，见完整报告", "{n} more findings in the full report"),
        "not_checked": ("未检查", "Not checked"),
        "generated": ("生成于 {at} · 生意管家", "Generated {at} · Shopkeeper"),
        "at_stake": ("涉及 {money}", "{money} at stake"),
        "todo": ("建议", "What to do"),
        "none": ("无", "none"),
        "why": ("依据", "Why"),
        "sev.high": ("紧急", "High"),
        "sev.medium": ("本周", "Medium"),
        "sev.low": ("关注", "Low"),
        "dismissed": ("另有 {n} 条已忽略", "{n} dismissed"),
        "missing": ("缺少{tables}", "Missing {tables}"),
        "promo.starts": (
            "{name}：{start} 开始（{days} 天后）",
            "{name}: starts {start} (in {days} days)",
        ),
    }
)


def missing_text(tables: list[str], lang: str) -> str:
    """What data is missing, for a merchant (the table names in brackets, for whoever imports).

    >>> missing_text(["traffic"], "zh"), missing_text(["traffic", "refunds"], "en")
    ('缺少流量数据（traffic）', 'Missing traffic data (traffic), refund data (refunds)')
    """

    def one(table: str) -> str:
        label = t(f"table.{table}", lang) if f"table.{table}" in STRINGS else table
        return pick(lang, f"{label}（{table}）", f"{label} ({table})")

    return t("missing", lang, tables=pick(lang, "、", ", ").join(one(x) for x in tables))


def source_label(source: str, lang: str) -> str:
    """A traffic source's name (unknown sources as they are)."""
    return t(f"src.{source}", lang) if f"src.{source}" in STRINGS else source


def kpi_label(key: str, lang: str, *, hours: float = 48) -> str:
    """A KPI's name as a merchant reads it."""
    return t(f"kpi.{key}", lang, hours=f"{hours:g}")


def common_brand(titles: list[str]) -> str | None:
    """The first word most titles share (a shop's brand), if at least 60% of 3+ titles start with it.

    >>> common_brand(["山谷豆仓 挂耳", "山谷豆仓 咖啡豆", "木岩 磨豆机"])
    '山谷豆仓'
    """
    firsts = [t.split(maxsplit=1)[0] for t in titles if len(t.split(maxsplit=1)) == 2]
    if len(firsts) < 3:
        return None
    word = max(sorted(set(firsts)), key=firsts.count)
    return word if firsts.count(word) >= 0.6 * len(firsts) and len(word) <= 16 else None


def short_title(title: str, width: int, brand: str | None = None) -> str:
    """A title without the shop's brand word, cut to about ``width`` columns."""
    if brand and title.startswith(brand + " "):
        title = title[len(brand) + 1 :]
    return truncate(title, width)


def truncate(text: str, width: int) -> str:
    """Cut a title to about ``width`` columns (a CJK character counts two).

    >>> truncate("山谷豆仓 经典意式拼配咖啡豆 深烘焙", 16)
    '山谷豆仓 经典意…'
    """
    widths = [2 if ord(ch) > 0x2E80 else 1 for ch in text]
    if sum(widths) <= width:
        return text
    out, used = "", 0
    for ch, w in zip(text, widths, strict=True):
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out.rstrip() + "…"
