"""One record printer (:func:`shopkeeper.cli.common.show_records`): the listing commands print
records through it — a table for people, every record's dump for ``--format json``."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli import approvals, main, runs, store
from shopkeeper.settings import Settings


@pytest.mark.parametrize("module", [runs, approvals, store], ids=lambda m: m.__name__)
def test_listing_commands_build_no_table_of_their_own(module: object) -> None:
    source = inspect.getsource(module)  # type: ignore[arg-type]
    assert "Table(" not in source
    assert "show_records(" in source


def test_quarantine_prints_the_first_rows_as_a_table_and_all_as_json(
    sk_home: Settings, tiny_store: Callable[..., Path]
) -> None:
    folder = tiny_store()
    products = (folder / "products.csv").read_text(encoding="utf-8").rstrip("\n").splitlines()
    header = products[0].split(",")
    # no sku_id: each row is quarantined
    rows = [",".join(f"BAD{i}" if c == "product_id" else "" for c in header) for i in range(3)]
    (folder / "products.csv").write_text("\n".join([*products, *rows]) + "\n", encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(main.app, ["store", "import", str(folder), "--store", "shop"])
    assert imported.exit_code == 0, imported.output

    text = runner.invoke(main.app, ["store", "quarantine", "--store", "shop", "--limit", "1"])
    assert text.exit_code == 0, text.output
    assert "3 quarantined rows" in text.stdout
    assert "products" in text.stdout
    assert "… 2 more" in text.stdout
    listed = runner.invoke(main.app, ["store", "quarantine", "--store", "shop", "--format", "json"])
    found = json.loads(listed.stdout)
    assert [r["table"] for r in found] == ["products"] * 3
