"""The 40 common requests of docs/offline-requests.md, asked of the offline team on the demo store,
plus paraphrases that are not in the docs, out-of-scope requests and number checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.router import Router
from shopkeeper.agents.service import ask
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.skills.sales import Period, sales_summary
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO

DOC = Path(__file__).parents[2] / "docs" / "offline-requests.md"
ROW = re.compile(r"^\| (\d+) \| (.+?) \| ([a-z_, ]+) \|$")


def _requests() -> list[tuple[int, str, list[str]]]:
    rows = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    return [(int(m[1]), m[2], [s.strip() for s in m[3].split(",")]) for m in rows if m]


def test_the_doc_lists_forty_requests_in_both_languages() -> None:
    found = _requests()
    assert [n for n, _, _ in found] == list(range(1, 41))
    zh = [r for _, r, _ in found if re.search(r"[\u4e00-\u9fff]", r)]
    assert 10 <= len(zh) <= 30


@pytest.fixture(scope="module")
def ids(demo: Settings) -> dict[str, str]:
    with Warehouse.open(demo.store_dir(DEMO), read_only=True) as wh:
        one = lambda sql: str(wh.con.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "order_id": one("SELECT order_id FROM orders ORDER BY created_at DESC LIMIT 1"),
            "sku_id": one(
                "SELECT sku_id FROM products WHERE status = 'on_sale' ORDER BY sku_id LIMIT 1"
            ),
            "campaign_id": one("SELECT campaign_id FROM ad_campaigns ORDER BY campaign_id LIMIT 1"),
        }


@pytest.mark.parametrize(("n", "request_", "skills"), _requests(), ids=lambda v: str(v)[:24])
def test_each_common_request_is_answered_by_its_skills(
    demo: Settings, ids: dict[str, str], n: int, request_: str, skills: list[str]
) -> None:
    result = ask(app_context(demo), DEMO, request_.format(**ids))
    assert result.skills == skills, result.decision
    assert result.status == "ok"
    assert len(result.answer) > 20
    assert "没能完成" not in result.answer, result.answer
    assert "Could not do it" not in result.answer, result.answer
    zh = bool(re.search(r"[\u4e00-\u9fff]", request_))
    assert result.answer.rstrip().splitlines()[-1].startswith("依据：" if zh else "Sources: ")


@pytest.fixture(scope="module")
def router(demo: Settings) -> Router:
    return Router(load_registry(), cache_dir=demo.home / "cache")


PARAPHRASES = [
    ("店里今天有没有什么异常", "inspect_store"),
    ("帮我巡个店", "inspect_store"),
    ("any issues I should fix in the shop?", "inspect_store"),
    ("前天到昨天一共成交了多少", "sales_summary"),
    ("这周营业额多少", "sales_summary"),
    ("how were sales over the past 14 days", "sales_summary"),
    ("本月最畅销的是哪几款", "top_products"),
    ("what sold best last week", "top_products"),
    ("出一份今天的经营日报", "daily_report"),
    ("周报发我一下", "weekly_report"),
    ("哪些SKU库存不够了要补货", "stock_status"),
    ("what do I need to reorder", "stock_status"),
    ("哪些商品有流量但转化很差", "product_performance"),
    ("访客主要从哪些渠道进来", "traffic_sources"),
    ("搜索词里哪些在涨", "keyword_analysis"),
    ("什么商品适合做组合套装", "copurchase_bundles"),
    ("老客户占比多少", "customer_segments"),
    ("which customers might churn", "customer_segments"),
    ("推广计划哪个在亏钱", "ads_performance"),
    ("is my ad spend paying off", "ads_performance"),
    ("退货的原因都有哪些", "refund_summary"),
    ("差评主要集中在哪些问题", "review_summary"),
    ("还有多少单没发出去", "shipping_overview"),
    ("哪些SKU的利润率偏低", "price_check"),
    ("有哪些待我批准的操作", "pending_approvals"),
    ("下个月大概能卖多少", "sales_forecast"),
]


@pytest.mark.parametrize(("text", "skill"), PARAPHRASES)
def test_paraphrases_route_to_the_right_skill(router: Router, text: str, skill: str) -> None:
    if skill not in router.registry:
        pytest.skip(f"{skill} is not registered")
    routed = router.route(text)
    assert [r.intent.skill for r in routed] == [skill], [
        (s.intent.name, round(s.similarity, 3), s.keywords) for s in router.score(text)[:3]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "写一首关于大海的诗",
        "明天北京天气怎么样",
        "tell me a joke",
        "what is the capital of France",
        "What's Apple's stock price today?",
    ],
)
def test_out_of_scope_requests_get_an_honest_answer_with_suggestions(
    demo: Settings, text: str
) -> None:
    result = ask(app_context(demo), DEMO, text)
    assert result.skills == []
    assert result.decision is not None
    assert result.decision.decision == "cannot_help"
    assert len(result.decision.suggestions) >= 3
    assert all(s in result.answer for s in result.decision.suggestions)


def test_the_sales_answer_quotes_the_skill_numbers(demo: Settings) -> None:
    expected = sales_summary(SkillContext(demo, DEMO), Period(days=30))
    result = ask(app_context(demo), DEMO, "最近30天卖了多少")
    assert f"{expected.gmv:,.2f}" in result.answer
    assert f"{expected.orders} 笔" in result.answer
    assert str(expected.start) in result.answer
    assert str(expected.end) in result.answer


def test_the_answer_follows_the_question_language_or_the_flag(demo: Settings) -> None:
    en = ask(app_context(demo), DEMO, "sales last week")
    assert "orders" in en.answer
    assert "订单" not in en.answer
    zh = ask(app_context(demo), DEMO, "sales last week", lang="zh")
    assert "订单" in zh.answer


def test_slots_reach_the_skill(demo: Settings) -> None:
    result = ask(app_context(demo), DEMO, "销量前3的商品，最近14天")
    assert result.sources[0].arguments == {"days": 14, "by": "units", "limit": 3}
    assert len(re.findall(r"^\d\. ", result.answer, re.M)) == 3


def test_the_offline_model_is_deterministic(demo: Settings) -> None:
    model = OfflineModel(demo)
    a = model.decide("帮我准备双11：查库存风险、找转化差的商品、给投放建议", "zh")
    b = model.decide("帮我准备双11：查库存风险、找转化差的商品、给投放建议", "zh")
    assert a == b
    assert len(a.steps) >= 2


@pytest.mark.parametrize("text", ["谢谢", "hello", "你好", "thanks!"])
def test_greetings_and_thanks_get_a_short_friendly_reply(demo: Settings, text: str) -> None:
    result = ask(app_context(demo), DEMO, text)
    assert result.skills == []
    assert result.decision is not None
    assert result.decision.decision == "reply"
    assert result.answer == result.decision.reason
    assert 0 < len(result.answer) < 120
