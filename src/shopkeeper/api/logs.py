"""Secrets never reach the access log: query parameters that carry one are written ``***``.

Tokens belong in headers (``Authorization: Bearer``) or, on a WebSocket, the first frame; a page
that can only put one in the URL (``?token=``, ``?key=``) still must not leave it in uvicorn's log.

>>> redact("GET /v1/stores/s/cs/ws?conversation_id=c1&token=sk_ab_secret&key=wk_1_x HTTP/1.1")
'GET /v1/stores/s/cs/ws?conversation_id=c1&token=***&key=*** HTTP/1.1'
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

SECRET_PARAMS = ("token", "key", "access_token", "api_key", "signature", "secret", "password")
_SECRET = re.compile(r"([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s\"']*", flags=re.IGNORECASE)
ACCESS_LOGGER = "uvicorn.access"


def redact(text: str) -> str:
    """``text`` with the value of every secret-carrying query parameter replaced by ``***``."""
    return _SECRET.sub(r"\1***", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and text arguments with :func:`redact` (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; always keep the record."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    """Uvicorn's logging configuration with :class:`RedactSecrets` on its access logger (pass as
    ``uvicorn.run(..., log_config=log_config())``).
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": RedactSecrets}
    config["loggers"][ACCESS_LOGGER].setdefault("filters", []).append("redact_secrets")
    return config
