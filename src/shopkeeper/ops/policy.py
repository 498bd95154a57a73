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
from shopkeeper.ops.rules import BudgetCap, PriceFloor, StoredRule
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


def policy_toml(policy: Policy) -> str:
    """A policy as ``policy.toml`` text (one table per action type).

    >>> policy_toml(Policy()).splitlines()[:3]
    ['[change_price]', 'auto_max_pct = 5.0', 'max_pct = 60.0']
    """

    def value(v: bool | float) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else repr(float(v))

    return (
        "\n\n".join(
            f"[{name}]\n" + "\n".join(f"{k} = {value(v)}" for k, v in limits.items())
            for name, limits in policy.model_dump().items()
        )
        + "\n"
    )


def save_policy(store_dir: Path, policy: Policy) -> Path:
    """Write the store's ``policy.toml`` (validated: ``policy`` is a :class:`Policy`)."""
    path = store_dir / "policy.toml"
    path.write_text(policy_toml(policy), encoding="utf-8")
    return path


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


RESTORE_DAYS = 90
"""A price a SKU sold at within this many days (of its latest order) is a known-safe price."""


def sold_at(wh: Warehouse, sku_id: str, price: float) -> bool:
    """Whether the SKU sold at ``price`` (within 1%) in the last :data:`RESTORE_DAYS` days of data."""
    row = _one(
        wh,
        f"""SELECT count(*) FROM order_items i JOIN orders o USING (order_id)
            WHERE i.sku_id = ? AND abs(i.unit_price - ?) <= 0.01 * ?
              AND o.created_at >= (SELECT max(created_at) FROM orders) - INTERVAL {RESTORE_DAYS} DAY""",
        [sku_id, price, price],
    )
    return bool(row and row[0])


def _restore(
    wh: Warehouse, params: dict[str, Any], decided: tuple[Decision, list[str]], lang: str
) -> tuple[Decision, list[str]]:
    """A price change refused as too large, back to a price the SKU recently sold at: it waits for
    approval instead (undoing a typo such as ¥11.90 for ¥119 is the safe direction).
    """
    if decided[0] != "refused" or not sold_at(wh, params["sku_id"], params["price"]):
        return decided
    return "needs_approval", [
        *decided[1],
        pick(
            lang,
            f"但 {params['price']:g} 是这个SKU近{RESTORE_DAYS}天成交过的价格（恢复原价），提交审批",
            f"but {params['price']:g} is a price this SKU sold at in the last {RESTORE_DAYS} days "
            "(a restore), so it waits for approval",
        ),
    ]


def _below_floor(
    rules: Sequence[StoredRule], new: float, price: float | None, cost: float | None, lang: str
) -> str | None:
    """Why ``new`` breaks one of the merchant's price floors (citing the rule), or None."""
    for rule in rules:
        if not isinstance(rule.limit, PriceFloor):
            continue
        floor = rule.limit.floor(price, cost)
        if floor is not None and new < floor - 1e-9:
            basis = {
                "price": pick(
                    lang,
                    f"当前价 {price or 0:g} 的 {rule.limit.value:.0%}",
                    f"{rule.limit.value:.0%} of the current price {price or 0:g}",
                ),
                "cost": pick(
                    lang,
                    f"成本 {cost or 0:g} × {rule.limit.value:g}",
                    f"cost {cost or 0:g} × {rule.limit.value:g}",
                ),
                "absolute": pick(lang, "规定的最低价", "the stated minimum"),
            }[rule.limit.basis]
            return pick(
                lang,
                f"新价格 {new:g} 低于 {floor:g}（{basis}），违反你的规则：「{rule.text}」",
                f"new price {new:g} is under {floor:g} ({basis}), against your rule: {rule.text!r}",
            )
    return None


def _over_cap(rules: Sequence[StoredRule], budget: float, lang: str) -> str | None:
    """Why a daily ``budget`` breaks one of the merchant's budget caps (citing the rule), or None."""
    for rule in rules:
        if isinstance(rule.limit, BudgetCap) and budget > rule.limit.max_daily_budget:
            cap = rule.limit.max_daily_budget
            return pick(
                lang,
                f"日预算 {budget:g} 超过上限 {cap:g}，违反你的规则：「{rule.text}」",
                f"daily budget {budget:g} is over the cap of {cap:g}, against your rule: {rule.text!r}",
            )
    return None


def decide(
    policy: Policy,
    wh: Warehouse,
    action: str,
    params: dict[str, Any],
    rules: Sequence[StoredRule] = (),
    current: dict[str, Any] | None = None,
) -> tuple[Decision, list[str]]:
    """The policy's decision on an action with validated ``params``, and why.

    ``rules`` are the limits the merchant stated (long-term memory, :mod:`shopkeeper.ops.rules`):
    a price under a floor or a daily budget over a cap is refused, citing the rule. ``current``
    holds the fields executed actions set on the entity (``price``, ``bid``, ``daily_budget``):
    limits compare with them rather than the imported values. Reasons are written in the store's language.
    """
    now = current or {}
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
        price = now.get("price", price)  # as the last executed change left it
        if policy.change_price.never_below_cost and cost is not None and params["price"] < cost:
            return "refused", [
                pick(
                    lang,
                    f"新价格 {params['price']:g} 低于成本 {cost:g}（below cost）",
                    f"new price {params['price']:g} is below cost {cost:g}",
                )
            ]
        if broken := _below_floor(rules, params["price"], price, cost, lang):
            return "refused", [broken]
        decided = _limit(policy.change_price, _pct(params["price"], price), "price", lang)
        return _restore(wh, params, decided, lang)
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
        old = now.get(column, row[0] if row else None)
        if action == "change_budget" and (broken := _over_cap(rules, params[key], lang)):
            return "refused", [broken]
        return _limit(limit, _pct(params[key], old), column.replace("_", " "), lang)
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
