"""The action policy: per-action limits, read from ``stores/<name>/policy.toml`` (defaults below).

Every proposal gets one decision: ``auto`` (runs at once), ``needs_approval`` (waits for a
person) or ``refused`` (never runs, e.g. a price under cost). The facts a limit needs (current
price, cost, bid, budget) are read from the store's warehouse.

```toml
[change_price]
auto_max_pct = 5        # changes up to 5 % run; larger ones wait for a human
never_below_cost = true
[replenish]
auto_max_value = 5000   # purchase value (quantity × cost) that runs without approval
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopkeeper.errors import ConfigError
from shopkeeper.ops.memory import PriceFloor
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import pick

Decision = Literal["auto", "needs_approval", "refused"]


class PctLimit(BaseModel):
    """A change of a number: up to ``auto_max_pct`` runs, up to ``max_pct`` waits, beyond is refused."""

    model_config = ConfigDict(extra="forbid")
    auto_max_pct: float = Field(5.0, ge=0)
    max_pct: float = Field(60.0, ge=0)
    never_below_cost: bool = True


class Gate(BaseModel):
    """An action that either runs at once or always waits for a person."""

    model_config = ConfigDict(extra="forbid")
    auto: bool = False


class ReplenishLimit(BaseModel):
    """Purchases up to ``auto_max_value`` run without approval."""

    model_config = ConfigDict(extra="forbid")
    auto_max_value: float = Field(5000.0, ge=0)


class Policy(BaseModel):
    """Limits per action type."""

    model_config = ConfigDict(extra="forbid")
    change_price: PctLimit = PctLimit()
    change_bid: PctLimit = PctLimit(auto_max_pct=10, max_pct=100, never_below_cost=False)
    change_budget: PctLimit = PctLimit(auto_max_pct=20, max_pct=200, never_below_cost=False)
    pause_campaign: Gate = Gate(auto=False)
    hold_order: Gate = Gate(auto=True)
    replenish: ReplenishLimit = ReplenishLimit()
    reply_review: Gate = Gate(auto=False)
    update_listing: Gate = Gate(auto=False)


def load_policy(store_dir: Path) -> Policy:
    """The store's policy (``policy.toml`` in its folder), or the defaults."""
    path = store_dir / "policy.toml"
    if not path.exists():
        return Policy()
    try:
        return Policy.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid policy: {exc}") from exc


def _one(wh: Warehouse, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    rows = wh.con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def _pct(new: float, old: float | None) -> float | None:
    return None if not old else abs(new - old) / old * 100


_WHAT_ZH = {"price": "价格", "bid": "出价", "daily budget": "日预算"}


def _limit(
    limit: PctLimit, pct: float | None, what: str, lang: str = "en"
) -> tuple[Decision, list[str]]:
    w = _WHAT_ZH.get(what, what)
    if pct is None:
        return "needs_approval", [
            pick(
                lang,
                f"不知道当前{w}：需要人工确认",
                f"current {what} unknown: a person must confirm",
            )
        ]
    if pct > limit.max_pct:
        return "refused", [
            pick(
                lang,
                f"{w}变动 {pct:.1f}% 超过 {limit.max_pct:g}% 的上限",
                f"{what} change of {pct:.1f}% exceeds the {limit.max_pct:g}% ceiling",
            )
        ]
    if pct > limit.auto_max_pct:
        return "needs_approval", [
            pick(
                lang,
                f"{w}变动 {pct:.1f}% 超过可自动执行的 {limit.auto_max_pct:g}%，需要你审批",
                f"{what} change of {pct:.1f}% is above the {limit.auto_max_pct:g}% that runs on its own",
            )
        ]
    return "auto", [
        pick(
            lang,
            f"{w}变动 {pct:.1f}% 在 {limit.auto_max_pct:g}% 以内，自动执行",
            f"{what} change of {pct:.1f}% is within {limit.auto_max_pct:g}%",
        )
    ]


def decide(
    policy: Policy,
    wh: Warehouse,
    action: str,
    params: dict[str, Any],
    floors: Sequence[PriceFloor] = (),
) -> tuple[Decision, list[str]]:
    """The policy's decision on an action with validated ``params``, and why.

    ``floors`` are the pricing rules the merchant stated (long-term memory): a price under one is
    refused, citing the rule. Reasons are written in the store's language.
    """
    config = wh.store_config()
    lang = config.language if config is not None else "zh"
    if action == "change_price":
        row = _one(
            wh,
            "SELECT price::DOUBLE, cost::DOUBLE FROM products WHERE sku_id = ?",
            [params["sku_id"]],
        )
        if row is None:
            return "refused", [
                pick(
                    lang,
                    f"店里没有 SKU {params['sku_id']!r}",
                    f"no SKU {params['sku_id']!r} in the store",
                )
            ]
        price, cost = row
        if policy.change_price.never_below_cost and cost is not None and params["price"] < cost:
            return "refused", [
                pick(
                    lang,
                    f"新价格 {params['price']:g} 低于成本 {cost:g}（below cost）",
                    f"new price {params['price']:g} is below cost {cost:g}",
                )
            ]
        for floor in floors:
            if price and params["price"] < floor.min_ratio * price:
                reason = pick(
                    lang,
                    f"新价格 {params['price']:g} 低于原价 {price:g} 的 {floor.min_ratio:.0%}，违反你的规则：「{floor.text}」",
                    f"new price {params['price']:g} is under {floor.min_ratio:.0%} of {price:g}, against your rule: {floor.text!r}",
                )
                return "refused", [reason]
        return _limit(policy.change_price, _pct(params["price"], price), "price", lang)
    if action in ("change_bid", "change_budget"):
        column, key, limit = (
            ("bid", "bid", policy.change_bid)
            if action == "change_bid"
            else ("daily_budget", "daily_budget", policy.change_budget)
        )
        row = _one(
            wh,
            f"SELECT {column}::DOUBLE FROM ad_campaigns WHERE campaign_id = ? AND {column} IS NOT NULL ORDER BY date DESC LIMIT 1",
            [params["campaign_id"]],
        )
        return _limit(
            limit, _pct(params[key], row[0] if row else None), column.replace("_", " "), lang
        )
    if action == "replenish":
        row = _one(
            wh,
            "SELECT coalesce(cost, price * 0.5)::DOUBLE FROM products WHERE sku_id = ?",
            [params["sku_id"]],
        )
        if row is None:
            return "refused", [
                pick(
                    lang,
                    f"店里没有 SKU {params['sku_id']!r}",
                    f"no SKU {params['sku_id']!r} in the store",
                )
            ]
        value = params["quantity"] * row[0]
        if value > policy.replenish.auto_max_value:
            return "needs_approval", [
                pick(
                    lang,
                    f"采购金额 {value:,.0f} 超过可自动执行的 {policy.replenish.auto_max_value:,.0f}，需要你审批",
                    f"purchase worth {value:,.0f} is above the {policy.replenish.auto_max_value:,.0f} that runs on its own",
                )
            ]
        return "auto", [
            pick(
                lang,
                f"采购金额 {value:,.0f} 在 {policy.replenish.auto_max_value:,.0f} 以内，自动执行",
                f"purchase worth {value:,.0f} is within {policy.replenish.auto_max_value:,.0f}",
            )
        ]
    gate: Gate = getattr(policy, action)
    return (
        ("auto", [pick(lang, "按规则无需审批", "runs without approval by policy")])
        if gate.auto
        else (
            "needs_approval",
            [pick(lang, "按规则总是需要审批", "always needs approval by policy")],
        )
    )
