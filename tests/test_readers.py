"""PDF, Word, HTML and MHTML readers: real files built from the corpus give the rows of the text."""

from __future__ import annotations

import contextlib
import io
import signal
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS_FILES
from hypothesis import given, settings
from hypothesis import strategies as st
from makedocs import make_docx, make_html, make_mhtml, make_pdf, page_html

from cnplan.cli import main
from cnplan.errors import CnplanError
from cnplan.extract.table import extract
from cnplan.normalize.steps import _furniture, wrap_width
from cnplan.read import is_supported, read, read_bytes, walk
from cnplan.read.pdf import check_text_layer, is_page_number
from cnplan.read.tables import table_lines

MAKERS = {"pdf": make_pdf, "docx": make_docx, "html": make_html, "mhtml": make_mhtml}
KEY = ("indicator", "value", "unit", "kind", "year")


def is_print_copy(src: Path) -> bool:
    """True for a text copied from a print: hard-wrapped lines, running lines and page numbers kept."""
    lines = [line.strip() for line in src.read_text(encoding="utf-8").split("\n")]
    return bool(_furniture(lines)) or wrap_width(lines) is not None


def rows(document) -> list[tuple]:
    """The comparable fields of a document's rows."""
    return [tuple(getattr(r, k) for k in KEY) for r in extract(document, "doc")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every corpus text as PDF, Word, HTML and MHTML, built once."""
    folder = tmp_path_factory.mktemp("formats")
    return {
        (src.stem, fmt): maker(src.read_text(encoding="utf-8"), folder / f"{src.stem}.{fmt}")
        for src in CORPUS_FILES
        for fmt, maker in MAKERS.items()
    }


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("src", CORPUS_FILES, ids=lambda p: p.stem)
def test_every_format_gives_the_rows_of_the_text(built, src, fmt):
    if fmt == "pdf" and is_print_copy(src):
        pytest.skip("a copy of a print: printed again, its line breaks and running lines land mid-line")
    document = read(built[src.stem, fmt])
    assert document.format == fmt
    assert rows(document) == rows(read(src))


def test_pdf_drops_running_headers_and_page_numbers_and_joins_lines(built):
    document = read(built["nantong_gwr_2024_excerpt", "pdf"])
    assert "某市人民政府文件" not in document.text
    assert "— 1 —" not in document.text and "— 2 —" not in document.text
    assert len(document.pages) >= 2 and document.pages[0] == 0
    source = Path(CORPUS_FILES[0].parent / "nantong_gwr_2024_excerpt.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in source.splitlines() if p.strip()]
    assert document.text.split("\n") == paragraphs  # every line break inside a paragraph is gone


@pytest.mark.parametrize(
    "line, expected",
    [
        ("— 3 —", True),
        ("-3-", True),
        ("- 12 -", True),
        ("第3页", True),
        ("第 3 页 共 10 页", True),
        ("3/10", True),
        ("17", True),
        ("Page 4", True),
        ("2025年", False),
        ("3.2%", False),
        ("第三章 发展目标", False),
        ("一、发展目标", False),
    ],
)
def test_page_number_lines(line, expected):
    assert is_page_number(line) is expected


def _pdf_bytes(draw, **canvas_options) -> bytes:
    """A one-page PDF drawn by a function of a reportlab canvas."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, **canvas_options)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_scanned_pdf_asks_for_ocr():
    data = _pdf_bytes(lambda c: c.rect(50, 50, 400, 600, fill=1))
    with pytest.raises(CnplanError, match="no text layer; OCR it first"):
        read_bytes(data, "scan.pdf")


@pytest.mark.parametrize("junk", ["(cid:1234)(cid:87)(cid:9)", "\ue001\ue002\ue0a3\uf8f0"])
def test_glyphs_without_unicode_are_an_error(junk):
    with pytest.raises(CnplanError, match="without Unicode"):
        check_text_layer("发展目标" + junk * 20, 1, "x.pdf")


def test_encrypted_pdf_is_refused():
    from reportlab.lib.pdfencrypt import StandardEncryption

    encrypt = StandardEncryption("secret", canPrint=0)
    data = _pdf_bytes(lambda c: c.drawString(72, 700, "Plan 2025"), encrypt=encrypt)
    with pytest.raises(CnplanError, match="encrypted"):
        read_bytes(data, "locked.pdf")


def _raw_pdf(objects: list[str], trailer: str = "") -> bytes:
    """A hand-written PDF from object bodies, with a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


LOOPING_TREE = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",  # the page tree holds itself
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
]


@pytest.fixture
def deadline():
    """Fail a test that runs more than 20 seconds (a reader caught in a loop)."""

    def expire(*_):
        raise TimeoutError("reader did not return")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    "data, cause",
    [
        (_raw_pdf(LOOPING_TREE), "broken PDF"),
        (_raw_pdf(LOOPING_TREE, "/Prev 9 "), "broken PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, "broken PDF"),
        (_raw_pdf(LOOPING_TREE)[:70], "broken PDF"),
    ],
    ids=["page-tree-loop", "xref-prev-loop", "garbage", "truncated"],
)
def test_malformed_and_looping_pdfs_are_refused(deadline, data, cause):
    with pytest.raises(CnplanError, match=cause):
        read_bytes(data, "bad.pdf")


def _docx_bytes(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx package around a given word/document.xml."""
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        b"</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_minimal_docx_reads():
    xml = f"<w:document {W}><w:body><w:p><w:r><w:t>到2025年，高新技术企业达到1500家。</w:t></w:r></w:p></w:body></w:document>"
    assert read_bytes(_docx_bytes(xml.encode()), "plan.docx").text == "到2025年，高新技术企业达到1500家。"


def test_docx_with_external_entity_is_refused_and_not_followed():
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(CnplanError, match="entities") as info:
        read_bytes(_docx_bytes(xml.encode()), "xxe.docx")
    assert "root:" not in str(info.value)


def test_docx_zip_bomb_is_refused():
    xml = f"<w:document {W}><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>".encode()
    bomb = _docx_bytes(xml, {"word/media/pad.bin": b"\0" * 60_000_000})
    assert len(bomb) < 200_000
    with pytest.raises(CnplanError, match="zip bomb"):
        read_bytes(bomb, "bomb.docx")


def test_deeply_nested_docx_is_refused(deadline):
    xml = f"<w:document {W}><w:body>" + "<w:sdt><w:sdtContent>" * 5000 + "</w:sdtContent></w:sdt>" * 5000
    with pytest.raises(CnplanError, match="broken .docx"):
        read_bytes(_docx_bytes((xml + "</w:body></w:document>").encode()), "deep.docx")


def test_zip_that_is_no_word_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(CnplanError, match="not a Word .docx"):
        read_bytes(buffer.getvalue(), "data.zip")


def test_word_table_rows_become_sentences(tmp_path):
    table = [
        ["指标", "2020年", "2025年目标"],
        ["高新技术企业", "800家", "1500家"],
        ["研发经费投入强度", "2.5%", "3.2%"],
    ]
    path = make_docx("某市科技创新发展“十四五”规划\n一、主要指标", tmp_path / "t.docx", table=table)
    found = {(r.indicator, r.value, r.unit, r.year) for r in extract(read(path), "t")}
    assert ("高新技术企业", 1500.0, "家", 2025) in found
    assert ("研发经费投入强度", 3.2, "%", 2025) in found
    assert ("高新技术企业", 800.0, "家", 2020) in found


@pytest.mark.parametrize(
    "table, expected",
    [
        ([["高新技术企业", "50家"]], ["高新技术企业为50家。"]),
        (
            [
                ["序号", "指标", "单位", "2020年", "2025年", "属性"],
                ["1", "研发经费投入强度", "%", "2.5", "3", "预期性"],
            ],
            ["研发经费投入强度2020年为2.5%，2025年为3%（预期性）。"],
        ),
        ([["指标", "2025年"], ["专利", "—"]], ["专利"]),
        ([["这是一个很长的段落。" * 8]], ["这是一个很长的段落。" * 8]),
        ([["", ""], ["", ""]], []),
    ],
)
def test_table_lines(table, expected):
    assert table_lines(table) == expected


@given(st.lists(st.lists(st.text(max_size=12), max_size=5), max_size=5))
@settings(max_examples=200, deadline=None)
def test_table_lines_never_crash(table):
    assert all(isinstance(line, str) for line in table_lines(table))


def test_html_drops_navigation_related_links_and_footer(built):
    text = read(built["nantong_gwr_2024_excerpt", "html"]).text
    for furniture in ("办事服务", "相关文章", "国家级孵化器5家", "ICP备", "免责声明", "联系电话"):
        assert furniture not in text


@pytest.mark.parametrize(
    "charset, codec", [("gb2312", "gb18030"), ("GBK", "gb18030"), ("big5", "cp950"), ("utf-8", "utf-8")]
)
def test_html_charset_from_meta(tmp_path, charset, codec):
    text = "到2025年，全市高新技術企業達到1500家，研發經費投入強度達到3.2%。"
    data = page_html(text, charset).encode(codec, "xmlcharrefreplace")  # simplified page furniture in Big5
    document = read_bytes(data, "page.html")
    assert text in document.text


def test_html_without_charset_is_detected():
    text = "到2025年，全市高新技术企业达到1500家，研发经费投入强度达到3.2%。"
    data = page_html(text).replace('; charset=utf-8"', '"').encode("gb18030")
    assert text in read_bytes(data, "page.htm").text


def test_html_with_entities_is_refused():
    page = '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&x;</p></body></html>'
    with pytest.raises(CnplanError, match="entities"):
        read_bytes(page.encode(), "xxe.html")


def test_deeply_nested_html_and_mime_return(deadline):
    deep = (
        "<html><body>" + "<div>" * 100_000 + "<p>到2025年，高新技术企业达到1500家。</p>" + "</div>" * 100_000
    )
    with contextlib.suppress(CnplanError):
        read_bytes(deep.encode(), "deep.html")
    mime = 'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b0"\n\n'
    mime += "".join(f'--b{i}\nContent-Type: multipart/related; boundary="b{i + 1}"\n\n' for i in range(3000))
    with pytest.raises(CnplanError, match="nested too deep"):
        read_bytes(mime.encode(), "deep.mhtml")


@pytest.mark.parametrize(
    "name, data, cause",
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "convert to .docx or PDF first"),
        ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "convert to .docx or PDF first"),
        ("old.rtf", rb"{\rtf1\ansi\ansicpg936 \'b9\'e6\'bb\'ae}", "convert to .docx or PDF first"),
        ("plan.pdf", b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "a failed download"),
    ],
)
def test_formats_refused_with_advice(name, data, cause):
    assert is_supported(name)
    with pytest.raises(CnplanError, match=cause):
        read_bytes(data, name)


def test_extract_reads_a_folder_of_mixed_formats(built, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for fmt in MAKERS:
        (folder / f"doc.{fmt}").write_bytes(built["zhongshan_gwr_2024_excerpt", fmt].read_bytes())
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out)])
    assert result.exit_code == 1  # the legacy file is reported, the others are read
    assert "legacy.doc" in result.output and "convert to .docx" in result.output
    table = pd.read_csv(out)
    counts = table.groupby("doc").size()
    assert len(counts) == len(MAKERS) and counts.nunique() == 1


@given(st.binary(max_size=600))
@settings(max_examples=150, deadline=None)
def test_reading_any_bytes_never_crashes(data):
    for name in ("x.txt", "x.pdf", "x.docx", "x.html", "x.mhtml"):
        for head in (
            b"",
            b"%PDF-1.4\n",
            b"PK\x03\x04",
            b"<html>",
            b"MIME-Version: 1.0\nContent-Type: multipart/related\n\n",
        ):
            with contextlib.suppress(CnplanError):
                read_bytes(head + data, name)


def test_files_that_differ_only_by_suffix_keep_apart(built):
    pdf, docx = built["nantong_gwr_2024_excerpt", "pdf"], built["nantong_gwr_2024_excerpt", "docx"]
    ids = [doc for _, doc in walk([pdf, docx])]
    assert ids == [pdf.name, docx.name]
    assert [doc for _, doc in walk([pdf])] == [pdf.stem]


def test_glyphs_out_of_stream_order_come_back_to_their_line():
    from cnplan.read.pdf import _Glyph, _group_lines

    def run(text, x, y):
        return [_Glyph(c, x + 10 * i, x + 10 * i + 10, y, 10.0) for i, c in enumerate(text)]

    # a PDF writer puts the quotes (another font) after the line below them in the content stream
    glyphs = [*run("建设", 0, 700), *run("新南通", 30, 700), *run("增长6%", 0, 680), *run("“", 20, 700)]
    lines = _group_lines(glyphs, 800.0)
    assert [ln.text for ln in lines] == ["建设“新南通", "增长6%"]


@pytest.mark.parametrize(
    "text, right, next_text, next_left, ends",
    [
        (
            "全市总人口729.41",
            496.0,
            "万，完成地区生产总值3781亿元",
            90.0,
            False,
        ),  # ragged wrap before a number
        ("特制定本方案。", 496.0, "唐山是一座沿海城市", 90.0, True),  # sentence closed
        ("一、试点基础", 156.0, "唐山是一座沿海城市", 90.0, True),  # far short: a heading
        ("发展现状与问题分", 496.0, "（一）创新发展现状", 90.0, True),  # a heading number follows
        ("到2025年，全市研发经费投入强度达", 518.0, "到3%。", 90.0, False),  # full line
        ("到2025年，全市研发经费投入强度达", 518.0, "全市高新技术企业", 112.0, True),  # indented next line
    ],
)
def test_where_pdf_paragraphs_end(text, right, next_text, next_left, ends):
    from cnplan.read.pdf import Line, _ends_paragraph, _Margins

    margins = _Margins(left=90.0, right=519.0, em=11.0)
    assert _ends_paragraph(Line(text, 90.0, right), Line(next_text, next_left, 300.0), margins, 40) is ends
