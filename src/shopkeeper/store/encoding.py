"""Text encodings of store files: detect from the bytes (never from the file name) and transcode.

Chinese platforms export CSV in GBK/GB18030 as often as in UTF-8; Excel's "Unicode text" is
UTF-16. DuckDB reads UTF-8 only (its ``encodings`` extension cannot be downloaded here), so a
non-UTF-8 file is transcoded to a temporary UTF-8 copy in one streaming pass. Line numbers do
not change.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from shopkeeper.errors import UnreadableFileError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


_MAGIC = (
    (b"\x1f\x8b", "a gzip-compressed file; unpack it and import the CSV inside"),
    (b"PK\x03\x04", "a ZIP archive (or an .xlsx workbook); unpack it, or name a workbook .xlsx"),
    (b"PAR1", "a Parquet file; name it .parquet"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it and import the CSV inside"),
    (b"Rar!", "a RAR archive; unpack it and import the CSV inside"),
    (b"BZh", "a bzip2-compressed file; unpack it and import the CSV inside"),
    (b"\xfd7zXZ", "an xz-compressed file; unpack it and import the CSV inside"),
)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0c")
BINARY_SHARE = 0.05
"""Share of control bytes above which a file is binary data, not text (text has almost none)."""


def check_text(path: Path) -> None:
    """Refuse a file named like a table that holds an archive, another format or binary data.

    >>> import tempfile, pathlib, gzip
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = p.write_bytes(gzip.compress(b"order_id\\n1\\n"))
    >>> check_text(p)
    Traceback (most recent call last):
    shopkeeper.errors.UnreadableFileError: .../orders.csv: this is not a CSV table but a gzip-compressed file; unpack it and import the CSV inside
    """
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFileError(f"{path}: this is not a CSV table but {what}")
    if any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(head):
        return
    control = len(head) - len(head.translate(None, _CONTROL))
    if head and control > BINARY_SHARE * len(head):
        raise UnreadableFileError(
            f"{path}: this is not a CSV table but binary data ({control / len(head):.0%} of its first "
            f"{len(head):,} bytes are control characters); export the table again as CSV"
        )


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` for UTF-16 text without a byte-order mark (mostly-ASCII text:
    every other byte is zero), else ``None``.
    """
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def detect_encoding(path: Path, *, whole_file: bool = False) -> str:
    """Name the encoding of a text file: ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``.

    GBK is a subset of GB18030, so GBK files are read as GB18030. By default only the first MiB is
    examined (the importer re-checks the whole file when DuckDB later meets invalid UTF-8).
    """
    with path.open("rb") as fh:
        data = fh.read() if whole_file else fh.read(SAMPLE_BYTES)
        final = whole_file or len(data) < SAMPLE_BYTES
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if utf16 := _utf16_without_bom(data[: 1 << 16]):
        return utf16
    if _decodes(data, "utf-8", final=final) or _mostly_utf8(data):
        return "utf-8"
    if _decodes(data, "gb18030", final=final):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is not None and best.encoding and _decodes(data, best.encoding, final=final):
        return str(best.encoding)
    offset = _first_bad_utf8(data)
    line = data[:offset].count(b"\n") + 1
    raise UnreadableFileError(
        f"{path}: cannot tell the text encoding (line {line}, byte {offset} is not valid UTF-8 or GB18030); "
        "save the file as UTF-8 CSV and import it again"
    )


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken sequences (a character cut in half), not another encoding.

    Read as UTF-8, only the lines with a broken sequence are bad; read as anything else, every
    Chinese character would silently turn into mojibake.

    >>> text = "生意参谋流量来源：手淘搜索、猜你喜欢、直通车".encode()
    >>> _mostly_utf8(text + text[:-2]), _mostly_utf8(text.decode().encode("gbk"))
    (True, False)
    """
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    broken = replaced - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return broken > 0 and valid >= 10 * broken


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Stream ``src`` (in ``encoding``) into ``dst`` as UTF-8 without a BOM."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    try:
        with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
            while chunk := fin.read(CHUNK_BYTES):
                text = decoder.decode(chunk)
                fout.write(text.lstrip("\ufeff") if line == 1 else text)
                line += text.count("\n")
            fout.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        line += exc.object[: exc.start].decode(encoding, errors="replace").count("\n")
        raise UnreadableFileError(
            f"{src}: near line {line}: bytes {exc.object[exc.start : exc.start + 4]!r} are not valid {encoding}; "
            "the file may be truncated or mix encodings"
        ) from exc
