"""The review page: highlights, the rows to check first, a self-contained file, and a real browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnplan.cli import main
from cnplan.extract.table import extract_normalized
from cnplan.normalize import normalize
from cnplan.review import check_reasons, checks, review_document
from cnplan.review.page import marked_text, rows_json, spans

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT = (
    "宁川市2024年政府工作报告\n"
    "一、2023年工作回顾\n"
    "全市地区生产总值增长5.6%，一般公共预算收入完成120.5亿元。新增高新技术企业300家。\n"
    "二、2024年主要目标\n"
    "地区生产总值增长6%左右，研发经费投入强度达到2.8%以上。\n"
    "累计建成5G基站1.2万个。<script>alert('x')</script>\n"
)


def _rows(text: str = REPORT):
    norm = normalize(text)
    return norm, extract_normalized(norm, "ningchuan")


def test_every_row_is_highlighted_once_with_its_text():
    norm, rows = _rows()
    page, _ = review_document(norm, "ningchuan")
    marks = re.findall(r'<mark class="q (target|actual)[^"]*" id="q\d+" data-rows="([\d ]+)"', page)
    covered = sorted(int(i) for _, ids in marks for i in ids.split())
    assert covered == list(range(len(rows))) and len(rows) >= 5
    for kind, ids in marks:
        assert kind == rows[int(ids.split()[0])].kind


def test_the_page_is_self_contained_and_escapes_the_document():
    norm, rows = _rows()
    page, _ = review_document(norm, "ningchuan")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no network
    assert "<style>" in page and "cnplanReview" in page  # CSS and JS inline
    assert "</" not in rows_json(rows).replace("<\\/", "")
    data = json.loads(re.search(r'<script type="application/json" id="rows">(.*?)</script>', page).group(1))
    assert [d["indicator"] for d in data] == [r.indicator for r in rows]


@pytest.mark.parametrize(
    "year, region, indicator_id, score, reasons",
    [
        (2024, "宁川市", "gdp_growth", 100.0, ()),
        (None, "宁川市", "gdp_growth", 100.0, ("no year 无年份",)),
        (2024, "", "gdp_growth", 100.0, ("no region 无地区",)),
        (2024, "宁川市", "gdp_growth", 91.0, ("catalog score 91 匹配分低",)),
        (2024, "宁川市", "", None, ()),  # not in the catalog: most figures are not, no reason to look
        (2024, "宁川市", "gdp_growth", 95.0, ()),  # at the threshold: strong enough
        (None, "", "gdp_growth", 90.0, ("no year 无年份", "no region 无地区", "catalog score 90 匹配分低")),
    ],
)
def test_check_reasons(year, region, indicator_id, score, reasons):
    _, rows = _rows()
    row = rows[0]
    row.year, row.region, row.indicator_id, row.indicator_score = year, region, indicator_id, score
    assert check_reasons(row) == reasons


def test_checks_put_the_most_doubtful_first():
    _, rows = _rows()
    rows[1].year, rows[1].region = None, ""
    rows[3].year = None
    found = checks(rows)
    assert [c.row for c in found[:2]] == [1, 3]


def test_overlapping_quantities_share_one_highlight():
    _, rows = _rows()
    rows[1].char_start, rows[1].char_end = rows[0].char_start + 1, rows[0].char_end + 1
    merged = spans(rows, 10_000)
    assert merged[0][2] == (0, 1) and merged[0][1] == rows[1].char_end


def test_marked_text_keeps_the_document_text():
    norm, rows = _rows()
    page = marked_text(norm.text, rows)
    import html

    assert html.unescape(re.sub(r"<[^>]+>", "", page)) == norm.text


def test_review_command_writes_one_page_or_a_folder(tmp_path):
    doc = tmp_path / "ningchuan.txt"
    doc.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["review", str(doc), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(main, ["review", str(doc)])
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")  # stdout
    (tmp_path / "docs").mkdir()
    shutil.copy(doc, tmp_path / "docs" / "a.txt")
    shutil.copy(doc, tmp_path / "docs" / "b.txt")
    (tmp_path / "docs" / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(main, ["review", str(tmp_path / "docs"), "-o", str(tmp_path / "pages") + "/"])
    assert result.exit_code == 1  # the bad file is reported; the good ones are written
    assert sorted(p.name for p in (tmp_path / "pages" / "docs").iterdir()) == ["a.html", "b.html"]
    assert "bad.pdf" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, says",
    [
        (["-o", "page.txt"], "named .html"),
        ([], "several documents"),
    ],
)
def test_review_usage_errors(tmp_path, args, says):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(REPORT, encoding="utf-8")
    paths = [str(tmp_path / "a.txt")] if args else [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    result = CliRunner().invoke(
        main, ["review", *paths, *[str(tmp_path / a) if "." in a else a for a in args]]
    )
    assert result.exit_code == 2 and says in result.output


# --- in a real browser -----------------------------------------------------------------------------------


def _browser():
    """A headless Chromium driven by Selenium, from the system's packages; None when absent."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    if driver is None:
        pytest.skip("no Chromium with chromedriver and selenium (apt-get install chromium chromium-driver)")
    yield driver
    driver.quit()


@pytest.mark.parametrize("source", ["written", "corpus"])
def test_the_page_in_a_browser(browser, tmp_path, source):
    from selenium.webdriver.common.by import By

    if source == "written":
        doc = tmp_path / "ningchuan.txt"
        doc.write_text(REPORT, encoding="utf-8")
    else:
        doc = CORPUS / "nantong_gwr_2024_excerpt.txt"
    page = tmp_path / "review.html"
    result = CliRunner().invoke(main, ["review", str(doc), "-o", str(page)])
    assert result.exit_code == 0, result.output
    browser.get(page.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []  # loads without errors
    rows = browser.execute_script("return window.cnplanReview.rows")
    covered = browser.execute_script(
        "var s = new Set(); document.querySelectorAll('mark.q[data-rows]').forEach("
        "function (m) { m.getAttribute('data-rows').split(' ').forEach(function (i) { s.add(Number(i)); }); });"
        "return Array.from(s).sort(function (a, b) { return a - b; });"
    )
    assert covered == list(range(len(rows)))  # every row has a highlight
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.q[data-rows]")
    last = marks[-1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", last)
    last.click()  # a click shows the row
    i = int(last.get_attribute("data-rows").split()[0])
    details = browser.find_element(By.ID, "details")
    assert details.get_attribute("data-row") == str(i)
    shown = details.find_element(By.CSS_SELECTOR, 'dd[data-field="indicator"]').text
    assert shown == rows[i]["indicator"]
    assert "chosen" in last.get_attribute("class")
    value = details.find_element(By.CSS_SELECTOR, 'dd[data-field="value"]').text
    assert float(value) == rows[i]["value"]
    listed = browser.find_elements(By.CSS_SELECTOR, "#check li[data-row]")
    if listed:  # a row of the check list shows its row too
        listed[0].click()
        assert details.get_attribute("data-row") == listed[0].get_attribute("data-row")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
