"""Bad input on the command line: one date type, days outside the data, store names, arguments.

Every error is one sentence with a non-zero exit and no traceback; a day outside the data is never
recorded in the findings history.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.ops.memory import memories_of
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store

runner = CliRunner()
END = dt.date(2026, 11, 20)
FIRST = END - dt.timedelta(days=179)
BAD_DATES = ["2026-13-01", "11/11", "20261120", "2026-11-20x", ""]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small generated store ending on END, built once for the module."""
    home = tmp_path_factory.mktemp("built")
    generate_store(home / "src", scale=0.05, seed=31, end_date=END)
    import_store(home / "src", "shop", settings=Settings(home=home))
    return home / "stores" / "shop"


@pytest.fixture
def shop(sk_home: Settings, built: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """That store under this test's SHOPKEEPER_HOME (with an empty findings history)."""
    shutil.copytree(built, sk_home.store_dir("shop"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return "shop"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def assert_clean_error(result: Result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def history(store: str) -> dict[str, Any]:
    result = run("findings", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- one date type for every command ------------------------------------------------------------

DATE_COMMANDS = [
    ["inspect", "--store", "shop", "--date"],
    ["findings", "--store", "shop", "--since"],
    ["findings", "forget", "--store", "shop", "--date"],
    ["report", "daily", "--store", "shop", "--date"],
    ["report", "weekly", "--store", "shop", "--date"],
    ["demo", "create", "--store", "d", "--no-kb", "--end-date"],
]


@pytest.mark.parametrize("command", DATE_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("value", BAD_DATES)
def test_a_bad_date_is_one_sentence_naming_the_form(
    shop: str, command: list[str], value: str
) -> None:
    result = run(*command, value)
    assert_clean_error(result, 2)
    assert "YYYY-MM-DD" in result.output
    assert "is not a date" in result.output


def test_a_bad_date_speaks_the_users_language(shop: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = run("inspect", "--store", shop, "--date", "2026-13-01")
    assert_clean_error(result, 2)
    assert "日期" in result.output
    assert "YYYY-MM-DD" in result.output


def test_a_bad_time_for_schedule_tick(sk_home: Settings) -> None:
    result = run("schedule", "tick", "--now", "tomorrow")
    assert_clean_error(result, 2)
    assert "YYYY-MM-DD" in result.output


# --- days outside the data ----------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2027-01-01", str(END + dt.timedelta(days=8)), "2026-01-01"])
def test_a_day_outside_the_data_is_refused_with_the_range(shop: str, day: str) -> None:
    result = run("inspect", "--store", shop, "--date", day, "--format", "json")
    assert_clean_error(result, 1)
    assert str(FIRST) in result.stderr
    assert str(END) in result.stderr
    assert day in result.stderr
    assert history(shop)["latest"] is None, "nothing outside the data is ever recorded"


def test_the_report_refuses_it_too(shop: str) -> None:
    result = run("report", "daily", "--store", shop, "--date", "2027-01-01")
    assert_clean_error(result, 1)
    assert str(END) in result.stderr


def test_a_day_within_a_week_after_the_data_reports_a_data_gap_and_records_nothing(
    shop: str,
) -> None:
    first = run("inspect", "--store", shop, "--format", "json")
    assert first.exit_code == 0, first.output
    on_last_day = json.loads(first.stdout)
    before = history(shop)
    assert before["latest"] == str(END)

    asked = END + dt.timedelta(days=5)
    result = run(
        "inspect", "--store", shop, "--date", str(asked), "--format", "json", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["as_of"] == str(asked)
    gaps = [f for f in report["findings"] if f["kind"] == "data_gap"]
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap["entity"] == {"type": "store", "id": shop, "name": gap["entity"]["name"]}
    assert gap["evidence"]["last_data_day"] == str(END)
    assert gap["evidence"]["inspected_as_of"] == str(END)
    assert gap["evidence"]["days_without_data"] == 5
    orders = gap["evidence"]["tables"]["orders"]
    assert orders == {
        "last_day": str(END),
        "missing_from": str(END + dt.timedelta(days=1)),
        "missing_to": str(asked),
    }
    assert "shipping_delay" in gap["evidence"]["affects"]
    assert str(END) in gap["title"]
    assert gap["recommendation"]
    # the missing days are not read as problems: the rules ran as of the last data day
    rest = sorted(f["id"] for f in report["findings"] if f["kind"] != "data_gap")
    assert rest == sorted(f["id"] for f in on_last_day["findings"])
    # ...and the run is not recorded: nothing was marked resolved
    after = history(shop)
    assert after["latest"] == str(END)
    assert after["problems"] == before["problems"]


def test_the_data_gap_speaks_the_stores_language(shop: str) -> None:
    result = run(
        "inspect", "--store", shop, "--date", str(END + dt.timedelta(days=1)), "-f", "json"
    )
    assert result.exit_code == 0, result.output
    gap = next(f for f in json.loads(result.stdout)["findings"] if f["kind"] == "data_gap")
    assert "没有数据" in gap["title"]
    assert "导入" in gap["recommendation"]


# --- forgetting a run, and a rebuilt store ------------------------------------------------------


def test_findings_forget_undoes_a_run(shop: str) -> None:
    day_before = END - dt.timedelta(days=1)
    assert run("inspect", "--store", shop, "--date", str(day_before)).exit_code == 0
    one_run = history(shop)
    assert run("inspect", "--store", shop, "--date", str(END)).exit_code == 0
    assert history(shop)["latest"] == str(END)

    result = run("findings", "forget", "--date", str(END), "--store", shop)
    assert result.exit_code == 0, result.output
    after = history(shop)
    assert after["latest"] == str(day_before)
    assert {p["status"] for p in after["problems"]} == {"new"}
    assert after["problems"] == one_run["problems"]

    again = run("findings", "forget", "--date", str(END), "--store", shop)
    assert_clean_error(again, 1)
    assert "no inspection" in again.stderr
    assert str(day_before) in again.stderr


def test_demo_create_starts_a_fresh_history(sk_home: Settings) -> None:
    args = ["demo", "create", "--store", "d", "--scale", "0.05", "--no-kb"]
    assert run(*args, "--end-date", str(END), "-f", "json").exit_code == 0
    assert run("inspect", "--store", "d").exit_code == 0
    assert history("d")["latest"] == str(END)
    assert run(*args, "--end-date", str(END - dt.timedelta(days=3)), "-f", "json").exit_code == 0
    assert history("d")["latest"] is None


# --- store names --------------------------------------------------------------------------------

BAD_STORE = "../../etc"
STORE_COMMANDS = [
    ["inspect"],
    ["findings"],
    ["findings", "forget", "--date", str(END)],
    ["findings", "dismiss", "x:sku:y", "--reason", "r"],
    ["report", "daily"],
    ["skills", "run", "sales_summary"],
    ["ask", "上周卖了多少"],
    ["memory", "add", "不做低于5折的促销"],
    ["memory", "list"],
    ["approvals", "list"],
    ["runs", "list"],
    ["schedule", "list"],
    ["cs", "kb", "remove", "faq.md"],
    ["store", "info"],
    ["token", "list"],
    ["demo", "create", "--no-kb"],
]


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("name", [BAD_STORE, "a/b", "..", "a..b", ".hidden"])
def test_every_command_checks_the_store_name(
    sk_home: Settings, command: list[str], name: str
) -> None:
    result = run(*command, "--store", name)
    assert_clean_error(result, 1)
    assert "not allowed" in result.stderr


def test_memory_add_needs_an_existing_store_and_writes_nothing(sk_home: Settings) -> None:
    for name in (BAD_STORE, "nope"):
        result = run("memory", "add", "不做低于5折的促销", "--store", name)
        assert_clean_error(result, 1)
        assert memories_of(ops_engine(sk_home), name) == []
    assert "no store named 'nope'" in run("memory", "add", "x", "--store", "nope").stderr


# --- arguments ----------------------------------------------------------------------------------


def test_a_misspelled_skill_argument_names_the_valid_ones(shop: str) -> None:
    result = run("skills", "run", "inspect_store", "--store", shop, "-a", "day=7")
    assert_clean_error(result, 1)
    assert "'day'" in result.stderr
    assert "date" in result.stderr


def test_an_invalid_skill_date_is_one_line(shop: str) -> None:
    result = run("skills", "run", "inspect_store", "--store", shop, "-a", "date=2026-13-01")
    assert_clean_error(result, 1)
    assert "date:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_skill_date_outside_the_data_is_a_clean_error(shop: str) -> None:
    result = run("skills", "run", "inspect_store", "--store", shop, "-a", "date=2027-01-01")
    assert_clean_error(result, 1)
    assert str(END) in result.stderr


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_is_refused(shop: str, question: str) -> None:
    result = run("ask", question, "--store", shop)
    assert_clean_error(result, 2)
    assert "empty" in result.output


def test_removing_a_document_never_added_is_an_error(shop: str, tmp_path: Path) -> None:
    result = run("cs", "kb", "remove", str(tmp_path / "nowhere.md"), "--store", shop)
    assert_clean_error(result, 1)
    assert "never added" in result.stderr
