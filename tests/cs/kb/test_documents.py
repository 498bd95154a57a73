"""Every document type becomes entries with a precise source; a bad file is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.cs.kb.documents import (
    CHUNK_CHARS,
    UnsupportedDocumentError,
    document_files,
    load_document,
)
from shopkeeper.errors import MissingColumnError, UnreadableFileError

from .docs import POLICY_MD, write_docx, write_faq_xlsx, write_pdf


def test_markdown_chunks_by_heading_and_keeps_lines(tmp_path: Path) -> None:
    entries = load_document(_write(tmp_path / "退换货政策.md", POLICY_MD), "s")
    assert [e.title for e in entries] == [
        "退换货政策 › 退换货政策 › 七天无理由退货",
        "退换货政策 › 退换货政策 › 发货说明",
    ]
    assert all(e.kind == "policy" for e in entries)
    assert entries[0].source.line == 5
    assert entries[0].source.ref == "退换货政策.md:5"
    assert "七天无理由退货" in entries[0].text
    assert "运费" in entries[0].text
    assert entries[1].source.line == 10


def test_text_is_cut_at_sentences_into_bounded_chunks(tmp_path: Path) -> None:
    long = "本品选用云南高山阿拉比卡咖啡豆，低温慢烘。" * 60
    entries = load_document(_write(tmp_path / "about.txt", f"品牌故事\n\n{long}\n"), "s")
    assert len(entries) > 2
    assert all(len(e.text) <= CHUNK_CHARS + 1 for e in entries)
    assert all(e.kind == "doc_chunk" for e in entries)
    assert entries[1].source.line == 3


def test_html_strips_tags_scripts_and_styles(tmp_path: Path) -> None:
    html = """<html><head><style>p {color: red}</style><title>x</title></head><body>
    <h1>Shipping policy</h1>
    <script>var secret = 1;</script>
    <p>We ship within <b>48 hours</b> of payment.</p>
    <ul><li>Free shipping over $50</li></ul>
    </body></html>"""
    entries = load_document(_write(tmp_path / "shipping.html", html), "s")
    text = " ".join(e.text for e in entries)
    assert "48 hours" in text
    assert "Free shipping over $50" in text
    assert "secret" not in text
    assert "color" not in text
    assert "<" not in text
    assert entries[0].title == "shipping › Shipping policy"
    assert entries[0].kind == "policy"
    assert entries[0].lang == "en"
    assert entries[0].source.line == 4


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    entries = load_document(write_docx(tmp_path / "会员.docx"), "s")
    by_title = {e.title: e for e in entries}
    assert "100积分抵1元" in by_title["会员 › 会员权益说明"].text
    birthday = by_title["会员 › 会员权益说明 › 生日礼"]
    assert "20元无门槛优惠券" in birthday.text
    assert "金卡 | 95折" in birthday.text
    assert birthday.source.line is not None


def test_pdf_text_per_page(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "warranty.pdf",
        ["The grinder has a two year warranty.", "Burrs are replaced free of charge."],
    )
    entries = load_document(path, "s")
    assert [e.source.page for e in entries] == [1, 2]
    assert entries[0].source.ref == "warranty.pdf#p1"
    assert entries[0].kind == "policy"
    assert "two year warranty" in entries[0].text


def test_faq_xlsx_with_chinese_headers_below_a_title_row(tmp_path: Path) -> None:
    path = write_faq_xlsx(
        tmp_path / "faq.xlsx",
        [("可以开发票吗", "可以，在订单详情页申请电子发票。"), ("几天发货", "48小时内发货。")],
        ("问题", "答案"),
    )
    entries = load_document(path, "s")
    assert [e.kind for e in entries] == ["faq", "faq"]
    assert entries[0].fields == {
        "question": "可以开发票吗",
        "answer": "可以，在订单详情页申请电子发票。",
    }
    assert entries[0].source.row == 3
    assert entries[0].source.ref == "faq.xlsx[FAQ]:row 3"


def test_faq_csv_with_english_headers(tmp_path: Path) -> None:
    path = _write(tmp_path / "faq.csv", "Question,Answer\nDo you ship abroad?,Not yet.\n")
    [entry] = load_document(path, "s")
    assert entry.title == "Do you ship abroad?"
    assert entry.fields["answer"] == "Not yet."
    assert entry.source.ref == "faq.csv:row 2"
    assert entry.lang == "en"


def test_gbk_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "说明.txt"
    path.write_bytes("本店所有咖啡豆均为当周烘焙。".encode("gbk"))
    assert "当周烘焙" in load_document(path, "s")[0].text


def test_ids_are_stable_and_hashes_follow_content(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", POLICY_MD)
    first = load_document(path, "s")
    again = load_document(path, "s")
    assert [e.id for e in first] == [e.id for e in again]
    _write(path, POLICY_MD.replace("48小时", "24小时"))
    edited = load_document(path, "s")
    assert [e.id for e in edited] == [e.id for e in first]
    assert edited[0].content_hash == first[0].content_hash
    assert edited[1].content_hash != first[1].content_hash


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("empty.md", b"", UnreadableFileError, "empty"),
        ("broken.docx", b"PK\x03\x04 not really a zip", UnreadableFileError, "not a valid Word"),
        ("broken.pdf", b"%PDF-1.4 garbage", UnreadableFileError, "PDF"),
        ("broken.xlsx", b"not a workbook", UnreadableFileError, "not a valid Excel"),
        ("image.png", b"\x89PNG", UnsupportedDocumentError, "unsupported document type"),
        ("nocols.csv", "名称,价格\n咖啡,79\n".encode(), MissingColumnError, "问题 and 答案"),
        ("half.csv", "问题,答案\n能开发票吗,\n".encode(), UnreadableFileError, "row 2"),
        ("binary.txt", b"abc\x00\x01def", UnreadableFileError, "binary"),
    ],
)
def test_bad_files_raise_errors_naming_the_file_and_reason(
    tmp_path: Path, name: str, data: bytes, error: type[Exception], reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error, match=reason) as caught:
        load_document(path, "s")
    assert str(path) in str(caught.value)


def test_folders_are_walked_and_unknown_files_are_errors(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    _write(docs / "a.md", POLICY_MD)
    _write(docs / ".hidden.md", "x")
    _write(docs / "~$lock.docx", "x")
    assert [p.name for p in document_files([docs])] == ["a.md"]
    _write(docs / "notes.rtf", "x")
    with pytest.raises(UnsupportedDocumentError, match=r"notes\.rtf"):
        document_files([docs])
    with pytest.raises(UnreadableFileError, match="no such file"):
        document_files([tmp_path / "missing"])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
