"""`cs kb add FOLDER` never follows a symbolic link out of the folder: it is skipped and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.cli.common import OutputFormat
from shopkeeper.cli.cs_kb import _report
from shopkeeper.cs.kb import BuildReport
from shopkeeper.cs.kb.documents import document_files


def test_links_in_a_folder_are_skipped_and_reported(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwords.md"
    secret.parent.mkdir()
    secret.write_text("# root password\nhunter2\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "policy.md").write_text("# 退货\n七天无理由\n", encoding="utf-8")
    (docs / "faq.md").symlink_to(secret)
    (docs / "more").symlink_to(secret.parent, target_is_directory=True)
    links: list[Path] = []
    assert [p.name for p in document_files([docs], links=links)] == ["policy.md"]
    assert sorted(p.name for p in links) == ["faq.md", "more"]


def test_the_build_report_names_the_skipped_links(capsys: pytest.CaptureFixture[str]) -> None:
    report = BuildReport(
        store="s",
        entries=1,
        by_kind={"document": 1},
        embedded=1,
        reused=0,
        removed=0,
        documents=1,
        seconds=0.1,
        path="/x",
        skipped_links=["/docs/faq.md"],
    )
    _report(report, OutputFormat.text)
    out = capsys.readouterr().out
    assert "symbolic links skipped" in out
    assert "/docs/faq.md" in out
