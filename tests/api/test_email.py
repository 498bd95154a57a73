"""email: targets go out through SMTP (a loopback sink here), with subject and body."""

from __future__ import annotations

import socket

import pytest

from shopkeeper.errors import ConfigError
from shopkeeper.ops.delivery import DeliveryError, check_target, deliver
from shopkeeper.settings import Settings

from .smtp_sink import smtp_sink


def _smtp(port: int, **extra: object) -> Settings:
    return Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="sk@example.com",
        **extra,
    )


def test_email_arrives_with_subject_and_body() -> None:
    with smtp_sink() as sink:
        where = deliver(
            "email:boss@example.com, ops@example.com",
            "demo daily report (owner)",
            "# 日报\nGMV 15,453.6 ↑ 3%\n.\nend",
            settings=_smtp(sink.server_address[1]),
        )
    assert where == "email:boss@example.com,ops@example.com"
    [(rcpt, message)] = sink.messages
    assert rcpt == ["boss@example.com", "ops@example.com"]
    assert message["Subject"] == "demo daily report (owner)"
    assert message["From"] == "sk@example.com"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert text == "# 日报\nGMV 15,453.6 ↑ 3%\n.\nend\n"  # a lone dot survives dot-stuffing


def test_html_report_is_an_html_alternative() -> None:
    with smtp_sink() as sink:
        deliver(
            "email:boss@example.com",
            "weekly",
            "<html><body><h1>周报</h1></body></html>",
            suffix="html",
            settings=_smtp(sink.server_address[1]),
        )
    [(_, message)] = sink.messages
    html = message.get_body(("html",))
    assert html is not None
    assert "<h1>周报</h1>" in html.get_content()


def test_unreachable_server_is_a_delivery_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match=r"email via 127\.0\.0\.1"):
        deliver("email:boss@example.com", "t", "x", settings=_smtp(port))


def test_email_needs_a_server_and_valid_addresses() -> None:
    with pytest.raises(ConfigError, match="SHOPKEEPER_SMTP_HOST"):
        deliver("email:boss@example.com", "t", "x", settings=Settings(smtp_host=None))
    with pytest.raises(ConfigError, match="'not-an-address' is not an email address"):
        check_target("email:boss@example.com,not-an-address")
