"""Where scheduled output goes: a folder, or an IM / generic webhook (bounded timeouts, errors raised).

Targets are ``kind:address``: ``file:/path/to/folder``, ``webhook:https://…`` (JSON
``{"title", "text"}``), ``feishu:https://…``, ``dingtalk:https://…``, ``wecom:https://…`` (each in
that platform's markdown message shape). A webhook answering an error — an HTTP error status, or
the platform's own ``errcode``/``code`` in a 200 reply — raises :class:`DeliveryError`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import httpx

from shopkeeper.errors import ConfigError, ShopkeeperError

TIMEOUT_S = 10.0
KINDS = ("file", "webhook", "feishu", "dingtalk", "wecom")


class DeliveryError(ShopkeeperError, OSError):
    """The target refused or could not be reached."""


def check_target(target: str) -> str:
    """Validate a delivery target.

    >>> check_target("file:/tmp/reports")
    'file:/tmp/reports'
    """
    kind, _, address = target.partition(":")
    if kind not in KINDS or not address:
        raise ConfigError(
            f"delivery target {target!r} is not KIND:ADDRESS with KIND one of {', '.join(KINDS)}"
        )
    if kind != "file" and not re.match(r"^https?://", address):
        raise ConfigError(f"delivery target {target!r}: a {kind} webhook needs an http(s) URL")
    return target


def _payload(kind: str, title: str, text: str) -> dict[str, Any]:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
    return {"title": title, "text": text}


def deliver(
    target: str, title: str, text: str, *, suffix: str = "md", when: dt.datetime | None = None
) -> str:
    """Send ``text`` to ``target``; returns where it went."""
    kind, _, address = check_target(target).partition(":")
    if kind == "file":
        folder = Path(address).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M")
        path = (
            folder
            / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', title).strip('-') or 'report'}-{stamp}.{suffix}"
        )
        path.write_text(text, encoding="utf-8")
        return str(path)
    try:
        reply = httpx.post(address, json=_payload(kind, title, text), timeout=TIMEOUT_S)
        reply.raise_for_status()
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{kind} webhook {address}: {exc}") from exc
    try:
        body = reply.json()
    except ValueError:
        body = {}
    code = body.get("errcode", body.get("code", 0)) if isinstance(body, dict) else 0
    if code not in (0, None):
        raise DeliveryError(f"{kind} webhook {address} refused the message: {body}")
    return address
