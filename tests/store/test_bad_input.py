"""The bad-input corpus: every broken store gives a clear, located message and loses nothing valid.

Row-level problems are quarantined with file, line (as an editor shows it), column and reason,
and every good row of the same file is imported. Whole-file problems fail the import with a
message naming the file, and leave the warehouse exactly as it was (one transaction).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.errors import MissingFileError
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.schema import TABLES

from .corpus import (
    ALL_CASES,
    FATAL_CASES,
    ORDERS,
    ROW_CASES,
    TRAFFIC,
    FatalCase,
    RowCase,
    build,
    by_id,
    counts,
    csv_bytes,
    dump,
    quarantine_json,
    verify,
    with_rows,
    write_store,
)

STORE = "shop"
DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-input.md"
QUARANTINE_KEYS = {"table", "file", "line", "column", "reason", "raw"}


def cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("case", ROW_CASES, ids=str)
def test_bad_rows_are_located_and_good_rows_kept(
    case: RowCase, sk_home: Settings, tmp_path: Path
) -> None:
    report = import_store(build(case, tmp_path / case.id), STORE, settings=sk_home)
    verify(case, sk_home, STORE, report.notes)
    assert report.bad_rows == len(case.bad)


def test_quarantined_rows_keep_the_raw_row(sk_home: Settings, tmp_path: Path) -> None:
    case = by_id("unknown-enum")
    import_store(build(case, tmp_path / "raw"), STORE, settings=sk_home)
    (row,) = quarantine_json(STORE)
    assert row["raw"] == dict(
        zip(
            ORDERS[0],
            ["O-1004", "C-003", "2026-11-02 10:00:00", None, "shipping", "app", "1", "0"],
            strict=True,
        )
    )
    assert row["file"] == str(tmp_path / "raw" / "orders.csv")


def test_truncated_row_keeps_its_raw_text(sk_home: Settings, tmp_path: Path) -> None:
    case = by_id("truncated-last-line")
    import_store(build(case, tmp_path / "cut"), STORE, settings=sk_home)
    (row,) = quarantine_json(STORE)
    assert "O-1004,C-003,2026-11-0" in json.dumps(row["raw"])


def test_exact_duplicates_are_counted_not_quarantined(sk_home: Settings, tmp_path: Path) -> None:
    case = by_id("exact-duplicates")
    report = import_store(build(case, tmp_path / "dups"), STORE, settings=sk_home)
    assert report.tables["orders"].duplicates == 2
    assert report.tables["orders"].imported == 3
    assert report.bad_rows == 0


def test_formula_reason_comes_first(sk_home: Settings, tmp_path: Path) -> None:
    """A formula Excel never calculated is the cause; 'not a number' would send the merchant astray."""
    case = by_id("xlsx")
    import_store(build(case, tmp_path / "xlsx"), STORE, settings=sk_home)
    row = next(r for r in quarantine_json(STORE) if r["line"] == 4 and r["table"] == "orders")
    assert "open the workbook in Excel" in row["reason"]
    assert "not a number" not in row["reason"]


# -- whole-file failures ----------------------------------------------------------------------


def _assert_error(case: FatalCase, exc: pytest.ExceptionInfo[Exception]) -> None:
    message = str(exc.value)
    for part in case.message:
        assert part in message, f"{part!r} not in {message!r}"
    assert "stg_" not in message, (
        "the message names the importer's temporary copy, not the merchant's file"
    )


@pytest.mark.parametrize("case", FATAL_CASES, ids=str)
def test_fatal_on_a_new_store_imports_nothing(
    case: FatalCase, sk_home: Settings, tmp_path: Path
) -> None:
    with pytest.raises(case.error) as exc:
        import_store(build(case, tmp_path / case.id), STORE, settings=sk_home)
    _assert_error(case, exc)
    state = dump(sk_home, STORE)
    assert all(rows == [] for name, rows in state.items() if name != "_store"), (
        "something was imported"
    )


@pytest.mark.parametrize("case", [c for c in FATAL_CASES if c.on_existing_store], ids=str)
def test_fatal_on_an_existing_store_changes_nothing(
    case: FatalCase, sk_home: Settings, tmp_path: Path
) -> None:
    import_store(write_store(tmp_path / "good", traffic=True), STORE, settings=sk_home)
    before = dump(sk_home, STORE)
    with pytest.raises(case.error) as exc:
        import_store(build(case, tmp_path / case.id), STORE, settings=sk_home)
    _assert_error(case, exc)
    assert dump(sk_home, STORE) == before


def test_missing_required_file_is_fine_on_an_existing_store(
    sk_home: Settings, tmp_path: Path
) -> None:
    """A later export may bring only some tables: the store already has the required ones."""
    import_store(write_store(tmp_path / "good"), STORE, settings=sk_home)
    only_orders = write_store(tmp_path / "later", {"products.csv": None, "order_items.csv": None})
    report = import_store(only_orders, STORE, settings=sk_home)
    assert list(report.tables) == ["orders"]


def test_failed_first_import_then_a_file_without_store_toml(
    sk_home: Settings, tmp_path: Path
) -> None:
    """A first import that failed leaves no store config; the next import must say store.toml is missing."""
    broken = by_id("missing-column")
    with pytest.raises(broken.error):
        import_store(build(broken, tmp_path / "first"), STORE, settings=sk_home)
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "orders.csv").write_bytes(csv_bytes(ORDERS))
    with pytest.raises(MissingFileError, match=r"store\.toml"):
        import_store(loose / "orders.csv", STORE, settings=sk_home)


# -- the CLI ----------------------------------------------------------------------------------


@pytest.fixture
def imported(sk_home: Settings, tmp_path: Path) -> Settings:
    """A store with a bad order, an order without items and a day without traffic."""
    orders = with_rows(
        ORDERS,
        ["O-1004", "C-003", "2026-11-04 10:00:00", "", "shipping", "app", "1", "0"],
        ["O-1005", "C-003", "2026-11-04 11:00:00", "2026-11-04 11:01:00", "paid", "app", "1", "0"],
        ORDERS[2],  # an exact duplicate: still one row per key
    )
    traffic = with_rows(TRAFFIC, ["2026-11-04", "P-002", "search", "10", "0", "0"])
    folder = write_store(
        tmp_path / "cli", {"orders.csv": csv_bytes(orders), "traffic.csv": csv_bytes(traffic)}
    )
    result = cli("store", "import", str(folder), "--store", STORE, "--format", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["tables"]["orders"]["bad"] == 1
    return sk_home


def test_cli_quarantine_json_shape(imported: Settings) -> None:
    result = cli("store", "quarantine", "--store", STORE, "--format", "json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    rows = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert isinstance(rows, list)
    assert len(rows) == 1
    (row,) = rows
    assert set(row) >= QUARANTINE_KEYS
    assert (row["table"], Path(row["file"]).name, row["line"], row["column"]) == (
        "orders",
        "orders.csv",
        5,
        "status",
    )
    assert isinstance(row["line"], int)
    assert isinstance(row["raw"], dict)
    assert '"shipping"' in row["reason"]


def test_cli_quarantine_table_filter(imported: Settings) -> None:
    result = cli("store", "quarantine", "--store", STORE, "--format", "json", "--table", "traffic")
    assert json.loads(result.stdout) == []  # type: ignore[attr-defined]


def test_cli_quarantine_csv_export(imported: Settings, tmp_path: Path) -> None:
    out = tmp_path / "quarantine.csv"
    result = cli("store", "quarantine", "--store", STORE, "--out", str(out))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    assert set(rows[0]) == QUARANTINE_KEYS
    assert rows[0]["line"] == "5"
    assert rows[0]["column"] == "status"
    assert json.loads(rows[0]["raw"])["status"] == "shipping"


def test_cli_info_json_shape(imported: Settings) -> None:
    result = cli("store", "info", "--store", STORE, "--format", "json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    info = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert {"store", "tables", "warnings"} <= set(info)
    assert info["store"] == STORE
    assert set(info["tables"]) == set(TABLES)
    for table in info["tables"].values():
        assert {"rows", "from", "to"} <= set(table)
    orders = info["tables"]["orders"]
    assert (orders["rows"], orders["from"], orders["to"]) == (4, "2026-11-01", "2026-11-04")
    assert info["tables"]["traffic"]["rows"] == 4
    warnings = "\n".join(info["warnings"])
    assert re.search(r"\b1 orders? ha(s|ve) no order_items", warnings), warnings
    assert re.search(r"traffic: 1 day without data: 2026-11-03", warnings), warnings


def test_cli_missing_store_is_an_error(sk_home: Settings) -> None:
    for command in (["info"], ["quarantine"]):
        result = cli("store", *command, "--store", "nowhere", "--format", "json")
        assert result.exit_code == 1  # type: ignore[attr-defined]
        assert "nowhere" in result.stderr  # type: ignore[attr-defined]
        assert result.stdout == ""  # type: ignore[attr-defined]


def test_cli_missing_column_is_an_error(sk_home: Settings, tmp_path: Path) -> None:
    case = by_id("missing-column")
    result = cli("store", "import", str(build(case, tmp_path / "bad")), "--store", STORE)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    err = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "traffic.csv" in err
    assert "'visitors'" in err
    assert counts(sk_home, STORE)["products"] == 0


# -- the documentation ------------------------------------------------------------------------


def test_every_case_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [c.id for c in ALL_CASES if f"`{c.id}`" not in text]
    assert not missing, f"docs/bad-input.md lacks {missing}"
