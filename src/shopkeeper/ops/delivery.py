"""Where scheduled output goes: a folder, or an IM / generic webhook (bounded timeouts, errors raised).

Targets are ``kind:address``: ``file:/path/to/folder``, ``webhook:https://…`` (JSON
``{"title", "text"}``), ``feishu:https://…``, ``dingtalk:https://…``, ``wecom:https://…`` (each in
that platform's markdown message shape), ``email:someone@example.com`` (several addresses separated
by commas; sent through the SMTP server of the ``SHOPKEEPER_SMTP_*`` settings, STARTTLS by default).
A webhook answering an error — an HTTP error status, or the platform's own ``errcode``/``code`` in
a 200 reply — or an SMTP server refusing the message raises :class:`DeliveryError`, whose message
is a short reason (never the receiver's reply, nor the URL's query, which may hold a key).
Webhooks reach public hosts only and files stay under the store's folder (see
:mod:`shopkeeper.ops.egress`).
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import httpx

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.ops.egress import Resolve, blocked_reason, file_folder, resolve_host
from shopkeeper.settings import Settings, get_settings

TIMEOUT_S = 10.0
MAX_REDIRECTS = 3
KINDS = ("file", "webhook", "feishu", "dingtalk", "wecom", "email")
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


class DeliveryError(ShopkeeperError, OSError):
    """The target refused or could not be reached."""


def check_target(target: str, settings: Settings | None = None, store: str | None = None) -> str:
    """Validate a delivery target; with ``settings``, also where it points (a webhook's host
    written as an address must be public, a folder must lie under the store's).

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
    if settings is not None and kind == "file":
        file_folder(address, settings, store)
    elif settings is not None:
        host = urlsplit(address).hostname or ""
        if reason := blocked_reason(host, allow=settings.delivery_allow_hosts):
            raise ConfigError(f"delivery target {_shown(address)}: {reason}")
    return target


def _shown(url: str) -> str:
    """A URL as runs and logs show it: no query or credentials (webhook keys live there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _post(
    url: str, payload: dict[str, Any], settings: Settings, resolve: Resolve
) -> httpx.Response:
    """POST, with the host checked before every connection, redirects included."""

    def guard(request: httpx.Request) -> None:
        reason = blocked_reason(
            request.url.host, allow=settings.delivery_allow_hosts, resolve=resolve
        )
        if reason:
            raise DeliveryError(f"webhook {_shown(str(request.url))} refused: {reason}")

    with httpx.Client(
        timeout=TIMEOUT_S,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        event_hooks={"request": [guard]},
    ) as client:
        return client.post(url, json=payload)


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
    store: str | None = None,
    resolve: Resolve = resolve_host,
) -> str:
    """Send ``text`` to ``target``; returns where it went.

    ``settings`` give the SMTP server of ``email:`` targets, the hosts allowed beyond public ones
    and the folder files may go to (default: the process settings); ``store`` is whose folder a
    ``file:`` target lies under; ``resolve`` looks host names up.
    """
    settings = settings or get_settings()
    kind, _, address = check_target(target).partition(":")
    if kind == "email":
        to = [a.strip() for a in address.split(",")]
        send_email(settings, to, title, text, html=suffix == "html")
        return f"email:{','.join(to)}"
    if kind == "file":
        folder = file_folder(address, settings, store)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = (when or utcnow().astimezone()).strftime("%Y%m%d-%H%M")
        path = (
            folder
            / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', title).strip('-') or 'report'}-{stamp}.{suffix}"
        )
        path.write_text(text, encoding="utf-8")
        return str(path)
    shown = _shown(address)
    named = "webhook" if kind == "webhook" else f"{kind} webhook"
    try:
        reply = _post(address, _payload(kind, title, text), settings, resolve)
        reply.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise DeliveryError(f"{named} {shown}: HTTP {exc.response.status_code}") from exc
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{named} {shown}: {type(exc).__name__}") from exc
    try:
        body = reply.json()
    except ValueError:
        body = {}
    code = body.get("errcode", body.get("code", 0)) if isinstance(body, dict) else 0
    if code not in (0, None):
        raise DeliveryError(f"{named} {shown} refused the message (code {str(code)[:20]})")
    return shown
