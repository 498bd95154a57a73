"""``shopkeeper schedule``: the command-line words build a typed job, stored and listed as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store

from ..dates import END

runner = CliRunner()


@pytest.fixture
def shop(sk_home: Settings, tmp_path: Path) -> str:
    folder = tmp_path / "src"
    generate_store(folder, scale=0.05, seed=41, end_date=END)
    import_store(folder, "shop", settings=sk_home)
    return "shop"


def test_the_old_words_still_add_a_schedule_as_a_typed_job(shop: str) -> None:
    words = "report weekly --role ops --format html"
    added = runner.invoke(
        app, ["schedule", "add", "0 8 * * *", words, "--store", shop, "--deliver", "file:out"]
    )
    assert added.exit_code == 0, added.stderr
    assert words in " ".join(added.stdout.split())  # Rich wraps long lines
    listed = runner.invoke(app, ["schedule", "list", "--store", shop, "--format", "json"])
    [schedule] = json.loads(listed.stdout)
    assert schedule["job"] == {
        "kind": "report",
        "period": "weekly",
        "role": "ops",
        "format": "html",
    }
    assert schedule["timezone"] == "Asia/Shanghai"
    assert runner.invoke(app, ["schedule", "list", "--store", shop]).exit_code == 0


def test_words_that_are_no_job_are_one_clear_error(shop: str) -> None:
    result = runner.invoke(
        app, ["schedule", "add", "0 8 * * *", "rm -rf /", "--store", shop, "--deliver", "file:out"]
    )
    assert result.exit_code != 0
    assert "job 'rm -rf /' is not one of" in result.stderr
    assert "Traceback" not in result.stderr
