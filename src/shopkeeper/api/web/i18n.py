"""The web app's words (catalogue keys ``web.*``) and its navigation: each store page, the area
its role must grant (:data:`shopkeeper.api.auth.GRANTS`) and its label.
"""

from __future__ import annotations

from typing import NamedTuple

from shopkeeper.api.auth import Area
from shopkeeper.text import messages


class NavItem(NamedTuple):
    """A store page in the navigation: ``/s/{store}/{path}``, shown if the role grants ``area``."""

    path: str
    area: Area
    label: str
    """catalogue key"""


NAV: tuple[NavItem, ...] = (
    NavItem("today", "findings", "web.nav.today"),
    NavItem("findings", "findings", "web.nav.findings"),
    NavItem("approvals", "approvals", "web.nav.approvals"),
    NavItem("ask", "runs", "web.nav.ask"),
    NavItem("reports", "reports", "web.nav.reports"),
    NavItem("schedules", "schedules", "web.nav.schedules"),
    NavItem("memory", "memory", "web.nav.memory"),
    NavItem("cs", "cs", "web.nav.cs"),
    NavItem("data", "data", "web.nav.data"),
    NavItem("settings", "settings", "web.nav.settings"),
)
"""Every store page, in the order the navigation shows them."""

messages(
    {
        "app": ("生意管家", "Shopkeeper"),
        "nav.stores": ("店铺", "Stores"),
        "nav.today": ("今日", "Today"),
        "nav.findings": ("发现", "Findings"),
        "nav.approvals": ("审批", "Approvals"),
        "nav.ask": ("问团队", "Ask the team"),
        "nav.reports": ("报告", "Reports"),
        "nav.schedules": ("定时任务", "Schedules"),
        "nav.memory": ("记忆", "Memory"),
        "nav.cs": ("客服", "Customer service"),
        "nav.data": ("数据", "Data"),
        "nav.settings": ("设置", "Settings"),
        "nav.menu": ("菜单", "Menu"),
        "nav.store": ("店铺", "Store"),
        "nav.switch": ("切换", "Switch"),
        "logout": ("退出登录", "Log out"),
        "login.title": ("登录", "Log in"),
        "login.token": ("访问令牌", "Access token"),
        "login.hint": (
            "用 shopkeeper token create 创建的令牌（owner / ops / ads / cs / agency）",
            "A token from shopkeeper token create (owner / ops / ads / cs / agency)",
        ),
        "login.submit": ("登录", "Log in"),
        "login.bad": ("令牌无效或已吊销。", "That token is unknown or revoked."),
        "login.add": ("添加另一家店铺的令牌", "Add another store's token"),
        "lang.switch": ("English", "中文"),
        "error.title": ("出错了", "Something went wrong"),
        "error.back": ("返回", "Go back"),
        "empty": ("暂无", "Nothing yet"),
        "sev.high": ("高", "High"),
        "sev.medium": ("中", "Medium"),
        "sev.low": ("低", "Low"),
        "status.new": ("新出现", "New"),
        "status.ongoing": ("持续中", "Ongoing"),
        "status.resolved": ("已解决", "Resolved"),
        "status.dismissed": ("已忽略", "Dismissed"),
        "action.pending": ("待审批", "waiting for approval"),
        "action.executing": ("执行中", "running"),
        "action.executed": ("已执行", "executed"),
        "action.sent_to_outbox": (
            "已写入发件箱，待平台应用",
            "sent to the outbox: the platform still has to apply it",
        ),
        "action.failed": ("执行失败", "failed"),
        "action.rejected": ("已驳回", "rejected"),
        "action.refused": ("被策略拒绝", "refused by the policy"),
    },
    prefix="web.",
)
