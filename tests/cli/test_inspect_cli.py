"""``shopkeeper inspect`` and ``shopkeeper findings`` through the CLI, on a small generated store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse

from ..dates import END

runner = CliRunner()


@pytest.fixture
def shop(sk_home: Settings, tmp_path: Path) -> str:
    folder = tmp_path / "src"
    generate_store(folder, scale=0.05, seed=31, end_date=END)
    import_store(folder, "shop", settings=sk_home)
    return "shop"


@pytest.mark.slow
def test_inspect_json_then_history_and_dismiss(shop: str) -> None:
    result = runner.invoke(app, ["inspect", "--store", shop, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["store"] == shop
    assert report["findings"], "the generated store has planted problems"
    first = report["findings"][0]
    assert first["id"].startswith(f"{first['kind']}:{first['entity']['type']}:")

    history = json.loads(
        runner.invoke(app, ["findings", "--store", shop, "--format", "json"]).stdout
    )
    assert {p["status"] for p in history["problems"]} == {"new"}
    assert len(history["problems"]) == len(report["findings"])

    dismissed = runner.invoke(
        app, ["findings", "dismiss", first["id"], "--store", shop, "--reason", "clearance sale"]
    )
    assert dismissed.exit_code == 0, dismissed.stderr
    again = json.loads(runner.invoke(app, ["inspect", "--store", shop, "--format", "json"]).stdout)
    assert first["id"] not in {f["id"] for f in again["findings"]}
    assert again["summary"]["dismissed"] == 1

    assert (
        runner.invoke(app, ["findings", "undismiss", first["id"], "--store", shop]).exit_code == 0
    )
    back = json.loads(runner.invoke(app, ["inspect", "--store", shop, "--format", "json"]).stdout)
    assert first["id"] in {f["id"] for f in back["findings"]}


@pytest.mark.slow
def test_inspect_text_in_both_languages(shop: str) -> None:
    zh = runner.invoke(app, ["inspect", "--store", shop])
    en = runner.invoke(app, ["inspect", "--store", shop, "--lang", "en"])
    assert zh.exit_code == 0
    assert en.exit_code == 0
    assert "巡店" in zh.stdout
    assert "Inspection of shop" in en.stdout


def test_inspect_unknown_store(sk_home: Settings) -> None:
    result = runner.invoke(app, ["inspect", "--store", "nope"])
    assert result.exit_code == 1
    assert "no store named 'nope'" in result.stderr


def test_dismiss_unknown_finding(sk_home: Settings) -> None:
    result = runner.invoke(
        app, ["findings", "dismiss", "out_of_stock:sku:X", "--store", "nope", "--reason", "r"]
    )
    assert result.exit_code == 1
    assert "no finding" in result.stderr


def test_inspect_opens_the_warehouse_once(shop: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    real = Warehouse.open

    def counting(store_dir: Path, **kwargs: Any) -> Any:
        opened.append(store_dir)
        return real(store_dir, **kwargs)

    monkeypatch.setattr(Warehouse, "open", counting)
    result = runner.invoke(app, ["inspect", "--store", shop, "--format", "md"])
    assert result.exit_code == 0, result.stderr
    assert len(opened) == 1
