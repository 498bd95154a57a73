"""Run an inspection on a named store (the entry point behind the CLI, the API and the skills)."""

from __future__ import annotations

import datetime as dt

from shopkeeper.context import StoreContext
from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.models import SEVERITY_ORDER, InspectionReport
from shopkeeper.store.warehouse import Warehouse, existing_store_dir
from shopkeeper.text import Lang


def run_inspection(
    ctx: StoreContext,
    *,
    as_of: dt.date | None = None,
    lang: Lang | None = None,
    remember: bool = True,
    warehouse: Warehouse | None = None,
) -> InspectionReport:
    """Inspect the store of ``ctx`` on ``as_of`` (default: the last complete day in its data).

    Findings the merchant dismissed stay out of the report until their evidence changes
    materially; with ``remember`` every finding is recorded in the findings history — unless
    ``as_of`` lies after the last data day: that run is reported (with a ``data_gap`` finding) but
    not recorded, so it can never mark a problem resolved. A caller that already holds the
    store's ``warehouse`` passes it (it is not opened twice).
    """
    store = ctx.store
    if warehouse is not None:
        report = inspect_store(warehouse, store, as_of=as_of, lang=lang)
    else:
        with Warehouse.open(existing_store_dir(ctx.settings, store), read_only=True) as wh:
            report = inspect_store(wh, store, as_of=as_of, lang=lang)
    from shopkeeper.inspection.history import record, split_dismissed

    shown, hidden = split_dismissed(ctx.engine, store, report.findings)
    report.findings = shown
    report.summary.dismissed = len(hidden)
    report.summary.counts = {s: sum(1 for f in shown if f.severity == s) for s in SEVERITY_ORDER}
    if remember and not report.past_data:  # days without data are never recorded
        record(ctx.engine, report, hidden)
    return report
