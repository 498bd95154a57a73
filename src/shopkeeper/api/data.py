"""A store's data: import an upload (a zip, or the files of a folder) with progress, the quarantine
(each bad row's file, line, column and reason; a CSV download) and the warehouse's coverage.

An import runs in a background thread (:class:`ImportJobs`, one per app): ``POST .../imports``
answers 202 with a job id at once, ``GET .../imports/{job_id}`` tells its stage and progress, then
the :class:`~shopkeeper.store.report.ImportReport` or the one-sentence error.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import shutil
import threading
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.queues import Queue
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel

from shopkeeper.api.auth import BearerCredentials, Principal, StorePath, authenticate, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.tokens import TokenInfo, bind_store, verify_token
from shopkeeper.errors import ConfigError, ShopkeeperError, StoreNotFound
from shopkeeper.inspection.tables import table_coverage
from shopkeeper.settings import Settings
from shopkeeper.store.memo import import_key
from shopkeeper.store.quarantine import QuarantinedRow, export_csv, quarantined_rows
from shopkeeper.store.report import ImportReport
from shopkeeper.store.service import import_path
from shopkeeper.store.warehouse import WAREHOUSE_FILE, Warehouse, existing_store_dir, store_dir

DataUser = Annotated[Principal, Depends(require("data"))]

router = APIRouter(prefix="/v1/stores/{store}/data", tags=["data"])

UPLOADS = "uploads"
"""The folder (in the store's) uploads are unpacked into while they are imported."""
MAX_UPLOAD_BYTES = 2 * 1024**3
"""The most an upload may unpack to."""


class ImportJob(BaseModel):
    """An import started from the web: where it is, and how it ended."""

    job_id: str
    store: str
    status: Literal["running", "done", "failed"] = "running"
    stage: str = "uploaded"
    done: int = 0
    total: int = 0
    started_at: dt.datetime
    report: ImportReport | None = None
    error: str | None = None


class ImportJobs:
    """The imports of one running app, by job id (kept in memory: a restart forgets them)."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def start(self, store: str, now: dt.datetime) -> ImportJob:
        """Register a new job."""
        job = ImportJob(job_id=uuid.uuid4().hex[:12], store=store, started_at=now)
        with self._lock:
            self._jobs[job.job_id] = job
        return job

    def update(self, job_id: str, **changes: object) -> None:
        """Change a job's fields."""
        with self._lock:
            self._jobs[job_id] = self._jobs[job_id].model_copy(update=changes)

    def get(self, store: str, job_id: str) -> ImportJob:
        """A job of this store (404 otherwise)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.store != store:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no import {job_id!r} in {store!r}")
        return job


def import_jobs(request: Request) -> ImportJobs:
    """The app's import jobs (made on first use)."""
    state = request.app.state
    with _STATE_LOCK:
        if not hasattr(state, "import_jobs"):
            state.import_jobs = ImportJobs()
    jobs: ImportJobs = state.import_jobs
    return jobs


_STATE_LOCK = threading.Lock()
JobsDep = Annotated[ImportJobs, Depends(import_jobs)]


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"unsafe file name {name!r}")
    return path


def _unpack(upload: Path, into: Path) -> None:
    """Unpack a ``.zip`` upload (names checked, total size capped; a broken or lying archive is
    a 422). Other files, ``.xlsx`` workbooks included (ZIP archives too), are imported as they are.
    """
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_UPLOAD_BYTES:
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE, "the zip unpacks to over 2 GB"
                )
            for info in infos:
                target = into / _safe_name(info.filename)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{upload.name}: not a readable zip archive ({exc}); pack the exports again",
        ) from exc
    upload.unlink()


def _source(folder: Path) -> Path:
    """The folder to import: the one holding ``store.toml`` if any, else the upload's root
    (or the single folder a zip wrapped everything in).
    """
    tomls = sorted(folder.rglob("store.toml"), key=lambda p: len(p.parts))
    if tomls:
        return tomls[0].parent
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else folder


def _import_in_child(source: Path, store: str, settings: Settings, out: Queue[Any]) -> None:
    """The child process: import, sending each progress step, then the report or the error."""

    def progress(stage: str, done: int, total: int) -> None:
        out.put(("progress", stage, done, total))

    try:
        report = import_path(source, store, settings=settings, progress=progress)
        out.put(("done", report.model_dump_json()))
    except (ShopkeeperError, OSError, zipfile.BadZipFile) as exc:
        out.put(("failed", str(exc)))


def _run_import(
    services: Services, jobs: ImportJobs, job_id: str, store: str, folder: Path
) -> None:
    """Import in a child process (DuckDB allows no writer beside this process's readers) and
    follow it; the app's reader of the store is closed first and reopens when next asked.
    """
    spawn = multiprocessing.get_context("spawn")
    out: Queue[Any] = spawn.Queue()
    services.app.reader(store).close()
    child = spawn.Process(
        target=_import_in_child,
        args=(_source(folder), store, services.settings, out),
        name=f"import-{store}",
        daemon=True,
    )
    try:
        child.start()
        while True:
            try:
                message = out.get(timeout=1.0)
            except queue.Empty:
                if child.is_alive():
                    continue
                jobs.update(
                    job_id, status="failed", error=f"the import stopped (exit {child.exitcode})"
                )
                return
            if message[0] == "progress":
                jobs.update(job_id, stage=message[1], done=message[2], total=message[3])
            elif message[0] == "done":
                report = ImportReport.model_validate_json(message[1])
                jobs.update(job_id, status="done", stage="done", report=report)
                return
            else:
                jobs.update(job_id, status="failed", error=message[1])
                return
    finally:
        child.join(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def new_store_token(settings: Settings, token: TokenInfo, store: str) -> TokenInfo | None:
    """An agency token seen on ``store``, a valid store name that holds no data yet — an agency
    adds stores, and importing binds its token to the new one (:data:`~shopkeeper.api.auth.GRANTS`:
    any other role's token belongs to its one store); None otherwise.
    """
    if token.role != "agency":
        return None
    try:
        existing_store_dir(settings, store)  # validates the name
    except StoreNotFound:
        return token.model_copy(update={"store": store, "stores": [*token.stores, store]})
    except ConfigError:
        return None
    return None


def importer(store: StorePath, services: ServicesDep, credentials: BearerCredentials) -> Principal:
    """The caller of an import: a token of the store whose role grants ``data``, or an agency
    token adding a new store (:func:`new_store_token`); else 401 / 403 as for any route.
    """
    try:
        return require("data")(authenticate(store, services, credentials))
    except HTTPException as refused:
        token = verify_token(services.engine, credentials.credentials) if credentials else None
        seen = new_store_token(services.settings, token, store) if token else None
        if refused.status_code != status.HTTP_403_FORBIDDEN or seen is None:
            raise
        return Principal(seen)


@router.post("/imports", status_code=status.HTTP_202_ACCEPTED)
async def start_import(
    store: StorePath,
    caller: Annotated[Principal, Depends(importer)],
    services: ServicesDep,
    jobs: JobsDep,
    files: Annotated[list[UploadFile], File(description="a zip of exports, or a folder's files")],
) -> ImportJob:
    """Upload exports and import them in the background; poll the returned job."""
    folder = store_dir(services.settings, store) / UPLOADS / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    try:
        for upload in files:
            target = folder / _safe_name(upload.filename or "upload")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                await anyio.to_thread.run_sync(shutil.copyfileobj, upload.file, out)
            if target.suffix.lower() == ".zip":
                await anyio.to_thread.run_sync(_unpack, target, target.parent)
    except HTTPException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if caller.token.role == "agency":  # a new store is the agency's from now on
        bind_store(services.engine, caller.token, store)
    job = jobs.start(store, services.clock())
    threading.Thread(
        target=_run_import,
        args=(services, jobs, job.job_id, store, folder),
        daemon=True,
        name=f"import-{store}",
    ).start()
    return job


@router.get("/imports/{job_id}")
def import_status(store: StorePath, job_id: str, _caller: DataUser, jobs: JobsDep) -> ImportJob:
    """Where an import is: its stage and progress, then its report or error."""
    return jobs.get(store, job_id)


@contextmanager
def _warehouse(services: Services, store: str) -> Iterator[Warehouse]:
    """The store's warehouse through the app's shared read-only connection (404 without one)."""
    path = existing_store_dir(services.settings, store) / WAREHOUSE_FILE
    with services.app.reader(store).cursor() as cur:
        yield Warehouse(path, cur)


def _rows(
    services: Services, store: str, table: str | None, limit: int | None
) -> list[QuarantinedRow]:
    with _warehouse(services, store) as wh:
        rows = quarantined_rows(wh, table=table, limit=limit)
    uploads = store_dir(services.settings, store) / UPLOADS
    return [r.model_copy(update={"file": _shown(r.file, uploads)}) for r in rows]


def _shown(file: str, uploads: Path) -> str:
    """A file as the merchant named it: inside an upload, its path within the upload."""
    try:
        return PurePosixPath(*Path(file).relative_to(uploads).parts[1:]).as_posix()
    except ValueError:
        return file


@router.get("/quarantine")
def quarantine(
    store: StorePath,
    _caller: DataUser,
    services: ServicesDep,
    table: Annotated[str | None, Query(description="only this table's rows")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[QuarantinedRow]:
    """Rows that broke the data contract: file, line, column, reason and the raw row."""
    return _rows(services, store, table, limit)


@router.get("/quarantine.csv", response_class=Response)
def quarantine_csv(
    store: StorePath,
    _caller: DataUser,
    services: ServicesDep,
    table: Annotated[str | None, Query(description="only this table's rows")] = None,
) -> Response:
    """Every quarantined row as a CSV to open in Excel."""
    out = store_dir(services.settings, store) / "tmp" / f"quarantine-{uuid.uuid4().hex[:8]}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        export_csv(_rows(services, store, table, None), out)
        body = out.read_bytes()
    finally:
        out.unlink(missing_ok=True)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{store}-quarantine.csv"'},
    )


class Gap(BaseModel):
    """Days inside a table's range without a row."""

    first: dt.date
    last: dt.date
    days: int


class Coverage(BaseModel):
    """One table's coverage."""

    table: str
    rows: int
    first: dt.date | None
    last: dt.date | None
    daily: bool
    missing_days: int
    gaps: list[Gap]


@router.get("/coverage")
def coverage(store: StorePath, _caller: DataUser, services: ServicesDep) -> list[Coverage]:
    """Each table's rows, first and last day, and the days missing in between (computed once
    per import of the store: it reads every row).
    """
    with _warehouse(services, store) as wh:
        found = services.memo.get(
            (store, "coverage"), import_key(wh.con), lambda: table_coverage(wh)
        )
    return [
        Coverage(
            table=c.table,
            rows=c.rows,
            first=c.first,
            last=c.last,
            daily=c.daily,
            missing_days=c.missing_days,
            gaps=[Gap(first=a, last=b, days=(b - a).days + 1) for a, b in c.gaps],
        )
        for c in found
    ]
