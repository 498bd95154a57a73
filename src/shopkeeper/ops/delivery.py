"""Where scheduled output goes: a folder, or an IM / generic webhook (bounded timeouts, errors raised).

Targets are ``kind:address``: ``file:/path/to/folder``, ``webhook:https://…`` (JSON
``{"title", "text"}``), ``feishu:https://…``, ``dingtalk:https://…``, ``wecom:https://…`` (each in
that platform's markdown message shape), ``email:someone@example.com`` (several addresses separated
by commas; sent through the SMTP server of the ``SHOPKEEPER_SMTP_*`` settings, STARTTLS by default).
A webhook answering an error — an HTTP error status, or the platform's own ``errcode``/``code`` in
a 200 reply — or an SMTP server refusing the message raises :class:`DeliveryError`.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.settings import Settings, get_settings

TIMEOUT_S = 10.0
KINDS = ("file", "webhook", "feishu", "dingtalk", "wecom", "email")
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


class DeliveryError(ShopkeeperError, OSError):
    """The target refused or could not be reached."""


def check_target(target: str) -> str:
    """Validate a delivery target.

    >>> check_target("file:/tmp/reports")
    'file:/tmp/reports'
    >>> check_target("email:boss@example.com,ops@example.com")
    'email:boss@example.com,ops@example.com'
    """
    kind, _, address = target.partition(":")
    if kind not in KINDS or not address:
        raise ConfigError(
            f"delivery target {target!r} is not KIND:ADDRESS with KIND one of {', '.join(KINDS)}"
        )
    if kind == "email":
        bad = [a for a in address.split(",") if not _EMAIL.match(a.strip())]
        if bad:
            raise ConfigError(f"delivery target {target!r}: {bad[0]!r} is not an email address")
        return target
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


def send_email(settings: Settings, to: list[str], subject: str, text: str, *, html: bool) -> None:
    """Send one message through the configured SMTP server (bounded timeout, errors raised)."""
    if not settings.smtp_host:
        raise ConfigError(
            "email delivery needs an SMTP server: set SHOPKEEPER_SMTP_HOST (and _PORT, _USER, _PASSWORD, _FROM)"
        )
    sender = settings.smtp_from or settings.smtp_user
    if not sender:
        raise ConfigError("email delivery needs a sender: set SHOPKEEPER_SMTP_FROM")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, ", ".join(to)
    if html:
        message.set_content("This report is HTML; open it in a mail client that shows HTML.")
        message.add_alternative(text, subtype="html")
    else:
        message.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                smtp.login(settings.smtp_user, password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"email via {settings.smtp_host}:{settings.smtp_port} to {', '.join(to)}: {exc}"
        ) from exc


def deliver(
    target: str,
    title: str,
    text: str,
    *,
    suffix: str = "md",
    when: dt.datetime | None = None,
    settings: Settings | None = None,
) -> str:
    """Send ``text`` to ``target``; returns where it went.

    ``settings`` give the SMTP server of ``email:`` targets (default: the process settings).
    """
    kind, _, address = check_target(target).partition(":")
    if kind == "email":
        to = [a.strip() for a in address.split(",")]
        send_email(settings or get_settings(), to, title, text, html=suffix == "html")
        return f"email:{','.join(to)}"
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
