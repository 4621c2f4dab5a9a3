"""Reading: encodings are detected, bad input gives one clear error."""

from __future__ import annotations

import pytest
from conftest import CORPUS

from cnplan import CnplanError, normalize, read

SIMPLIFIED = CORPUS / "nantong_gwr_2024_excerpt.txt"
TRADITIONAL = CORPUS / "002_54b0e76b820b537c.txt"


@pytest.mark.parametrize(
    "source, encoding, expected",
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (SIMPLIFIED, "utf-16", "utf-16"),
        (TRADITIONAL, "utf-8", "utf-8"),
        (TRADITIONAL, "cp950", "cp950"),
        (TRADITIONAL, "big5", "cp950"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (TRADITIONAL, "utf-16", "utf-16"),
    ],
)
def test_encodings_give_the_same_normalized_text(tmp_path, source, encoding, expected):
    text = source.read_text(encoding="utf-8")
    path = tmp_path / f"doc.{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = read(path)
    assert doc.encoding.startswith(expected)
    assert doc.format == "text"
    assert normalize(doc.text).text == normalize(text).text


def test_short_big5_and_gb_snippets(tmp_path):
    for enc, text in (("cp950", "科技局高新技術產業化發展計劃"), ("gb18030", "科技局高新技术产业化发展计划")):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(text.encode(enc))
        assert read(path).text == text


@pytest.mark.parametrize(
    "data, cause",
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, ".doc"),
        (b"\x81\x30\xff\xfe\x80\x80\xff" * 30, "no Chinese encoding"),
    ],
)
def test_bad_input_gives_one_line_error_naming_the_file(tmp_path, data, cause):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(CnplanError) as info:
        read(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert cause in message


def test_missing_file(tmp_path):
    with pytest.raises(CnplanError, match="no such file"):
        read(tmp_path / "absent.txt")


def test_errors_cross_process_boundaries_intact():
    import pickle

    from cnplan.errors import CnplanError

    error = pickle.loads(pickle.dumps(CnplanError("a.txt", "empty file")))
    assert (error.path, error.cause, str(error)) == ("a.txt", "empty file", "a.txt: empty file")
