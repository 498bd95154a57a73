"""``/s/{store}/data``: import a store (upload a zip or a folder of exports) with progress, the
quarantine (each bad row's file, line, column and reason; a CSV download) and the warehouse's
coverage (date range per table, gaps).

Rendered from the JSON routes' own functions (:mod:`shopkeeper.api.data`). The upload form posts
to ``/s/{store}/data/upload`` (CSRF checked); with JavaScript the page sends it with progress and
polls ``/s/{store}/data/imports/{job_id}`` (the JSON job), without it the page shows the job.
An agency imports a new store here (a valid store name with no data yet): the import binds its
token to the store (:func:`shopkeeper.api.data.new_store_token`, as over the JSON route).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response

from shopkeeper.api import data as json_api
from shopkeeper.api import sessions
from shopkeeper.api.auth import StorePath
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.forms import FORM_ERRORS, reason, refused
from shopkeeper.errors import StoreBusy, StoreNotFound

router = APIRouter(tags=["pages"], include_in_schema=False)

DataPage = Annotated[Page, Depends(store_page("data"))]
DataForm = Annotated[Page, Depends(store_form("data"))]
QUARANTINE_ROWS = 200


@router.get("/s/{store}/data")
def data_page(page: DataPage, job: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The upload form (and the job ``?job=`` names), the quarantine and the coverage."""
    assert page.principal is not None
    current = json_api.import_jobs(page.request).get(page.store, job) if job else None
    rows, coverage, problem = [], [], ""
    try:
        coverage = json_api.coverage(page.store, page.principal, page.services)
        rows = json_api.quarantine(page.store, page.principal, page.services, None, QUARANTINE_ROWS)
    except StoreNotFound:
        problem = page.pick(
            "这家店还没有数据：先导入。", "This store has no data yet: import it first."
        )
    except StoreBusy as exc:
        problem = str(exc)
    return page.render(
        "data.html",
        job=current,
        rows=rows,
        coverage=coverage,
        problem=problem,
        limit=QUARANTINE_ROWS,
    )


@router.post("/s/{store}/data/upload")
async def upload_form(
    page: DataForm,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Start an import of the uploaded files; JSON for the page's script, else back to the page."""
    assert page.principal is not None
    wants_json = "application/json" in page.request.headers.get("accept", "")
    try:
        job = await json_api.start_import(
            page.store, page.principal, page.services, json_api.import_jobs(page.request), files
        )
    except FORM_ERRORS as exc:
        if wants_json:
            return JSONResponse({"error": reason(exc)}, status_code=422)
        return refused(page, page.url("data"), exc)
    if wants_json:
        return JSONResponse(job.model_dump(mode="json"), status_code=202)
    return page.back(page.url(f"data?job={job.job_id}"))


@router.get("/s/{store}/data/imports/{job_id}")
def import_status(
    request: Request, store: StorePath, job_id: str, services: ServicesDep
) -> json_api.ImportJob:
    """The import job, as the JSON route answers it (the page's script polls this). It reads
    only the session — not the warehouse, which the import holds.
    """
    session = sessions.current(request, services.engine)
    principal = session.for_store(store) if session else None
    if principal is None or not principal.may("data"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no import {job_id!r} in {store!r}")
    return json_api.import_status(store, job_id, principal, json_api.import_jobs(request))


@router.get("/s/{store}/data/quarantine.csv")
def quarantine_csv(page: DataPage) -> Response:
    """Every quarantined row as CSV."""
    assert page.principal is not None
    return json_api.quarantine_csv(page.store, page.principal, page.services, None)
