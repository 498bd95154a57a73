"""Errors as JSON ``{"error": ..., "detail": ...}`` with the status code their kind calls for.

A Shopkeeper error is mapped by the builtin it refines: ``LookupError`` → 404 (no such store,
action, memory, schedule), ``ValueError`` → 422 (bad arguments, invalid cron, a bad store file),
``PermissionError`` → 403, ``OSError`` → 502 (a platform or delivery target failed); a
:class:`Conflict` → 409 (an action already decided); a :class:`~shopkeeper.errors.StoreBusy`
(an import holds the store's warehouse) → 503 with ``Retry-After``. Request validation is 422 with the
field errors as ``detail``; HTTP errors keep their status.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from shopkeeper.errors import ShopkeeperError, StoreBusy


class Conflict(ShopkeeperError):
    """The request conflicts with the resource's state (e.g. approving a decided action)."""


_BY_BASE: tuple[tuple[type[BaseException], int], ...] = (
    (Conflict, status.HTTP_409_CONFLICT),
    (StoreBusy, status.HTTP_503_SERVICE_UNAVAILABLE),
    (LookupError, status.HTTP_404_NOT_FOUND),
    (ValueError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (PermissionError, status.HTTP_403_FORBIDDEN),
    (OSError, status.HTTP_502_BAD_GATEWAY),
)


def status_of(exc: ShopkeeperError) -> int:
    """The HTTP status of a Shopkeeper error.

    >>> from shopkeeper.errors import StoreNotFound, ConfigError
    >>> status_of(StoreNotFound("x")), status_of(ConfigError("x")), status_of(Conflict("x"))
    (404, 422, 409)
    """
    for base, code in _BY_BASE:
        if isinstance(exc, base):
            return code
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def error_response(
    code: int, error: str, detail: object, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The one error shape."""
    return JSONResponse(
        {"error": error, "detail": jsonable_encoder(detail)}, status_code=code, headers=headers
    )


async def _shopkeeper(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShopkeeperError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, StoreBusy) else None
    return error_response(status_of(exc), type(exc).__name__, str(exc), headers)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ValidationError):  # raised inside a skill or an ops function
        errors: object = exc.errors(include_url=False, include_context=False)
    else:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
    return error_response(status.HTTP_422_UNPROCESSABLE_CONTENT, "ValidationError", errors)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    name = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed"}
    return error_response(
        exc.status_code, name.get(exc.status_code, "HTTPError"), exc.detail, exc.headers
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(ShopkeeperError, _shopkeeper)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
