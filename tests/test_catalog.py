"""The indicator catalog: enough indicators, every name once, clear errors for a bad user catalog."""

from __future__ import annotations

import pytest

from cnplan.lexicon import LexiconError
from cnplan.match import load_catalog
from cnplan.match.catalog import parse_catalog

DOMAINS = {"科技", "经济", "财政", "开放", "农业", "民生", "社会", "生态", "城乡"}


def test_bundled_catalog_covers_the_evaluation_systems():
    catalog = load_catalog()
    assert len(catalog) >= 150
    assert {e.domain for e in catalog} <= DOMAINS
    ids = {e.indicator_id for e in catalog}
    for wanted in (
        "rd_intensity",
        "hightech_enterprises",
        "tech_smes",
        "invention_patents_per_10k",
        "tech_contract_turnover",
        "sti_contribution",
        "incubators",
        "maker_spaces",
        "gdp",
        "gdp_growth",
        "fiscal_revenue",
        "fixed_asset_investment",
        "retail_sales",
        "disposable_income",
        "unemployment",
        "cpi",
        "energy_intensity_cut",
        "pm25",
        "forest_cover",
    ):
        assert wanted in ids
    rd = next(e for e in catalog if e.indicator_id == "rd_intensity")
    assert {"全社会研发经费支出占地区生产总值比重", "R&D经费占GDP比重"} <= set(rd.aliases)


def test_user_catalog_file(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "indicator_id,name_zh,name_en,unit,domain,aliases\nx1,孵化器,incubators,家,科技,孵化载体\n",
        encoding="utf-8",
    )
    (entry,) = load_catalog(path)
    assert entry.names == ("孵化器", "孵化载体")


@pytest.mark.parametrize(
    "text, fault",
    [
        ("indicator_id,name_zh\nx,y\n", "missing columns"),
        ("indicator_id,name_zh,name_en,unit,domain\nx,名,n,,科技\n", "has no unit"),
        ("indicator_id,name_zh,name_en,unit,domain\nx,甲,a,家,科技\nx,乙,b,家,科技\n", "repeats the id x"),
        (
            "indicator_id,name_zh,name_en,unit,domain,aliases\nx,甲,a,家,科技,乙\ny,乙,b,家,科技,\n",
            "already names x",
        ),
    ],
)
def test_bad_catalog_is_named(text, fault):
    with pytest.raises(LexiconError, match=fault):
        parse_catalog(text, "mine.csv")
