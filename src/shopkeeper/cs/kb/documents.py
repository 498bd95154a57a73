"""Merchant documents → knowledge-base entries.

Markdown, TXT, HTML, DOCX and PDF become chunks: a document is read as blocks (paragraphs, list
items, table rows) under their heading path, and consecutive blocks under the same headings are
packed into chunks of at most :data:`CHUNK_CHARS` characters (a longer paragraph is cut at sentence
ends). A chunk keeps its file and first line (TXT/Markdown/HTML), paragraph (DOCX) or page (PDF).
A chunk whose file name or headings speak of returns, shipping, warranty... is a ``policy`` entry,
any other a ``doc_chunk``.

FAQ spreadsheets (XLSX, CSV) give one ``faq`` entry per row with a question and an answer; the
header row (found in the first five rows) may use Chinese or English names (问题/答案,
question/answer...).

A file that cannot be read raises an error naming the file and the reason; nothing is skipped
silently (only hidden files and Office lock files ``~$*`` are passed over in folders).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from shopkeeper.cs.kb.models import KbEntry, KbSource, make_entry
from shopkeeper.errors import MissingColumnError, ShopkeeperError, UnreadableFileError
from shopkeeper.store.encoding import detect_encoding
from shopkeeper.text import detect_lang

CHUNK_CHARS = 360
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".docx", ".pdf"})
FAQ_SUFFIXES = frozenset({".xlsx", ".csv"})
SUFFIXES = TEXT_SUFFIXES | FAQ_SUFFIXES
QUESTION_HEADERS = frozenset(
    {"问题", "问", "常见问题", "提问", "客户问题", "买家问题", "question", "questions", "q", "faq"}
)
ANSWER_HEADERS = frozenset(
    {
        "答案",
        "回答",
        "答",
        "回复",
        "标准回答",
        "客服回答",
        "标准答案",
        "answer",
        "answers",
        "a",
        "reply",
    }
)
_POLICY = re.compile(
    r"退|换货|售后|保修|质保|运费|发货|物流|配送|政策|规则|条款|须知|说明|"
    r"polic|return|refund|shipping|delivery|warrant|exchange|terms",
    re.I,
)


class UnsupportedDocumentError(ShopkeeperError, ValueError):
    """A file type the knowledge base cannot read."""


@dataclass(frozen=True)
class Block:
    """A paragraph-sized piece of a document under its heading path."""

    headings: tuple[str, ...]
    text: str
    line: int | None = None
    page: int | None = None


def source_path(path: Path) -> Path:
    """A document source as given to ``cs kb add`` (a file or folder), resolved; a symbolic link
    is refused as links inside folders are skipped (it could lead anywhere on the machine).
    """
    given = path.expanduser()
    if given.is_symlink():
        raise UnreadableFileError(
            f"{path}: is a symbolic link, which is never followed; add the file or folder itself"
        )
    resolved = given.resolve()
    if not resolved.exists():
        raise UnreadableFileError(f"{path}: no such file or folder")
    return resolved


def document_files(paths: list[Path], *, links: list[Path] | None = None) -> list[Path]:
    """The document files under ``paths`` (files or folders), sorted; unknown types are errors.
    A symbolic link inside a folder is never followed (it could lead anywhere on the machine):
    it is skipped and appended to ``links``.
    """
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UnreadableFileError(f"{path}: no such file or folder")
        candidates = [path]
        if path.is_dir():
            inside = sorted(path.rglob("*"))  # never descends into a linked folder
            candidates = [p for p in inside if p.is_file() and not p.is_symlink()]
            if links is not None:
                links.extend(p for p in inside if p.is_symlink())
        for file in candidates:
            if path.is_dir() and (file.name.startswith((".", "~$"))):
                continue
            if file.suffix.lower() not in SUFFIXES:
                raise UnsupportedDocumentError(
                    f"{file}: unsupported document type {file.suffix or '(none)'!r}; "
                    f"use one of {', '.join(sorted(SUFFIXES))}"
                )
            found.append(file.resolve())
    if links is not None:  # a link to a document read anyway is no warning
        read = set(found)
        links[:] = [p for p in links if p.resolve() not in read]
    return found


def load_document(path: Path, store: str, *, label: str | None = None) -> list[KbEntry]:
    """The entries of one document (``label`` is the file name shown in citations)."""
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedDocumentError(
            f"{path}: unsupported document type {suffix!r}; use one of {', '.join(sorted(SUFFIXES))}"
        )
    if path.stat().st_size == 0:
        raise UnreadableFileError(f"{path}: the file is empty")
    if suffix in FAQ_SUFFIXES:
        entries = _faq_entries(path, store, label)
    else:
        entries = _chunk_entries(_blocks(path, suffix), path, store, label)
    if not entries:
        raise UnreadableFileError(f"{path}: no text found in the document (a scanned image?)")
    return entries


def _blocks(path: Path, suffix: str) -> list[Block]:
    if suffix == ".docx":
        return _docx_blocks(path)
    if suffix == ".pdf":
        return _pdf_blocks(path)
    text = _read_text(path)
    if suffix in (".html", ".htm"):
        return _html_blocks(text)
    return _markdown_blocks(text, markdown=suffix != ".txt")


def _read_text(path: Path) -> str:
    encoding = detect_encoding(path, whole_file=True)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:  # pragma: no cover - detect_encoding checked the bytes
        raise UnreadableFileError(f"{path}: cannot decode as {encoding}: {exc}") from exc
    if "\x00" in text:
        raise UnreadableFileError(f"{path}: binary data in a text document")
    return text


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`>]+|^\s*(?:[-+]|\d+\.)\s+")


def _markdown_blocks(text: str, *, markdown: bool) -> list[Block]:
    """Paragraphs separated by blank lines; Markdown headings (``#``) open a new heading path."""
    blocks: list[Block] = []
    headings: list[str] = []
    para: list[str] = []
    start = 0

    def flush() -> None:
        if para:
            blocks.append(Block(tuple(headings), "\n".join(para), line=start))
            para.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _MD_HEADING.match(line) if markdown else None
        if heading:
            flush()
            level = len(heading.group(1))
            del headings[level - 1 :]
            headings.extend([""] * (level - 1 - len(headings)))
            headings.append(heading.group(2))
        elif not line or (markdown and set(line) <= set("-=*_|: ")):
            flush()
        else:
            if not para:
                start = number
            para.append(_MD_MARKUP.sub(r"\1", line).strip() if markdown else line)
    flush()
    return [Block(tuple(h for h in b.headings if h), b.text, b.line) for b in blocks if b.text]


class _HtmlText(HTMLParser):
    """Text blocks of an HTML page: headings, paragraphs, list items, table rows."""

    _BLOCK = frozenset(
        {"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol", "dd", "dt"}
    )
    _SKIP = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.headings: list[str] = []
        self._buf: list[str] = []
        self._line = 1
        self._skip = 0
        self._heading_level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading_level = int(tag[1])
        elif tag in self._BLOCK:
            self._flush()
        elif tag in ("td", "th"):
            self._buf.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(self._skip - 1, 0)
        elif re.fullmatch(r"h[1-6]", tag) and self._heading_level:
            title = " ".join("".join(self._buf).split())
            self._buf.clear()
            del self.headings[self._heading_level - 1 :]
            self.headings.extend([""] * (self._heading_level - 1 - len(self.headings)))
            self.headings.append(title)
            self._heading_level = 0
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not "".join(self._buf).strip():
            self._line = self.getpos()[0] + (data[: len(data) - len(data.lstrip())].count("\n"))
        self._buf.append(data)

    def _flush(self) -> None:
        if self._heading_level:
            return
        text = " ".join("".join(self._buf).split()).strip(" |")
        self._buf.clear()
        if text:
            heads = tuple(h for h in self.headings if h)
            self.blocks.append(Block(heads, text, line=self._line))

    def close(self) -> None:
        super().close()
        self._heading_level = 0
        self._flush()


def _html_blocks(text: str) -> list[Block]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return parser.blocks


def _docx_blocks(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(f"{path}: not a valid Word .docx file ({exc})") from exc
    blocks: list[Block] = []
    headings: list[str] = []
    for number, item in enumerate(document.iter_inner_content(), start=1):
        if isinstance(item, Table):
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                text = " | ".join(dict.fromkeys(c for c in cells if c))
                if text:
                    blocks.append(Block(tuple(headings), text, line=number))
            continue
        text = item.text.strip()
        style = (item.style.name if item.style is not None else "") or ""
        level = re.match(r"(?:Heading|标题)\s*(\d)", style)
        if text and (level or style == "Title"):
            depth = int(level.group(1)) if level else 1
            del headings[depth - 1 :]
            headings.extend([""] * (depth - 1 - len(headings)))
            headings.append(text)
        elif text:
            blocks.append(Block(tuple(h for h in headings if h), text, line=number))
    return blocks


def _pdf_blocks(path: Path) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadableFileError(f"{path}: the PDF is encrypted; export it without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise UnreadableFileError(f"{path}: not a readable PDF ({exc})") from exc
    blocks: list[Block] = []
    for number, text in enumerate(pages, start=1):
        for para in re.split(r"\n\s*\n", text):
            joined = _join_pdf_lines(para)
            if joined:
                blocks.append(Block((), joined, page=number))
    return blocks


def _join_pdf_lines(text: str) -> str:
    """Join a PDF paragraph's lines: no space between Chinese characters, one between words."""
    out = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        cjk_join = (
            out
            and re.match(r"[\u4e00-\u9fff，。；：]", line[0])
            and re.search(r"[\u4e00-\u9fff，。；：]$", out)
        )
        out = f"{out}{line}" if cjk_join or not out else f"{out} {line}"
    return out


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+")


def _split_long(text: str, limit: int) -> Iterator[str]:
    piece = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s and s.strip()):
        if piece and len(piece) + len(sentence) > limit:
            yield piece.strip()
            piece = ""
        while len(sentence) > limit:
            yield sentence[:limit].strip()
            sentence = sentence[limit:]
        piece += sentence
    if piece.strip():
        yield piece.strip()


def _chunk_entries(blocks: list[Block], path: Path, store: str, label: str) -> list[KbEntry]:
    chunks: list[tuple[Block, str]] = []
    current: Block | None = None
    body = ""
    for block in blocks:
        for text in _split_long(block.text, CHUNK_CHARS):
            same = current is not None and current.headings == block.headings
            if (
                same
                and current is not None
                and current.page == block.page
                and len(body) + len(text) < CHUNK_CHARS
            ):
                body = f"{body}\n{text}"
                continue
            if current is not None:
                chunks.append((current, body))
            current, body = block, text
    if current is not None:
        chunks.append((current, body))
    entries = []
    for index, (block, text) in enumerate(chunks):
        title = " › ".join((Path(label).stem, *block.headings))
        where = f"#p{block.page}" if block.page else f":{block.line}" if block.line else ""
        is_policy = bool(_POLICY.search(" ".join((label, *block.headings))))
        entries.append(
            make_entry(
                kind="policy" if is_policy else "doc_chunk",
                key=f"{label}#{index}",
                title=title,
                text=text,
                store=store,
                source=KbSource(
                    type="document",
                    ref=f"{label}{where}",
                    file=str(path),
                    line=block.line,
                    page=block.page,
                ),
                fields={"chunk": index, "headings": list(block.headings)},
                lang=detect_lang(title + text),
            )
        )
    return entries


def _faq_rows(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    """(sheet name, rows as text) of a spreadsheet or CSV."""
    if path.suffix.lower() == ".csv":
        text = _read_text(path)
        try:
            yield path.name, [row for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise UnreadableFileError(f"{path}: not a valid CSV file ({exc})") from exc
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFileError(f"{path}: not a valid Excel .xlsx workbook ({exc})") from exc
    try:
        for sheet in workbook.worksheets:
            rows = [
                ["" if v is None else str(v).strip() for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            yield sheet.title, rows
    finally:
        workbook.close()


def _header(rows: list[list[str]]) -> tuple[int, int, int] | None:
    """(header row index, question column, answer column) in the first five rows."""
    for index, row in enumerate(rows[:5]):
        names = [re.sub(r"[\s:：()（）]", "", c).lower() for c in row]
        q = next((i for i, n in enumerate(names) if n in QUESTION_HEADERS), None)
        a = next((i for i, n in enumerate(names) if n in ANSWER_HEADERS), None)
        if q is not None and a is not None:
            return index, q, a
    return None


def _faq_entries(path: Path, store: str, label: str) -> list[KbEntry]:
    entries: list[KbEntry] = []
    for sheet, rows in _faq_rows(path):
        header = _header(rows)
        if header is None:
            continue
        head, qcol, acol = header
        for offset, row in enumerate(rows[head + 1 :], start=head + 2):
            question = row[qcol].strip() if qcol < len(row) else ""
            answer = row[acol].strip() if acol < len(row) else ""
            if not question and not answer:
                continue
            if not question or not answer:
                raise UnreadableFileError(
                    f"{path}: row {offset} of sheet {sheet!r} has a "
                    f"{'question' if question else 'answer'} but no "
                    f"{'answer' if question else 'question'}; fill it in or delete the row"
                )
            where = (
                f"{label}:row {offset}" if sheet == path.name else f"{label}[{sheet}]:row {offset}"
            )
            entries.append(
                make_entry(
                    kind="faq",
                    key=f"{label}#{sheet}#{question}",
                    title=question,
                    text=f"{question}\n{answer}",
                    store=store,
                    source=KbSource(type="document", ref=where, file=str(path), row=offset),
                    fields={"question": question, "answer": answer},
                    lang=detect_lang(question + answer),
                )
            )
    if not entries and not any(_header(rows) for _, rows in _faq_rows(path)):
        raise MissingColumnError(
            f"{path}: no question/answer header found in the first five rows; name the columns "
            "问题 and 答案 (or question and answer)"
        )
    return entries
