"""The codebook lists every column cnplan writes; a batch records what made its tables."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from cnplan.batch import batch
from cnplan.batch.runner import MANIFEST_COLUMNS
from cnplan.cli import main
from cnplan.codebook import STATA_LABEL, codebook, columns_of
from cnplan.corpus import TERM_COLUMNS
from cnplan.extract import COLUMNS


def test_every_column_is_in_the_codebook_in_order():
    assert list(columns_of("indicators")) == COLUMNS
    assert list(columns_of("manifest")) == [
        *MANIFEST_COLUMNS,
        "cnplan_version",
        "catalog_sha256",
        "min_score",
    ]
    assert list(columns_of("terms")) == TERM_COLUMNS


def test_labels_fit_stata_and_are_bilingual():
    for column in codebook():
        assert column.label_zh and column.label_en.isascii() and len(column.label) <= STATA_LABEL


def test_codebook_command(tmp_path):
    result = CliRunner().invoke(main, ["codebook", "--table", "indicators", "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 0
    frame = pd.read_csv(tmp_path / "c.csv")
    assert frame["column"].tolist() == COLUMNS and set(frame["type"]) <= {
        "string",
        "integer",
        "float",
        "category",
    }


def test_a_batch_writes_its_codebook_and_provenance(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "南通市政府工作报告\n全市高新技术企业达到500家。", encoding="utf-8"
    )
    summary = batch(tmp_path / "in", tmp_path / "out", jobs=1, command=["cnplan", "batch", "in", "-o", "out"])
    assert str(tmp_path / "out" / "codebook.csv") in summary.outputs
    made = json.loads((tmp_path / "out" / "cnplan.json").read_text(encoding="utf-8"))
    assert made["command"] == ["cnplan", "batch", "in", "-o", "out"] and made["min_score"] == 90.0
    assert len(made["catalog_sha256"]) == 16 and made["date"].endswith("+00:00")
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", dtype=str)
    assert manifest.loc[0, "catalog_sha256"] == made["catalog_sha256"]
    assert manifest.loc[0, "cnplan_version"] == made["cnplan_version"]
    assert len(pd.read_csv(tmp_path / "out" / "codebook.csv")) == len(codebook())
