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

## The default day

Without `--date`, the inspection, the reports and every skill use one day: the last complete day
of real trading (`src/shopkeeper/store/coverage.py`, `default_day`). Real trading ends at the last
day whose 7 days hold at least 20% of the store's usual week (the upper quartile of its weekly paid
orders over 26 weeks); later days are stragglers (one cancelled order weeks after the shop closed)
when orders fall on at most half of them and hold less than one usual week in all — a store whose
sales collapsed but still sells most days is still trading. A last day cut short by the export
(its last order 3 hours before the usual last order, with improbably few orders) is not complete:
the day before is the default (UCI Online Retail: 2011-12-08, not the partial 2011-12-09).

## Gaps in the data, and `data_gap`

One `data_gap` finding (entity `store`, severity medium) names what the data does not cover:

- a store that **stopped trading**: real trading ended at least 7 days before the last order
  (`trading_stop`: last trading day, last order day, the orders after);
- a daily table that **stops**, **starts late** or **has a hole** in the 90 days up to the day:
  a span without its rows where its usual rate (rows per paid order) predicts at least 8 rows over
  at least 3 trading days, and the share of trading days that carry its rows makes so many empty
  days improbable (< 0.1%) — a quiet day of a sparse table is not a gap (`tables`: the kind of
  gap, its first and last day, the rows expected; `affects`: the checks that did not run).

A check whose table has a gap in the 28 days up to the day does not run (it is listed as
skipped, naming the gap), and figures over missing days are unknown, never 0: the reports show a
refund rate over a period without refund data as missing, and so do the skills.

A check that reads a snapshot of today rather than history (`price_anomaly` compares the list
price in `products` with what SKUs sold at) does not run on a day more than 7 days before the
data's last day: the store has no list prices of that day.

## No floods

More than 10 findings of one kind and one cause (`evidence.cause`, a complaint's
`evidence.top_topic` or a delay's `evidence.issue` when the rule names one, else the kind) become one `store` finding with the stable id `kind:store:<store>:<day>`: its severity
is the highest of theirs, its impact their sum, and its evidence lists every entity ranked by
money (`entities`), with how many share each issue (`by_issue`)
(`src/shopkeeper/inspection/grouping.py`); a named cause is part of the id
(`kind.cause:store:<store>:<day>`), so findings with another cause stay on their own.

## Days outside the data

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


def _minimums(rule: Rule) -> list[str]:
    parts = [
        f"`{m.setting}` ({m.counts})" if m.setting else f"one record ({m.counts})"
        for m in rule.minimums
    ]
    return [f"Minimum evidence: {'; '.join(parts)}.", ""] if parts else []


def render(rules: list[Rule] | None = None) -> str:
    """The whole document."""
    out = [_HEADER]
    for rule in rules if rules is not None else load_rules():
        needs = ", ".join(f"`{t}`" for t in rule.needs) or "products, orders, order_items"
        out += [f"## `{rule.kind}`", "", f"Needs: {needs}.", "", " ".join(rule.doc.split()), ""]
        out += _minimums(rule)
        table = _settings_table(rule)
        if table:
            out += [*table, ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
