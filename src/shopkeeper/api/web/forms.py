"""What a page's form does when the JSON route it calls refuses: back to the page, with the
refusal as one line (never a JSON body or a traceback in the merchant's browser).
"""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from shopkeeper.api.web.core import Page
from shopkeeper.errors import ShopkeeperError

FORM_ERRORS = (ShopkeeperError, ValidationError, HTTPException)
"""What a form handler catches and shows as one line."""


def reason(exc: Exception) -> str:
    """The one sentence a refusal shows."""
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    return str(exc)


def refused(page: Page, url: str, exc: Exception) -> RedirectResponse:
    """Back to ``url`` with the refusal shown."""
    return page.back(url, page.pick("未完成：", "Not done: ") + reason(exc))
