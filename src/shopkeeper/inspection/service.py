"""Run an inspection on a named store (the entry point behind the CLI, the API and the skills)."""

from __future__ import annotations

import datetime as dt

from shopkeeper.inspection.context import Lang
from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


def run_inspection(
    settings: Settings, store: str, *, as_of: dt.date | None = None, lang: Lang | None = None
) -> InspectionReport:
    """Inspect ``store`` on ``as_of`` (default: the last complete day in its data)."""
    with Warehouse.open(existing_store_dir(settings, store), read_only=True) as wh:
        return inspect_store(wh, store, as_of=as_of, lang=lang)
