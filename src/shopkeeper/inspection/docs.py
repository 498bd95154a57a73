"""Render ``docs/inspection.md`` from the rules themselves: each kind's detection rule (the
function's docstring) and its thresholds (the settings model's fields, defaults and descriptions).

``python -m shopkeeper.inspection.docs > docs/inspection.md`` regenerates it; a test checks that
the committed file is current.
"""

from __future__ import annotations

from shopkeeper.inspection.registry import Rule, load_rules

_HEADER = """# The inspection (巡店): how each finding kind is detected

Generated from the code by `python -m shopkeeper.inspection.docs` — edit the rules' docstrings and
settings, not this file. Every threshold is a named setting; a store can override it in
`store.toml`:

```toml
[inspection.stockout_risk]
min_gap_days = 3
```

Shared ground rules (see `src/shopkeeper/inspection/context.py`): baselines compare like with like
— the same weekday in earlier weeks, leaving out promotion days, which are judged by their
measured effect (a declared promotion that lifted orders at least 1.25× over the weeks before it,
and a week after a multi-day one; any day above 1.8× the median of the month around it). Rates on
small numbers are compared with Wilson score intervals, counts with Poisson tails
(`src/shopkeeper/analytics/stats.py`). Findings are ranked by severity, then money at stake; a
symptom explained by a root cause on the same listing (an out-of-stock SKU and its listing's
conversion drop) is folded into the root finding's evidence.

## Days outside the data, and `data_gap`

The data covers the store's first to last order day (`src/shopkeeper/inspection/coverage.py`).
`--date` before the first day, or more than 7 days after the last, is refused with that range. A
day within those 7 days is inspected *as of the last data day* — every rule runs on the last day
that has data, so days without data never read as days without sales, traffic or shipments — and
the report adds one `data_gap` finding (entity `store`, severity medium) whose evidence names each
table whose data ends before the day asked (`tables`: last day, first and last missing day), the
day the checks ran as of (`inspected_as_of`) and the checks it affects (`affects`). Such a run is
shown but **not recorded** in the findings history: it cannot mark a problem resolved.
`shopkeeper findings forget --date D --store S` removes a recorded run, as if it never ran, and
`shopkeeper demo create` starts the rebuilt store's history afresh.
"""


def _settings_table(rule: Rule) -> list[str]:
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    for name, field in rule.settings.model_fields.items():
        lines.append(f"| `{name}` | {field.default!r} | {field.description or ''} |")
    return lines if len(lines) > 2 else []


def render(rules: list[Rule] | None = None) -> str:
    """The whole document."""
    out = [_HEADER]
    for rule in rules if rules is not None else load_rules():
        needs = ", ".join(f"`{t}`" for t in rule.needs) or "products, orders, order_items"
        out += [f"## `{rule.kind}`", "", f"Needs: {needs}.", "", " ".join(rule.doc.split()), ""]
        table = _settings_table(rule)
        if table:
            out += [*table, ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
