"""Decode the bytes of a text file: BOM, UTF-16 without BOM, UTF-8, then the Chinese legacy encodings."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from cnplan.errors import CnplanError

# A file whose bytes fail every encoding in only this many places (or this share of its characters)
# is read with those places replaced by U+FFFD, and its encoding says how many there were.
STRAY_MAX, STRAY_SHARE = 3, 0.001
# Chinese encodings tried, in order of preference, when the bytes are not UTF-8.
CHINESE_ENCODINGS = ("gb18030", "cp950", "big5hkscs")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 without BOM from the place of NUL bytes in ASCII-heavy text."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _plausible_utf16(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as writing in UTF-16 without BOM (little, then big endian)."""
    if len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausible(text) and _common_han_share(text) >= COMMON_HAN_SHARE:
            return text, name
    return None


# Bytes read in the wrong byte order or as the wrong encoding give Han characters too, but rare ones:
# in real writing nearly every Han character is among the common ones of GB2312 or Big5 (level 1).
COMMON_HAN_SHARE = 0.6
_HAN = re.compile("[\u4e00-\u9fff]")


def _is_common_han(ch: str) -> bool:
    """True for a Han character of level 1 of GB2312 (simplified) or Big5 (traditional)."""
    for codec, low, high in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            if low <= ch.encode(codec)[0] <= high:
                return True
        except UnicodeEncodeError:
            continue
    return False


def _common_han_share(text: str) -> float:
    """The share of a text's Han characters (in its first 4,000) that are common ones."""
    han = _HAN.findall(text[:4000])
    return sum(map(_is_common_han, han)) / len(han) if han else 0.0


_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")
# ASCII, CJK, CJK punctuation, full-width forms and common typographic signs
_USUAL_CHARS = re.compile(
    "[\x00-\x7e\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f\U00020000-\U0002fa1f\xb7\xd7\xb0]"
)


def plausible(text: str) -> bool:
    """True when decoded text looks like writing, not mojibake or binary."""
    if not text.strip():
        return False
    sample = text[:20000]
    bad = len(_BAD_CHARS.findall(sample))
    usual = len(sample) - len(_USUAL_CHARS.sub("", sample))
    return bad <= 0.01 * len(sample) and usual >= 0.7 * len(sample)


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes of Chinese text; return (text, encoding) or raise CnplanError."""
    if not data.strip(b" \t\r\n\x00"):
        raise CnplanError(path, "empty file")
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CnplanError(path, f"invalid {encoding} bytes at offset {exc.start}") from None
        return text.lstrip("\ufeff"), encoding.replace("-sig", "")
    if b"\x00" in data[:8192]:
        utf16 = _plausible_utf16(data)  # Chinese UTF-16 without BOM: NULs only where ASCII stands
        if utf16 is not None:
            return utf16
        raise CnplanError(path, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in CHINESE_ENCODINGS:
        try:
            candidates.append((name, data.decode(name)))
        except UnicodeDecodeError:
            continue
    if len(candidates) > 1:
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        if best is not None and best.encoding == "big5":
            candidates.sort(key=lambda c: c[0] == "gb18030")
    for name, text in candidates:
        if plausible(text):
            return text, name
    utf16 = _plausible_utf16(data)  # Chinese UTF-16 without BOM and without ASCII has no NUL at all
    if utf16 is not None:
        return utf16
    for name in ("utf-8", "gb18030"):  # a few stray bytes (a truncated download): keep the file
        text = data.decode(name, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(STRAY_MAX, STRAY_SHARE * len(text)) and plausible(text):
            return text, f"{name} ({bad} bad bytes replaced)"
    raise CnplanError(path, "bytes decode under no Chinese encoding (tried UTF-8, GB18030, Big5)")
