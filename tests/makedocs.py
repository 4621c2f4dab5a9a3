"""Build real PDF, Word, HTML and MHTML files from a plain text, the way offices and portals make them."""

from __future__ import annotations

import email.generator
import email.mime.multipart
import email.mime.text
import html
import io
import re
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 72.0
FONT = "STSong-Light"  # one of reportlab's CID fonts: CJK glyphs without a font file
CLOSING = frozenset("。，、；：？！”’）》」』】,.;:?!)%")


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of a text, each a paragraph."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _wrap(text: str, width: float, size: float, first_indent: float) -> list[str]:
    """Break a paragraph into lines that fit the width, the first one indented, as Word sets Chinese:
    Latin words stay whole and closing punctuation never opens a line (kinsoku).

    A paragraph's last line keeps at least two characters: PDFium loses a lone glyph of reportlab's
    unembedded CID font (its boxes have no height), a quirk of this fixture, not of real PDFs.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, room = [], "", width - first_indent
    for token in re.findall(r"[A-Za-z\u00c0-\u024f]+|.", text):
        if line and token not in CLOSING and stringWidth(line + token, FONT, size) > room:
            lines.append(line)
            line, room = "", width
        line += token
    if line:
        lines.append(line)
    if len(lines) > 1 and len(lines[-1]) < 2:
        lines[-2:] = [lines[-2][:-1], lines[-2][-1] + lines[-1]]
    return lines


def make_pdf(text: str, path: Path, header: str = "某市人民政府文件", size: float = 12.0) -> Path:
    """A PDF with a running header, a page number footer (— N —) and justified, indented paragraphs."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    width, leading = PAGE_W - 2 * MARGIN, size * 1.6
    lines = []  # (x, text, character spacing that justifies the line)
    for para in paragraphs(text):
        wrapped = _wrap(para, width, size, 2 * size)
        for i, line in enumerate(wrapped):
            indent = 2 * size if i == 0 else 0
            slack = width - indent - pdfmetrics.stringWidth(line, FONT, size)
            spacing = slack / max(len(line) - 1, 1) if i < len(wrapped) - 1 else 0
            lines.append((MARGIN + indent, line, spacing))
    per_page = int((PAGE_H - 2 * MARGIN) // leading)
    for page, start in enumerate(range(0, len(lines), per_page), start=1):
        pdf.setFont(FONT, 9)
        pdf.drawCentredString(PAGE_W / 2, PAGE_H - 40, header)
        pdf.drawCentredString(PAGE_W / 2, 36, f"— {page} —")
        y = PAGE_H - MARGIN - size
        for x, line, spacing in lines[start : start + per_page]:
            run = pdf.beginText(x, y)
            run.setFont(FONT, size)
            run.setCharSpace(spacing)
            run.textOut(line)
            pdf.drawText(run)
            y -= leading
        pdf.showPage()
    pdf.save()
    return path


def make_docx(text: str, path: Path, table: list[list[str]] | None = None) -> Path:
    """A Word file: one paragraph per line of the text, then an optional table."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "某市人民政府办公室"
    for para in paragraphs(text):
        document.add_paragraph(para)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, value in zip(row.cells, cells):
                cell.text = value
    document.save(str(path))
    return path


def page_html(text: str, charset: str = "utf-8") -> str:
    """A portal page: navigation, breadcrumbs, the article, related links with numbers and a footer."""
    title = html.escape(paragraphs(text)[0][:40])
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(text))
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政府信息公开_某市人民政府门户网站</title></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li>
<li><a href="/bs">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zw">政务公开</a> &gt; 规划计划</div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：2024-01-15 10:30 来源：市政府办公室 浏览次数：1024</div>
<div class="TRS_Editor">
{body}
</div></div>
<div class="related"><h3>相关文章</h3><ul>
<li><a href="/a/1">我市新增国家级孵化器5家 众创空间达到120家</a></li>
<li><a href="/a/2">全市规模以上工业增加值增长8.2%</a></li>
<li><a href="/a/3">2023年全市实现地区生产总值1200亿元</a></li></ul></div>
<div class="footer"><p>主办单位：某市人民政府办公室 联系电话：0513-85098888</p>
<p>网站标识码：3206000001 苏ICP备05000029号-1 苏公网安备32060202000165号</p>
<p>免责声明：本网站所载内容仅供参考，转载请注明出处。</p></div>
</body></html>
"""


def make_html(text: str, path: Path, charset: str = "gb2312") -> Path:
    """A saved web page in a legacy charset declared by its meta tag."""
    encoding = "gb18030" if charset.lower() in ("gb2312", "gbk") else charset
    path.write_bytes(page_html(text, charset).encode(encoding))
    return path


def make_mhtml(text: str, path: Path) -> Path:
    """A web page saved by a browser as one MIME file (quoted-printable HTML, charset in the part)."""
    outer = email.mime.multipart.MIMEMultipart("related")
    outer["Snapshot-Content-Location"] = "http://www.example.gov.cn/art/1.html"
    outer["Subject"] = "政府工作报告"
    part = email.mime.text.MIMEText(page_html(text, "utf-8"), "html", "utf-8")
    part["Content-Location"] = "http://www.example.gov.cn/art/1.html"
    outer.attach(part)
    buffer = io.BytesIO()
    email.generator.BytesGenerator(buffer).flatten(outer)
    path.write_bytes(buffer.getvalue())
    return path
