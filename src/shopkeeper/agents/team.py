"""The team: the store manager (AI 店长) and six employees, each a persona with its own skills and
memory scope.

An employee owns the skills whose tags name it (a skill tagged ``"ads"`` belongs to the marketing
operator); skills tagged ``"manager"`` (approvals, memory) belong to everyone. A skill with no
employee tag — from a pack that did not say — belongs to the data analyst.

>>> [e.name for e in EMPLOYEES]
['analyst', 'ads', 'audience', 'designer', 'cs', 'orders']
>>> employee("ads").title("zh")
'推广运营'
"""

from __future__ import annotations

from typing import get_args

from pydantic import BaseModel, ConfigDict

from shopkeeper.errors import ConfigError
from shopkeeper.ops.memory import EmployeeName as EmployeeName
from shopkeeper.skills.registry import Skill, SkillRegistry
from shopkeeper.text import pick

EMPLOYEE_NAMES: tuple[str, ...] = get_args(EmployeeName)


class Employee(BaseModel):
    """One AI employee."""

    model_config = ConfigDict(frozen=True)

    name: EmployeeName
    title_zh: str
    title_en: str
    scope_zh: str
    scope_en: str

    def title(self, lang: str) -> str:
        """The employee's title in ``lang``."""
        return pick(lang, self.title_zh, self.title_en)

    def scope(self, lang: str) -> str:
        """What the employee is responsible for, in ``lang``."""
        return pick(lang, self.scope_zh, self.scope_en)

    def owns(self, skill: Skill) -> bool:
        """Whether the skill is this employee's (``manager``-tagged skills — approvals, memory —
        are every employee's).
        """
        return self.owns_tags(skill.tags)

    def owns_tags(self, tags: tuple[str, ...]) -> bool:
        """Whether a skill with these tags is this employee's (see :meth:`owns`)."""
        if self.name in tags or "manager" in tags:
            return True
        return self.name == "analyst" and not set(tags) & set(EMPLOYEE_NAMES)

    def skill_names(self, registry: SkillRegistry) -> list[str]:
        """The names of the skills this employee owns (no skill module is imported)."""
        return [n for n in registry.names() if self.owns_tags(registry.tags(n))]

    def skills(self, registry: SkillRegistry) -> list[Skill]:
        """The skills this employee owns."""
        return [registry.get(n) for n in self.skill_names(registry)]

    def persona(self, lang: str, store: str) -> str:
        """The system prompt that makes a model this employee."""
        zh = (
            f"你是店铺「{store}」的{self.title_zh}，负责：{self.scope_zh}。"
            "只用你的工具查询数据，回答要引用工具返回的具体数字和问题编号，不要编造数字；"
            "会产生改动的操作只能提出建议（propose_action），由审批规则决定是否执行。用中文回答。"
        )
        en = (
            f"You are the {self.title_en} of the store {store!r}, responsible for: {self.scope_en}. "
            "Use only your tools for data; cite the exact numbers and finding ids they return and never "
            "invent numbers; changes can only be proposed (propose_action) and the approval policy "
            "decides whether they run. Answer in English."
        )
        return pick(lang, zh, en)


EMPLOYEES: tuple[Employee, ...] = (
    Employee(
        name="analyst",
        title_zh="数据分析师",
        title_en="data analyst",
        scope_zh="巡店、日报周报、销售和商品分析、流量、竞品、问题跟踪",
        scope_en="the store inspection, daily and weekly reports, sales, products, traffic, competitors",
    ),
    Employee(
        name="ads",
        title_zh="推广运营",
        title_en="marketing and ads operator",
        scope_zh="广告投放、出价和预算、关键词、定价",
        scope_en="advertising, bids and budgets, keywords, pricing",
    ),
    Employee(
        name="audience",
        title_zh="人群运营",
        title_en="audience operator",
        scope_zh="客户分群、复购、搭配购买和人群策略",
        scope_en="customer segments, repeat purchase, bundles and audience strategy",
    ),
    Employee(
        name="designer",
        title_zh="美工",
        title_en="designer",
        scope_zh="商品主图、标题和详情页质量、图片A/B测试",
        scope_en="product images, titles and listing quality, image A/B tests",
    ),
    Employee(
        name="cs",
        title_zh="客服助理（店小蜜）",
        title_en="customer-service assistant",
        scope_zh="评价、退款售后、买家反馈",
        scope_en="reviews, refunds and after-sale, buyer feedback",
    ),
    Employee(
        name="orders",
        title_zh="订单助理",
        title_en="order assistant",
        scope_zh="订单和物流、发货、地址检查、库存和补货",
        scope_en="orders and shipping, dispatch, address checks, stock and replenishment",
    ),
)


def employee(name: str) -> Employee:
    """An employee by name."""
    for e in EMPLOYEES:
        if e.name == name:
            return e
    raise ConfigError(f"no employee named {name!r}; the team is: {', '.join(EMPLOYEE_NAMES)}")
