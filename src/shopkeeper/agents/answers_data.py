"""Templated answers for the data skills (stock, products, customers, ads, service, orders…).

Each renderer reads the skill's result (as its JSON dump, so a renderer never reaches into a
skill's internals), quotes the figures the merchant asked for, lists the first rows, and ends with
the skill's own recommendations. :func:`register` adds them to :data:`answers.RENDERERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from shopkeeper.agents.fmt import money, pct

Row = dict[str, Any]
ROWS = 5


def _d(result: Any) -> Row:
    return result.model_dump(mode="json") if isinstance(result, BaseModel) else dict(result)


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"


def _change(value: Any) -> str:
    return "" if value is None else f"（{value:+.1f}%）"


def _tail(d: Row, lang: str) -> list[str]:
    lines = []
    recs = [r.get("text") for r in d.get("recommendations") or [] if r.get("text")]
    if recs:
        lines.append(_t(lang, "建议：", "Recommended:"))
        lines += [f"- {r}" for r in recs[:3]]
    if d.get("note"):
        lines.append(str(d["note"]))
    if d.get("missing"):
        lines.append(_t(lang, "缺少数据：", "Missing data: ") + ", ".join(d["missing"]))
    return lines


def _join(head: str, rows: list[str], d: Row, lang: str) -> str:
    return "\n".join([head, *rows[:ROWS], *_tail(d, lang)])


def stock(result: Any, lang: str) -> str:
    """The answer for `stock` results."""
    d = _d(result)
    s = d.get("summary") or {}
    head = _t(
        lang,
        f"截至 {d.get('as_of')}：{s.get('skus', 0)} 个 SKU，断货 {s.get('out_of_stock', 0)} 个，"
        f"即将断货 {s.get('at_risk', 0)} 个，积压 {s.get('overstock', 0)} 个，无销量 {s.get('no_sales', 0)} 个；"
        f"建议补货 {s.get('to_replenish', 0)} 个 SKU 共 {s.get('units_to_order', 0)} 件。",
        f"As of {d.get('as_of')}: {s.get('skus', 0)} SKUs, {s.get('out_of_stock', 0)} out of stock, "
        f"{s.get('at_risk', 0)} at risk, {s.get('overstock', 0)} overstocked, {s.get('no_sales', 0)} not selling; "
        f"reorder {s.get('units_to_order', 0)} units across {s.get('to_replenish', 0)} SKUs.",
    )
    rows = [
        _t(
            lang,
            f"- {r['title']}（{r['sku_id']}）：可售 {r['available']}，在途 {r.get('in_transit', 0)}，"
            f"日均 {_num(r.get('avg_daily_units'))} 件，可卖 {_num(r.get('days_of_cover'))} 天，建议补 {r.get('reorder_qty', 0)} 件",
            f"- {r['title']} ({r['sku_id']}): {r['available']} available, {r.get('in_transit', 0)} in transit, "
            f"{_num(r.get('avg_daily_units'))}/day, {_num(r.get('days_of_cover'))} days of cover, reorder {r.get('reorder_qty', 0)}",
        )
        for r in (d.get("at_risk") or []) + (d.get("overstock") or [])
    ]
    return _join(head, rows, d, lang)


def products(result: Any, lang: str) -> str:
    """The answer for `products` results."""
    d = _d(result)
    low = set(d.get("low_conversion") or [])
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：店铺转化率中位数 {pct(d.get('median_conversion_rate'))}，"
        f"转化偏低的商品 {len(low)} 个。",
        f"{d.get('start')} to {d.get('end')}: median conversion {pct(d.get('median_conversion_rate'))}; "
        f"{len(low)} listings convert clearly below it.",
    )
    items = sorted(d.get("products") or [], key=lambda r: r["product_id"] not in low)
    rows = [
        _t(
            lang,
            f"- {'⚠ ' if r['product_id'] in low else ''}{r['title']}：访客 {_num(r.get('visitors'))}，转化率 {pct(r.get('conversion_rate'))}，"
            f"{r.get('orders', 0)} 单，成交 {money(r.get('gmv'))}{_change(r.get('gmv_change_pct'))}，退款率 {pct(r.get('refund_rate'))}",
            f"- {'⚠ ' if r['product_id'] in low else ''}{r['title']}: {_num(r.get('visitors'))} visitors, conversion {pct(r.get('conversion_rate'))}, "
            f"{r.get('orders', 0)} orders, GMV {money(r.get('gmv'))}{_change(r.get('gmv_change_pct'))}, refunds {pct(r.get('refund_rate'))}",
        )
        for r in items
    ]
    return _join(head, rows, d, lang)


def keywords(result: Any, lang: str) -> str:
    """The answer for `keywords` results."""
    d = _d(result)
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：{d.get('keywords', 0)} 个搜索词带来 {_num(d.get('visitors'))} 访客、{_num(d.get('buyers'))} 买家。成交最多的词：",
        f"{d.get('start')} to {d.get('end')}: {d.get('keywords', 0)} search terms brought {_num(d.get('visitors'))} visitors and {_num(d.get('buyers'))} buyers. Top terms by buyers:",
    )
    rows = [
        _t(
            lang,
            f"- {r['keyword']}：访客 {_num(r.get('visitors'))}{_change(r.get('visitors_change_pct'))}，买家 {r.get('buyers', 0)}，转化率 {pct(r.get('conversion_rate'))}",
            f"- {r['keyword']}: {_num(r.get('visitors'))} visitors{_change(r.get('visitors_change_pct'))}, {r.get('buyers', 0)} buyers, conversion {pct(r.get('conversion_rate'))}",
        )
        for r in d.get("top_by_buyers") or []
    ]
    return _join(head, rows, d, lang)


def bundles(result: Any, lang: str) -> str:
    """The answer for `bundles` results."""
    d = _d(result)
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：{_num(d.get('baskets'))} 笔订单，其中 {_num(d.get('multi_item_baskets'))} 笔买了多件商品。",
        f"{d.get('start')} to {d.get('end')}: {_num(d.get('baskets'))} orders, {_num(d.get('multi_item_baskets'))} with several items.",
    )
    rows = []
    for r in d.get("rules") or []:
        lhs = " + ".join(str(x.get("title") or x.get("id")) for x in r.get("antecedents") or [])
        rhs = " + ".join(str(x.get("title") or x.get("id")) for x in r.get("consequents") or [])
        rows.append(
            _t(
                lang,
                f"- 买 {lhs} 的人 {pct(r.get('confidence'))} 也买 {rhs}（提升度 {_num(r.get('lift'), 2)}，{r.get('orders', '')} 单）",
                f"- {pct(r.get('confidence'))} of buyers of {lhs} also buy {rhs} (lift {_num(r.get('lift'), 2)}, {r.get('orders', '')} orders)",
            )
        )
    return _join(head, rows, d, lang)


def segments(result: Any, lang: str) -> str:
    """The answer for `segments` results."""
    d = _d(result)
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：{_num(d.get('customers'))} 位客户，复购率 {pct(d.get('repeat_rate'))}，"
        f"客单价 {money(d.get('avg_order_value'), d.get('currency', ''))}；近期买家中新客 {_num(d.get('new_buyers'))}、老客 {_num(d.get('returning_buyers'))}。",
        f"{d.get('start')} to {d.get('end')}: {_num(d.get('customers'))} customers, repeat rate {pct(d.get('repeat_rate'))}, "
        f"AOV {money(d.get('avg_order_value'), d.get('currency', ''))}; recent buyers: {_num(d.get('new_buyers'))} new, {_num(d.get('returning_buyers'))} returning.",
    )
    rows = [
        _t(
            lang,
            f"- {r['label']}：{_num(r.get('customers'))} 人（{pct(r.get('share_of_customers'))}），贡献 {pct(r.get('share_of_gmv'))} 成交 → {r.get('suggested_action', '')}",
            f"- {r['label']}: {_num(r.get('customers'))} ({pct(r.get('share_of_customers'))}), {pct(r.get('share_of_gmv'))} of GMV → {r.get('suggested_action', '')}",
        )
        for r in d.get("segments") or []
    ]
    return "\n".join([head, *rows[:8], *_tail({**d, "recommendations": []}, lang)])


def ads(result: Any, lang: str) -> str:
    """The answer for `ads` results."""
    d = _d(result)
    cur = d.get("currency", "")
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：广告花费 {money(d.get('spend'), cur)}，带来成交 {money(d.get('gmv'), cur)}，"
        f"ROI {_num(d.get('roi'), 2)}，点击 {_num(d.get('clicks'))}，转化 {_num(d.get('conversions'))}。",
        f"{d.get('start')} to {d.get('end')}: ad spend {money(d.get('spend'), cur)}, GMV {money(d.get('gmv'), cur)}, "
        f"ROI {_num(d.get('roi'), 2)}, {_num(d.get('clicks'))} clicks, {_num(d.get('conversions'))} conversions.",
    )
    rows = [
        _t(
            lang,
            f"- {r['campaign_name']}（{r['campaign_id']}）：花费 {money(r.get('spend'), cur)}，ROI {_num(r.get('roi'), 2)}（目标 {_num(r.get('target_roi'), 2)}）",
            f"- {r['campaign_name']} ({r['campaign_id']}): spend {money(r.get('spend'), cur)}, ROI {_num(r.get('roi'), 2)} (target {_num(r.get('target_roi'), 2)})",
        )
        for r in d.get("campaigns") or []
    ]
    return _join(head, rows, d, lang)


def refunds(result: Any, lang: str) -> str:
    """The answer for `refunds` results."""
    d = _d(result)
    cur = d.get("currency", "")
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：售后 {d.get('cases', 0)} 单，金额 {money(d.get('amount'), cur)}，"
        f"退款率 {pct(d.get('refund_rate'))}（上期 {pct(d.get('refund_rate_prev'))}），未结 {d.get('open_cases', 0)} 单。主要原因：",
        f"{d.get('start')} to {d.get('end')}: {d.get('cases', 0)} after-sale cases, {money(d.get('amount'), cur)}, "
        f"refund rate {pct(d.get('refund_rate'))} (before: {pct(d.get('refund_rate_prev'))}), {d.get('open_cases', 0)} open. Top reasons:",
    )
    rows = [
        _t(
            lang,
            f"- {r['reason']}：{r['cases']} 单（{pct(r.get('share'))}）",
            f"- {r['reason']}: {r['cases']} cases ({pct(r.get('share'))})",
        )
        for r in d.get("by_reason") or []
    ]
    return _join(head, rows, d, lang)


def reviews(result: Any, lang: str) -> str:
    """The answer for `reviews` results."""
    d = _d(result)
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：{d.get('reviews', 0)} 条评价，平均 {_num(d.get('avg_rating'), 2)} 分，"
        f"差评 {d.get('negative', 0)} 条（{pct(d.get('negative_share'))}，上期 {pct(d.get('negative_share_prev'))}），未回复差评 {d.get('unreplied_negative', 0)} 条。差评集中在：",
        f"{d.get('start')} to {d.get('end')}: {d.get('reviews', 0)} reviews, average {_num(d.get('avg_rating'), 2)}, "
        f"{d.get('negative', 0)} negative ({pct(d.get('negative_share'))}, before {pct(d.get('negative_share_prev'))}), {d.get('unreplied_negative', 0)} unanswered. Main complaints:",
    )
    rows = [
        _t(
            lang,
            f"- {r['label']}：{r['reviews']} 条（占差评 {pct(r.get('share_of_negative'))}）",
            f"- {r['label']}: {r['reviews']} reviews ({pct(r.get('share_of_negative'))} of negatives)",
        )
        for r in d.get("top_negative_topics") or []
    ]
    return _join(head, rows, d, lang)


def order(result: Any, lang: str) -> str:
    """The answer for `order` results."""
    d = _d(result)
    if not d.get("found"):
        return "\n".join([_t(lang, "没有找到这个订单。", "No such order."), *_tail(d, lang)])
    cur = d.get("currency", "")
    head = _t(
        lang,
        f"订单 {d['order_id']}：{d.get('status')}，实付 {money(d.get('pay_amount'), cur)}，下单 {d.get('created_at')}；"
        f"物流 {d.get('shipment') or '—'} {d.get('carrier') or ''} {d.get('tracking_no') or ''}".rstrip()
        + ("，已超时未发货" if d.get("overdue") else "")
        + (f"，售后：{d['refund_state']}" if d.get("refund_state") else "")
        + "。",
        f"Order {d['order_id']}: {d.get('status')}, paid {money(d.get('pay_amount'), cur)}, placed {d.get('created_at')}; "
        f"shipping {d.get('shipment') or '—'} {d.get('carrier') or ''} {d.get('tracking_no') or ''}".rstrip()
        + (", overdue to ship" if d.get("overdue") else "")
        + (f", after-sale: {d['refund_state']}" if d.get("refund_state") else "")
        + ".",
    )
    rows = [
        f"- {r['title']} ×{r['quantity']}：{money(r.get('paid_amount'), cur)}"
        for r in d.get("items") or []
    ]
    return _join(head, rows, d, lang)


def shipping(result: Any, lang: str) -> str:
    """The answer for `shipping` results."""
    d = _d(result)
    cur = d.get("currency", "")
    head = _t(
        lang,
        f"截至 {d.get('as_of')}：未发货 {d.get('unshipped', 0)} 单（{money(d.get('unshipped_value'), cur)}），"
        f"超过 {_num(d.get('promise_hours'))} 小时承诺的 {d.get('overdue', 0)} 单；平均 {_num(d.get('avg_hours_to_ship'))} 小时发货；"
        f"地址异常 {len(d.get('abnormal_addresses') or [])} 单。",
        f"As of {d.get('as_of')}: {d.get('unshipped', 0)} unshipped orders ({money(d.get('unshipped_value'), cur)}), "
        f"{d.get('overdue', 0)} past the {_num(d.get('promise_hours'))}-hour promise; {_num(d.get('avg_hours_to_ship'))} h to ship on average; "
        f"{len(d.get('abnormal_addresses') or [])} abnormal addresses.",
    )
    rows = [
        _t(
            lang,
            f"- 超时 {r['order_id']}：已付款 {_num(r.get('hours_since_payment'))} 小时",
            f"- overdue {r['order_id']}: paid {_num(r.get('hours_since_payment'))} h ago",
        )
        for r in d.get("overdue_orders") or []
    ][:3] + [
        _t(
            lang,
            f"- 地址 {r['order_id']}：{r.get('description', '')}",
            f"- address {r['order_id']}: {r.get('description', '')}",
        )
        for r in d.get("abnormal_addresses") or []
    ][:3]
    return "\n".join([head, *rows, *_tail(d, lang)])


def traffic(result: Any, lang: str) -> str:
    """The answer for `traffic` results."""
    d = _d(result)
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：访客 {_num(d.get('visitors'))}（上期 {_num(d.get('visitors_prev'))}，{_change(d.get('change_pct')).strip('（）') or '—'}），转化率 {pct(d.get('conversion_rate'))}。各渠道：",
        f"{d.get('start')} to {d.get('end')}: {_num(d.get('visitors'))} visitors (before {_num(d.get('visitors_prev'))}, {_change(d.get('change_pct')).strip('（）') or '—'}), conversion {pct(d.get('conversion_rate'))}. By source:",
    )
    rows = [
        _t(
            lang,
            f"- {r['source']}：{_num(r.get('visitors'))}{_change(r.get('change_pct'))}，占 {pct(r.get('share'))}，转化率 {pct(r.get('conversion_rate'))}（上期 {pct(r.get('conversion_rate_prev'))}）",
            f"- {r['source']}: {_num(r.get('visitors'))}{_change(r.get('change_pct'))}, {pct(r.get('share'))} of visitors, conversion {pct(r.get('conversion_rate'))} (before {pct(r.get('conversion_rate_prev'))})",
        )
        for r in d.get("sources") or []
    ]
    return _join(head, rows, d, lang)


def prices(result: Any, lang: str) -> str:
    """The answer for `prices` results."""
    d = _d(result)
    below = d.get("below_cost") or []
    skus = sorted(
        d.get("skus") or [],
        key=lambda r: r.get("margin_pct") if r.get("margin_pct") is not None else 1e9,
    )
    head = _t(
        lang,
        f"{d.get('start')} 至 {d.get('end')}：{len(below)} 个 SKU 售价低于成本，{len(d.get('far_above') or [])} 个商品明显贵于竞品。毛利最低的：",
        f"{d.get('start')} to {d.get('end')}: {len(below)} SKUs priced below cost, {len(d.get('far_above') or [])} listings far above competitors. Lowest margins:",
    )
    rows = [
        _t(
            lang,
            f"- {r['title']}（{r['sku_id']}）：售价 {money(r.get('price'))}，成本 {money(r.get('cost'))}，毛利率 {_num(r.get('margin_pct'))}%",
            f"- {r['title']} ({r['sku_id']}): price {money(r.get('price'))}, cost {money(r.get('cost'))}, margin {_num(r.get('margin_pct'))}%",
        )
        for r in skus
    ]
    return _join(head, rows, d, lang)


def forecast(result: Any, lang: str) -> str:
    """The answer for `forecast` results."""
    d = _d(result)
    units, gmv = d.get("store_units") or {}, d.get("store_gmv") or {}
    head = _t(
        lang,
        f"未来 {d.get('horizon_days')} 天预计卖 {_num(units.get('forecast_total'), 0)} 件（区间 {_num(units.get('lower'), 0)}–{_num(units.get('upper'), 0)}），"
        f"成交约 {money(gmv.get('forecast_total'), d.get('currency', ''))}（依据 {d.get('history_start')} 至 {d.get('history_end')} 的数据）。主要 SKU：",
        f"Next {d.get('horizon_days')} days: about {_num(units.get('forecast_total'), 0)} units (range {_num(units.get('lower'), 0)}–{_num(units.get('upper'), 0)}), "
        f"GMV about {money(gmv.get('forecast_total'), d.get('currency', ''))} (from {d.get('history_start')} to {d.get('history_end')}). Main SKUs:",
    )
    rows = [
        _t(
            lang,
            f"- {r.get('title') or r['id']}：{_num(r.get('forecast_total'), 0)} 件"
            + (f"，库存还差 {_num(r['stock_short_by'], 0)} 件" if r.get("stock_short_by") else ""),
            f"- {r.get('title') or r['id']}: {_num(r.get('forecast_total'), 0)} units"
            + (
                f", stock short by {_num(r['stock_short_by'], 0)}"
                if r.get("stock_short_by")
                else ""
            ),
        )
        for r in d.get("skus") or []
    ]
    return _join(head, rows, d, lang)


def approvals(result: Any, lang: str) -> str:
    """The answer for `approvals` results."""
    d = _d(result)
    rows = [
        f"- {a.get('action_id')} {a.get('action')} {a.get('params')}：{a.get('reason', '')}"
        for a in d.get("actions") or []
    ]
    head = _t(
        lang,
        f"有 {d.get('count', 0)} 个操作等你审批。",
        f"{d.get('count', 0)} actions wait for your approval.",
    )
    hint = _t(
        lang,
        "用 `shopkeeper approvals approve <id>` 批准。",
        "Approve with `shopkeeper approvals approve <id>`.",
    )
    return "\n".join([head, *rows[:10], *([hint] if rows else [])])


def proposal(result: Any, lang: str) -> str:
    """The answer for `proposal` results."""
    d = _d(result)
    words = {
        "auto_executed": ("已按规则自动执行", "executed automatically within policy"),
        "pending": (
            "超出自动执行范围，已提交等待你审批",
            "above the automatic limits: waiting for your approval",
        ),
        "refused": ("被规则拒绝", "refused by policy"),
        "invalid": ("无法提交", "could not be proposed"),
    }
    zh, en = words.get(str(d.get("decision")), (str(d.get("decision")), str(d.get("decision"))))
    action = d.get("action") or {}
    what = f"{action.get('action', '')} {action.get('params', '')}".strip()
    head = _t(lang, f"操作 {what}：{zh}。", f"Action {what}: {en}.")
    reasons = [f"- {r}" for r in d.get("reasons") or []]
    return "\n".join([head, *reasons])


def remembered(result: Any, lang: str) -> str:
    """The answer for `remembered` results."""
    d = _d(result)
    memory = d.get("memory") or {}
    text = memory.get("text") or d.get("text") or ""
    if not text:
        return "\n".join([_t(lang, "没有要记住的内容。", "Nothing to remember."), *_tail(d, lang)])
    return _t(lang, f"记住了：{text}", f"Remembered: {text}")


def recalled(result: Any, lang: str) -> str:
    """The answer for `recalled` results."""
    d = _d(result)
    items = d.get("memories") or []
    if not items:
        return _t(lang, "我还没有记住关于这个的内容。", "I have nothing remembered about that yet.")
    rows = [f"- [{m.get('kind', '')}] {m.get('text', '')}" for m in items]
    return "\n".join([_t(lang, "我记得：", "What I remember:"), *rows])


RENDERERS: dict[str, Callable[[Any, str], str]] = {
    "stock_status": stock,
    "product_performance": products,
    "keyword_analysis": keywords,
    "copurchase_bundles": bundles,
    "customer_segments": segments,
    "ads_performance": ads,
    "refund_summary": refunds,
    "review_summary": reviews,
    "order_status": order,
    "shipping_overview": shipping,
    "traffic_sources": traffic,
    "price_check": prices,
    "sales_forecast": forecast,
    "pending_approvals": approvals,
    "propose_action": proposal,
    "remember": remembered,
    "recall_memory": recalled,
}
"""The data skills' renderers, by skill name."""
