"""The merchant's rules the action policy can enforce, parsed from rule memories when stored.

A rule memory (``memory add "价格不能低于成本的1.2倍" --kind rule``) is read here, in Chinese or
English, into one typed limit: a price floor against the current price (a maximum discount, "不做
低于5折的促销", "never more than 30% off"), against the unit cost ("不能低于成本的1.2倍", "never
below 1.2x cost") or absolute ("不低于50元", "never below $50"), or a cap on a campaign's daily
budget ("日预算不超过500", "daily budget never above 500"). :func:`shopkeeper.ops.policy.decide`
refuses an action against one and cites the rule; a rule none of these patterns fits is kept as a
note, and :func:`enforcement` says so when it is stored.

>>> parse_rule("价格不能低于成本的1.2倍")
PriceFloor(basis='cost', value=1.2)
>>> parse_rule("Never discount more than 30% off"), parse_rule("不做低于5折的促销")
(PriceFloor(basis='price', value=0.7), PriceFloor(basis='price', value=0.5))
>>> parse_rule("daily budget never above 500"), parse_rule("售价不低于39.9元")
(BudgetCap(max_daily_budget=500.0), PriceFloor(basis='absolute', value=39.9))
>>> parse_rule("周末不上新") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from shopkeeper.ops.memory import Memory
from shopkeeper.text import Lang, pick

_N = r"(\d+(?:\.\d+)?)"
_CUR = r"[¥￥$€£]?\s*"
_ZH_COST = re.compile(rf"成本(?:价)?的?\s*{_N}\s*倍")
_EN_COST = re.compile(rf"{_N}\s*(?:x|×|times)\s*(?:the\s+)?(?:unit\s+)?cost", re.I)
_ZH_ZHE = re.compile(rf"(?:低于|不低于|不能低于|不得低于|最低|最多打)\s*{_N}\s*折|{_N}\s*折以下")
_ZH_PCT = re.compile(
    rf"(?:折扣|降价|打折|优惠)\D{{0,6}}(?:不超过|不能超过|不得超过|最多)\s*{_N}\s*%"
)
_EN_BELOW = re.compile(rf"(?:below|under|less than)\s*{_N}\s*%\s*of", re.I)
_EN_OFF = re.compile(
    rf"(?:more than|deeper than|over|beyond|exceed(?:ing)?|max(?:imum)?(?: of)?)\s*{_N}\s*%\s*(?:off|discount)",
    re.I,
)
_ZH_BUDGET = re.compile(
    rf"预算\D{{0,8}}?(?:不超过|不能超过|不得超过|不要超过|最多|上限|不高于|封顶)\s*{_CUR}{_N}"
)
_EN_BUDGET = re.compile(
    rf"budget\D{{0,30}}?(?:above|over|more than|exceed(?:ing)?|max(?:imum)?(?: of)?|at most|cap(?:ped)? at)\s*{_CUR}{_N}",
    re.I,
)
_EN_MAX_BUDGET = re.compile(
    rf"(?:max(?:imum)?|at most)\s+(?:daily\s+)?budget\s*(?:of|is|:|=)?\s*{_CUR}{_N}", re.I
)
_ZH_PRICE_ABS = re.compile(
    rf"(?:价|价格)\D{{0,6}}?(?:不能|不得|不要|不)?低于\s*{_CUR}{_N}\s*(?:元|块)?(?![\d.折倍%])"
)
_EN_PRICE_ABS = re.compile(rf"price\D{{0,30}}?(?:below|under|less than)\s*[$¥€£]\s*{_N}", re.I)


class PriceFloor(BaseModel):
    """A price may not go below ``value`` × the current price (``basis="price"``), ``value`` × the
    unit cost (``"cost"``), or ``value`` itself (``"absolute"``).
    """

    basis: Literal["price", "cost", "absolute"]
    value: float

    def __repr__(self) -> str:
        return f"PriceFloor(basis={self.basis!r}, value={self.value:g})"

    def floor(self, price: float | None, cost: float | None) -> float | None:
        """The lowest allowed price, or None when the basis is unknown."""
        if self.basis == "absolute":
            return self.value
        base = price if self.basis == "price" else cost
        return round(self.value * base, 2) if base else None

    def describe(self, lang: Lang) -> str:
        """What the policy enforces, in ``lang``."""
        if self.basis == "cost":
            return pick(
                lang,
                f"低于成本 × {self.value:g} 的调价会被拒绝",
                f"a price under cost × {self.value:g} is refused",
            )
        if self.basis == "absolute":
            return pick(
                lang,
                f"低于 {self.value:g} 的调价会被拒绝",
                f"a price under {self.value:g} is refused",
            )
        return pick(
            lang,
            f"低于当前价 {self.value:.0%} 的调价会被拒绝",
            f"a price under {self.value:.0%} of the current price is refused",
        )


class BudgetCap(BaseModel):
    """A campaign's daily budget may not go above ``max_daily_budget``."""

    max_daily_budget: float

    def __repr__(self) -> str:
        return f"BudgetCap(max_daily_budget={self.max_daily_budget!r})"

    def describe(self, lang: Lang) -> str:
        """What the policy enforces, in ``lang``."""
        return pick(
            lang,
            f"日预算高于 {self.max_daily_budget:g} 的调整会被拒绝",
            f"a daily budget above {self.max_daily_budget:g} is refused",
        )


Limit = PriceFloor | BudgetCap


def parse_rule(text: str) -> Limit | None:
    """The limit a rule states, or None when the policy cannot enforce it."""
    if hit := _ZH_COST.search(text) or _EN_COST.search(text):
        return PriceFloor(basis="cost", value=float(hit.group(1)))
    if hit := _ZH_ZHE.search(text):
        value = float(hit.group(1) or hit.group(2))
        return PriceFloor(basis="price", value=value / 10 if value > 1 else value)
    if hit := _EN_BELOW.search(text):
        return PriceFloor(basis="price", value=float(hit.group(1)) / 100)
    if hit := _ZH_PCT.search(text) or _EN_OFF.search(text):
        return PriceFloor(basis="price", value=round(1 - float(hit.group(1)) / 100, 4))
    if hit := _ZH_BUDGET.search(text) or _EN_BUDGET.search(text) or _EN_MAX_BUDGET.search(text):
        return BudgetCap(max_daily_budget=float(hit.group(1)))
    if hit := _ZH_PRICE_ABS.search(text) or _EN_PRICE_ABS.search(text):
        return PriceFloor(basis="absolute", value=float(hit.group(1)))
    return None


class StoredRule(BaseModel):
    """A limit and the rule memory that states it (cited when the policy applies it)."""

    limit: Limit
    memory_id: str
    text: str


def store_rules(items: Sequence[Memory]) -> list[StoredRule]:
    """The enforceable limits among ``items`` (rule memories only)."""
    rules = []
    for m in items:
        if m.kind == "rule" and (limit := parse_rule(m.text)) is not None:
            rules.append(StoredRule(limit=limit, memory_id=m.memory_id, text=m.text))
    return rules


def enforcement(memory: Memory, lang: Lang) -> str | None:
    """What storing ``memory`` means for the policy, in ``lang`` (None unless it is a rule)."""
    if memory.kind != "rule":
        return None
    limit = parse_rule(memory.text)
    if limit is None:
        return pick(
            lang,
            "已作为备注记下；这条规则策略无法自动执行，提案时不会据此拦截。",
            "Stored as a note; the policy cannot enforce it.",
        )
    return pick(
        lang,
        f"策略会执行这条规则：{limit.describe(lang)}。",
        f"The policy enforces it: {limit.describe(lang)}.",
    )
