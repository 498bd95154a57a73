"""Tiny document fixtures written by the tests themselves (DOCX, PDF, XLSX, CSV, HTML...)."""

from __future__ import annotations

from pathlib import Path

POLICY_MD = """# 退换货政策

## 七天无理由退货

签收后7天内，商品未拆封、不影响二次销售的，支持七天无理由退货。
退货运费由买家承担，质量问题由本店承担。

## 发货说明

付款后48小时内发货，默认中通快递，偏远地区以实际为准。
"""


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("会员权益说明", level=1)
    document.add_paragraph("会员积分可以在下单时抵扣现金，100积分抵1元。")
    document.add_heading("生日礼", level=2)
    document.add_paragraph("会员生日当月可领取一张20元无门槛优惠券。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "等级"
    table.cell(0, 1).text = "折扣"
    table.cell(1, 0).text = "金卡"
    table.cell(1, 1).text = "95折"
    document.save(str(path))
    return path


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A minimal valid PDF (Helvetica, one text line per page), written by hand."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        page_no = len(objects) + 1
        content_no = page_no + 1
        kids.append(f"{page_no} 0 R")
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_no} 0 R "
            f"/Resources << /Font << /F1 {len(pages) * 2 + 3} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(out)
    return path


def write_faq_xlsx(path: Path, rows: list[tuple[str, str]], headers: tuple[str, str]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "FAQ"
    sheet.append(["店铺常见问题"])  # a title row above the header
    sheet.append([headers[0], headers[1], "备注"])
    for question, answer in rows:
        sheet.append([question, answer, None])
    workbook.save(str(path))
    return path
