"""Saved web pages (.html, .mhtml): the charset, then the main content without navigation and footers.

The main content is found by trafilatura (Apache-2.0), which drops menus, breadcrumbs, related-article
lists, footers and disclaimers; its tables are read row by row like Word tables.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re

from cnplan.errors import CnplanError
from cnplan.read.encoding import decode
from cnplan.read.guard import refuse_entities
from cnplan.read.tables import table_lines

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*")
# Charset labels of Chinese pages -> the superset codec that decodes what the label promises and more.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "big5": "cp950",
    "x-big5": "cp950",
    "unicode": "utf-16",
}
BLOCKS = frozenset({"main", "list", "quote", "div", "doc", "body"})
PAGE_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote")
_WS = re.compile(r"\s+")


def decode_page(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Decode a page by its declared charset (MIME part, then meta tag), else by detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        meta = _META_CHARSET.search(data[:8192])
        for label in (declared, meta.group(1).decode("ascii") if meta else None):
            if not label:
                continue
            name = CHARSET_ALIASES.get(label.lower(), label.lower())
            try:
                codec = codecs.lookup(name)
                if not codec._is_text_encoding:  # charset=undefined, base64, rot13: no text encoding
                    continue
                return data.decode(name), codec.name
            except (LookupError, UnicodeError):  # an unknown or failing charset falls back to detection
                continue
    return decode(data, path)


def page_title(tree) -> str:
    """The first part of the page title (before the site name): 2024年政府工作报告_某市人民政府 -> ..."""
    title = _WS.sub(" ", tree.findtext(".//title") or "").strip()
    return _TITLE_SEPARATORS.split(title)[0].strip()


def _blocks(element) -> list[str]:
    """Lines of trafilatura's XML: a line per paragraph, heading or list item, sentences per table row."""
    lines: list[str] = []
    for child in element:
        if child.tag == "table":
            rows = [["".join(c.itertext()) for c in row if c.tag == "cell"] for row in child.iter("row")]
            lines.extend(table_lines(rows))
        elif child.tag in BLOCKS:
            lines.extend(_blocks(child))
        else:
            lines.append("".join(child.itertext()).strip())
    return lines


def parse_page(page: str, path: str):
    """The page as an lxml tree (no network, no DTD)."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
    try:
        return lxml_html.document_fromstring(page.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise CnplanError(path, f"unreadable HTML ({type(exc).__name__})") from None


def page_blocks(tree) -> list[str]:
    """Texts of the page's paragraphs, headings and list items in document order, spaces removed."""
    return [_WS.sub("", el.text_content()) for el in tree.iter(*PAGE_BLOCKS)]


def restore_repeats(lines: list[str], blocks: list[str]) -> list[str]:
    """Put back the paragraphs trafilatura drops because their text came before (a repeated heading).

    Each kept line is found in the page's blocks; a block passed over on the way whose text is that
    of an earlier kept line was such a repeat, and returns to its place.
    """
    out: list[str] = []
    seen: dict[str, str] = {}
    where: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        where.setdefault(block, []).append(i)
    pos = 0
    for line in lines:
        key = _WS.sub("", line)
        at = next((i for i in where.get(key, ()) if i >= pos), None)
        if at is not None:
            out.extend(seen[b] for b in blocks[pos:at] if b in seen)
            pos = at + 1
        out.append(line)
        seen.setdefault(key, line)
    return out


def main_text(page: str, path: str) -> str:
    """The main content of an HTML page as lines, the page title first."""
    refuse_entities(page.encode("utf-8", "surrogatepass"), path)
    import trafilatura
    from lxml import etree

    tree = parse_page(page, path)
    title, blocks = page_title(tree), page_blocks(tree)  # before trafilatura, which may prune the tree
    try:
        xml = trafilatura.extract(
            tree,
            output_format="xml",
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
        )
        if xml:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.fromstring(xml.replace("<lb/>", "\n").encode("utf-8"), parser)
            lines = _blocks(root.find("main") if root.find("main") is not None else root)
            lines = restore_repeats([line for line in lines if line], blocks)
        else:
            lines = [trafilatura.html2txt(page) or ""]
    except (ValueError, etree.LxmlError, RecursionError) as exc:
        raise CnplanError(path, f"unreadable HTML ({type(exc).__name__})") from None
    text = "\n".join(line for line in lines if line).strip()
    if not text:
        raise CnplanError(path, "web page without text")
    if title and title not in text[: 4 * len(title) + 200]:
        text = f"{title}\n{text}"
    return text


def html_text(data: bytes, path: str) -> tuple[str, str]:
    """The main text of a saved HTML page and the charset it was decoded with."""
    page, encoding = decode_page(data, path)
    return main_text(page, path), encoding


def mhtml_text(data: bytes, path: str) -> tuple[str, str]:
    """The main text of the HTML part of a page saved as MHTML, and its charset."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        parts = list(message.walk())
    except RecursionError:
        raise CnplanError(path, "MIME parts nested too deep; refused") from None
    for part in parts:
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                break
            page, encoding = decode_page(payload, path, part.get_content_charset())
            return main_text(page, path), encoding
    raise CnplanError(path, "MHTML file without an HTML part")
