"""What a proposal needs before the policy sees it: the thing it acts on, named by id or by name,
and the amount — or the one question that says what is missing.

:func:`fill_target` resolves the SKU, product or campaign of an action
(:mod:`shopkeeper.skills.entities`) and checks its amount; ``propose_action`` turns what it returns
into a proposal or a question. :func:`invalid_params` says in one sentence why arguments do not
validate — never a raw validation error.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from shopkeeper.ops.approvals import current_state
from shopkeeper.skills import entities
from shopkeeper.skills.registry import SkillContext
from shopkeeper.skills.render import Lang, num, tr
from shopkeeper.store.warehouse import Warehouse, existing_store_dir

Kind = Literal["sku", "campaign", "product"]

TARGETS: dict[str, tuple[str, Kind]] = {
    "change_price": ("sku_id", "sku"),
    "replenish": ("sku_id", "sku"),
    "change_bid": ("campaign_id", "campaign"),
    "change_budget": ("campaign_id", "campaign"),
    "pause_campaign": ("campaign_id", "campaign"),
    "update_listing": ("product_id", "product"),
}
"""The argument naming what each action acts on, and what kind of thing it is."""

AMOUNTS: dict[str, str] = {
    "change_price": "price",
    "change_bid": "bid",
    "change_budget": "daily_budget",
    "replenish": "quantity",
}
"""The amount each action sets."""

_KIND_TEXT: dict[Kind, tuple[str, str]] = {
    "sku": ("商品（SKU）", "product (SKU)"),
    "campaign": ("推广计划", "campaign"),
    "product": ("商品", "product"),
}
_AMOUNT_TEXT = {
    "price": ("价格", "price"),
    "bid": ("出价", "bid"),
    "daily_budget": ("日预算", "daily budget"),
    "quantity": ("补货数量", "quantity to order"),
}


class Named(BaseModel):
    """A SKU, product or campaign the merchant may have meant."""

    id: str
    name: str
    value: float | None = None


Asked = tuple[str, list[Named]]
"""A question for the merchant, and the candidates to choose from."""


def _candidates(
    ctx: SkillContext, kind: Kind, field: str | None = None
) -> list[entities.Candidate]:
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        if kind == "campaign":
            return entities.campaigns(wh.con, value="bid" if field == "bid" else "daily_budget")
        found = entities.skus(wh.con)
        if kind == "sku":
            return found
        rows = wh.con.execute(
            "SELECT product_id, any_value(title) FROM products GROUP BY 1 ORDER BY 1"
        ).fetchall()
        return [entities.Candidate(str(i), str(t)) for i, t in rows]


RESTORE_DAYS = 90
"""How far back a price a SKU sold at counts as its usual price (as the policy's restore rule)."""


def _restorable(ctx: SkillContext, action: str, params: dict[str, Any]) -> list[entities.Candidate]:
    """For "把它改回119" with nothing named: the SKUs whose list price is far (over 50%) from the
    price asked for, which they sold at in the last :data:`RESTORE_DAYS` days — the mistyped
    prices the inspection reports.
    """
    price = params.get("price")
    if action != "change_price" or not isinstance(price, int | float) or price <= 0:
        return []
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        rows = wh.con.execute(
            f"""SELECT p.sku_id, any_value(p.title), any_value(p.price)::DOUBLE
                FROM products p JOIN order_items i USING (sku_id) JOIN orders o USING (order_id)
                WHERE abs(i.unit_price - $1) <= 0.01 * $1
                  AND abs(p.price - $1) > 0.5 * $1
                  AND o.created_at >= (SELECT max(created_at) FROM orders) - INTERVAL {RESTORE_DAYS} DAY
                GROUP BY p.sku_id ORDER BY p.sku_id""",
            [float(price)],
        ).fetchall()
    return [entities.Candidate(str(i), str(t), v) for i, t, v in rows]


def _named(c: entities.Candidate) -> Named:
    return Named(id=c.id, name=c.name, value=c.value)


def fill_target(
    ctx: SkillContext, action: str, params: dict[str, Any], target: str, lang: Lang
) -> Asked | None:
    """Put the id of what ``action`` acts on into ``params`` (from an id, or a name in ``params``
    or ``target``); ``None`` when the proposal is complete, else the question to ask.
    """
    chosen: entities.Candidate | None = None
    if action in TARGETS:
        key, kind = TARGETS[action]
        what = tr(lang, *_KIND_TEXT[kind])
        given = str(params.get(key) or "").strip()
        candidates = _candidates(ctx, kind, AMOUNTS.get(action))
        chosen = next((c for c in candidates if c.id == given), None)
        if chosen is None:
            words = " ".join(w for w in (given, target.strip()) if w)
            if not words:
                return tr(
                    lang,
                    f"要操作哪个{what}？请给出编号或名称。",
                    f"Which {what}? Give its id or part of its name.",
                ), []
            found = entities.match(words, candidates) or _restorable(ctx, action, params)
            words = given or entities.words(target)
            if not found:
                return tr(
                    lang,
                    f"店里没有找到「{words}」对应的{what}：请给出编号或名称中的几个字。",
                    f"No {what} in the store matches {words!r}: give its id or part of its name.",
                ), []
            if len(found) > 1:
                return tr(
                    lang,
                    f"「{words}」对应 {len(found)} 个{what}，是哪一个？（回复编号）",
                    f"{words!r} matches {len(found)} {what}s — which one? (reply with the id)",
                ), [_named(c) for c in found]
            chosen = found[0]
            params[key] = chosen.id
    if chosen is not None and (field := AMOUNTS.get(action)) is not None:
        # what executed actions set wins over the imported value: "降5块" after an approved
        # change to 25 starts from 25, as the policy's limits do
        mirrored = current_state(ctx.engine, ctx.store, action, params).get(field)
        if isinstance(mirrored, int | float):
            chosen = entities.Candidate(chosen.id, chosen.name, float(mirrored))
    return _missing_amount(action, params, chosen, lang)


def _missing_amount(
    action: str, params: dict[str, Any], chosen: entities.Candidate | None, lang: Lang
) -> Asked | None:
    field = AMOUNTS.get(action)
    _apply_change(params, field, chosen)
    if field is None or params.get(field) is not None:
        return None
    zh, en = _AMOUNT_TEXT[field]
    name = f"「{chosen.name}」（{chosen.id}）" if chosen else ""
    now = ""
    if chosen is not None and chosen.value is not None and field != "quantity":
        now = tr(lang, f"现在是 {num(chosen.value, 2)}。", f" It is {num(chosen.value, 2)} now.")
    return tr(
        lang,
        f"把{name}的{zh}改成多少？{now}",
        f"What should the {en} of {chosen.name + ' (' + chosen.id + ')' if chosen else 'it'} be?{now}",
    ), ([_named(chosen)] if chosen else [])


def _apply_change(
    params: dict[str, Any], field: str | None, chosen: entities.Candidate | None
) -> None:
    """Turn ``change_pct``/``change_by`` into the amount ``field`` sets, from the chosen thing's
    current value (left unset when that is unknown: the question then says what it is now).
    """
    pct, by = params.pop("change_pct", None), params.pop("change_by", None)
    if field is None or field == "quantity" or params.get(field) is not None:
        return
    if chosen is None or chosen.value is None or (pct is None and by is None):
        return
    value = chosen.value * (1 + float(pct) / 100) if pct is not None else chosen.value + float(by)
    if value > 0:
        params[field] = round(value, 2)


def invalid_params(exc: ValidationError, lang: Lang) -> str:
    """Why an action's arguments do not validate, in one sentence."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'params'}: {e['msg']}" for e in exc.errors()
    )
    return tr(
        lang, f"操作参数不对（{problems}）。", f"The action's arguments are wrong ({problems})."
    )
