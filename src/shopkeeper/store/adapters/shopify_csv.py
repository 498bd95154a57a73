"""Reading Shopify CSV exports: rows as dicts of stripped text, timestamps, money, stable ids."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path

from shopkeeper.errors import MissingColumnError, UnreadableFileError

Row = dict[str, str]


def read_header(path: Path) -> list[str]:
    """The header row of a CSV file (UTF-8, BOM or not), stripped; ``[]`` when unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [h.strip() for h in next(csv.reader(fh), [])]
    except (UnicodeDecodeError, csv.Error, OSError):
        return []


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[Row]:
    """Rows of a Shopify export as ``{header: stripped text}``; missing cells read as ``""``."""
    header = read_header(path)
    missing = [name for name in required if name not in header]
    if missing:
        raise MissingColumnError(
            f"{path}: column(s) {', '.join(repr(m) for m in missing)} missing; "
            "is this Shopify's own CSV export (Orders → Export, Products → Export)?"
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield {
                        h: (cells[i].strip() if i < len(cells) else "")
                        for i, h in enumerate(header)
                    }
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFileError(f"{path}: cannot be read as a UTF-8 CSV file: {exc}") from exc


def parse_ts(text: str, tz: tzinfo) -> datetime | None:
    """Parse Shopify's ``2026-11-01 10:15:32 -0700`` (or ISO 8601); no offset means ``tz``.

    >>> from zoneinfo import ZoneInfo
    >>> parse_ts("2026-11-01 10:15:32 -0700", ZoneInfo("UTC")).isoformat()
    '2026-11-01T10:15:32-07:00'
    >>> parse_ts("2026-11-01 10:15", ZoneInfo("Europe/London")).isoformat()
    '2026-11-01T10:15:00+00:00'
    >>> parse_ts("soon", ZoneInfo("UTC")) is None
    True
    """
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def iso(ts: datetime | None) -> str | None:
    """ISO 8601 with offset, or ``None``."""
    return None if ts is None else ts.isoformat()


def money(text: str) -> Decimal | None:
    """A decimal amount from a cell (``None`` when empty or unreadable).

    >>> money("1,234.50"), money(""), money("n/a")
    (Decimal('1234.50'), None, None)
    """
    cleaned = text.replace(",", "").lstrip("$€£¥").strip()
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def short_hash(text: str, length: int = 12) -> str:
    """A stable short hex digest (sha256 prefix) of ``text``.

    >>> short_hash("a@example.com")
    '08168cd80dfd'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def customer_id(email: str) -> str | None:
    """A pseudonymous customer id from an email: never the email itself.

    >>> customer_id(" A@Example.com ") == customer_id("a@example.com")
    True
    """
    cleaned = email.strip().lower()
    return f"cust-{short_hash(cleaned)}" if cleaned else None


def synth_sku(item_name: str) -> str:
    """A stable SKU id for a variant or order line that has none, from its line-item name.

    The products adapter derives the same name for a variant (``Title - Value1 / Value2``), so an
    order line and its variant get the same id.

    >>> synth_sku("Beeswax Taper Set - Natural") == synth_sku(" beeswax taper set - natural")
    True
    """
    return f"nosku-{short_hash(' '.join(item_name.lower().split()), 10)}"


def first(rows: list[Row], column: str) -> str:
    """The first non-empty value of ``column`` among rows (order-level fields sit on one row)."""
    return next((r[column] for r in rows if r.get(column)), "")
