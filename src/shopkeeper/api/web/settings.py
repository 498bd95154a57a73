"""``/s/{store}/settings`` (owner): the LLM provider (``provider:model``, key kept in a 0600 file
in the home, the environment overriding it, "test connection", the offline fallback shown), the
action policy as a validated form, tokens (create / revoke) and the widget secret's status.

Rendered from the JSON routes' own functions (:mod:`shopkeeper.api.owner_settings`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import ValidationError

from shopkeeper.api import owner_settings as json_api
from shopkeeper.api.tokens import NewToken, Role
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.forms import FORM_ERRORS, refused
from shopkeeper.ops.policy import Policy

router = APIRouter(tags=["pages"], include_in_schema=False)

SettingsPage = Annotated[Page, Depends(store_page("settings"))]
SettingsForm = Annotated[Page, Depends(store_form("settings"))]

MODELS = ("dashscope:qwen-plus", "deepseek:deepseek-chat", "openai:gpt-4o-mini", "ollama:qwen2.5")
"""Examples the model field suggests."""
TOKEN_ROLES: tuple[Role, ...] = ("owner", "ops", "ads", "cs", "widget")
POLICY_LABELS: dict[str, tuple[str, str]] = {
    "change_price": ("改价", "Price changes"),
    "change_bid": ("改出价", "Bid changes"),
    "change_budget": ("改预算", "Budget changes"),
    "pause_campaign": ("暂停推广", "Pausing a campaign"),
    "hold_order": ("拦截订单", "Holding an order"),
    "replenish": ("补货", "Replenishment"),
    "reply_review": ("回复评价", "Replying to a review"),
    "update_listing": ("修改商品", "Updating a listing"),
    "auto_max_pct": ("自动执行上限 %", "Auto up to %"),
    "max_pct": ("最大变动 %", "Largest change %"),
    "never_below_cost": ("不低于成本", "Never below cost"),
    "auto": ("无需审批", "Runs without approval"),
    "auto_max_value": ("自动执行金额上限", "Auto up to (value)"),
}
"""The policy form's labels (zh, en) by section and field."""


def _render(page: Page, new_token: NewToken | None = None, code: int = 200) -> Response:
    assert page.principal is not None
    s, p, services = page.store, page.principal, page.services
    policy = json_api.get_policy(s, p, services)
    return page.render(
        "settings.html",
        code,
        llm=json_api.get_llm(s, p, services),
        policy=policy.model_dump(),
        tokens=json_api.get_tokens(s, p, services),
        widget=json_api.widget_secret(s, p, services),
        new_token=new_token,
        models=MODELS,
        labels=POLICY_LABELS,
        roles=TOKEN_ROLES,
    )


@router.get("/s/{store}/settings")
def settings_page(page: SettingsPage) -> Response:
    """The settings page."""
    return _render(page)


@router.post("/s/{store}/settings/llm")
def llm_form(
    page: SettingsForm,
    model: Annotated[str, Form(max_length=300)],
    base_url: Annotated[str, Form(max_length=500)] = "",
    api_key: Annotated[str, Form(max_length=500)] = "",
    clear_key: Annotated[bool, Form()] = False,
) -> Response:
    """Save the LLM choice (the key to the 0600 file; an empty key keeps the saved one)."""
    assert page.principal is not None
    try:
        change = json_api.LlmChange(
            model=model.strip(),
            base_url=base_url.strip() or None,
            api_key=api_key.strip() or None,
            clear_key=clear_key,
        )
        json_api.put_llm(page.store, change, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("settings") + "#llm", exc)
    return page.back(
        page.url("settings") + "#llm",
        page.pick("已保存，重启服务后生效", "Saved; applies after a restart"),
    )


@router.post("/s/{store}/settings/llm/test")
async def llm_test_form(page: SettingsForm) -> Response:
    """Try the saved model with one short request."""
    assert page.principal is not None
    done = await json_api.check_llm(page.store, page.principal, page.services)
    note = (
        page.pick(f"连接成功（{done.model}）", f"Connected ({done.model})")
        if done.ok
        else page.pick(f"连接失败（{done.model}）：", f"Connection failed ({done.model}): ")
        + done.detail
    )
    return page.back(page.url("settings") + "#llm", note)


def policy_from_form(form: dict[str, Any]) -> Policy:
    """A :class:`Policy` from ``section.field`` form fields; an unchecked box is ``false``."""
    values: dict[str, dict[str, Any]] = {}
    for section, limits in Policy().model_dump().items():
        values[section] = {}
        for name, default in limits.items():
            raw = form.get(f"{section}.{name}")
            if isinstance(default, bool):
                values[section][name] = raw in ("on", "true", "1")
            elif raw not in (None, ""):
                values[section][name] = raw
    return Policy.model_validate(values)


@router.post("/s/{store}/settings/policy")
async def policy_form(page: SettingsForm) -> Response:
    """Replace ``policy.toml`` with the form's values, if they make a valid policy."""
    assert page.principal is not None
    form = dict((await page.request.form()).items())
    try:
        policy = policy_from_form(form)
        json_api.put_policy(page.store, policy, page.principal, page.services)
    except (ValidationError, *FORM_ERRORS) as exc:
        return refused(page, page.url("settings") + "#policy", exc)
    return page.back(page.url("settings") + "#policy", page.pick("策略已保存", "Policy saved"))


@router.post("/s/{store}/settings/tokens")
def token_form(
    page: SettingsForm,
    role: Annotated[Role, Form()],
    label: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Create a token and show it once (on this answer only, never in a URL)."""
    assert page.principal is not None
    try:
        made = json_api.post_token(
            page.store, json_api.NewTokenIn(role=role, label=label), page.principal, page.services
        )
    except FORM_ERRORS as exc:
        return refused(page, page.url("settings") + "#tokens", exc)
    return _render(page, new_token=made, code=201)


@router.post("/s/{store}/settings/tokens/{token_id}/revoke")
def revoke_form(page: SettingsForm, token_id: str) -> Response:
    """Revoke one of this store's tokens."""
    assert page.principal is not None
    try:
        json_api.delete_token(page.store, token_id, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("settings") + "#tokens", exc)
    return page.back(page.url("settings") + "#tokens", page.pick("已吊销", "Revoked"))
