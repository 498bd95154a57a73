"""Every command group through Typer's CliRunner, as a merchant would call it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper import __version__
from shopkeeper.cli.main import app
from shopkeeper.settings import Settings

runner = CliRunner()
DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0
    assert out.strip() == __version__


def test_import_then_info_and_quarantine(
    sk_home: Settings, tiny_store: Callable[..., Path]
) -> None:
    folder = tiny_store()
    code, out, _ = invoke("store", "import", str(folder), "--store", "shop", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["store"] == "shop"
    assert report["tables"]["orders"]["imported"] > 0
    code, out, _ = invoke("store", "info", "--store", "shop", "--format", "json")
    assert code == 0
    info = json.loads(out)
    assert set(info) >= {"store", "tables", "warnings"}
    assert info["tables"]["orders"]["rows"] == report["tables"]["orders"]["imported"]
    assert info["tables"]["orders"]["from"] <= info["tables"]["orders"]["to"]
    code, out, _ = invoke("store", "quarantine", "--store", "shop", "--format", "json")
    assert code == 0
    assert json.loads(out) == []


def test_text_summary_names_tables(sk_home: Settings, tiny_store: Callable[..., Path]) -> None:
    code, out, _ = invoke("store", "import", str(tiny_store()), "--store", "shop")
    assert code == 0
    assert "order_items" in out
    assert "Imported into store 'shop'" in out


def test_unknown_store_is_a_clear_error(sk_home: Settings) -> None:
    code, out, err = invoke("store", "info", "--store", "nope")
    assert code == 1
    assert "no store named 'nope'" in err
    assert out == ""


def test_bad_store_name_is_rejected(sk_home: Settings, tiny_store: Callable[..., Path]) -> None:
    code, _, err = invoke("store", "import", str(tiny_store()), "--store", "../escape")
    assert code == 1
    assert "not allowed" in err


def test_unknown_dataset(sk_home: Settings) -> None:
    code, _, err = invoke("store", "import-dataset", "iris", "--store", "x")
    assert code != 0
    assert "online-retail" in err


@pytest.mark.dataset
@pytest.mark.slow
def test_import_dataset_online_retail(sk_home: Settings) -> None:
    if not DATASETS.is_dir():
        pytest.skip(f"datasets not found at {DATASETS}")
    path = DATASETS / "online_retail"
    code, out, _ = invoke(
        "store",
        "import-dataset",
        "online-retail",
        "--store",
        "uk-gifts",
        "--path",
        str(path),
        "--format",
        "json",
    )
    assert code == 0
    report = json.loads(out)
    assert sum(t["bad"] for t in report["tables"].values()) == 0
    assert report["tables"]["order_items"]["imported"] > 1_000_000
    code, out, _ = invoke("store", "info", "--store", "uk-gifts", "--format", "json")
    info = json.loads(out)
    assert info["tables"]["orders"]["from"] == "2009-12-01"
    assert info["tables"]["orders"]["to"] == "2011-12-09"


def test_demo_create_builds_the_knowledge_base_unless_told_not_to(sk_home: Settings) -> None:
    from shopkeeper.cs.kb.keeper import staleness

    code, out, _ = invoke(
        "demo", "create", "--store", "d1", "--scale", "0.05", "--no-kb", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["knowledge_base"] is None
    assert staleness(sk_home, "d1") == "missing"
    code, out, _ = invoke("demo", "create", "--store", "d2", "--scale", "0.05", "--format", "json")
    assert code == 0
    kb = json.loads(out)["knowledge_base"]
    assert kb["entries"] > 100
    assert kb["by_kind"]["sku"] > 0
    assert staleness(sk_home, "d2") is None
