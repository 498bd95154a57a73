"""`cs kb add FOLDER` never follows a symbolic link out of the folder: it is skipped and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.cli.common import OutputFormat
from shopkeeper.cli.cs_kb import _report
from shopkeeper.cs.kb import BuildReport
from shopkeeper.cs.kb.documents import document_files, source_path
from shopkeeper.errors import UnreadableFileError


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


def test_a_link_given_as_an_argument_is_refused_in_one_sentence(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwords.md"
    secret.parent.mkdir()
    secret.write_text("# root password\nhunter2\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "link.md").symlink_to(secret)
    with pytest.raises(UnreadableFileError, match=r"link\.md: is a symbolic link, which is never"):
        source_path(docs / "link.md")
    with pytest.raises(UnreadableFileError, match="no such file"):
        source_path(docs / "gone.md")
    assert source_path(secret) == secret.resolve()


def test_a_link_to_a_document_that_is_read_is_not_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "policy.md").write_text("# 退货\n七天无理由\n", encoding="utf-8")
    (docs / "same.md").symlink_to(docs / "policy.md")
    outside = tmp_path / "faq.md"
    outside.write_text("# FAQ\n包邮\n", encoding="utf-8")
    (docs / "faq.md").symlink_to(outside)
    links: list[Path] = []
    files = document_files([docs, outside], links=links)
    assert sorted(p.name for p in files) == ["faq.md", "policy.md"]
    assert links == []  # both links lead to documents that were added
    document_files([docs], links=links)
    assert [p.name for p in links] == ["faq.md"]
