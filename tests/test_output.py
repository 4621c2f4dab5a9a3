"""The direct CSV writer gives the bytes pandas would, so tables keep one form whichever path wrote them."""

from __future__ import annotations

import math

import pandas as pd
from conftest import CORPUS
from hypothesis import given
from hypothesis import strategies as st

from cnplan.extract import extract, rows_frame
from cnplan.output import csv_rows

cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-(10**12), 10**12),
    st.text(alphabet=st.sampled_from('abc,"\n\r 一二%；'), max_size=8),
)


@given(
    st.lists(
        st.tuples(cells, st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6)), max_size=6
    )
)
def test_csv_rows_equal_pandas_on_any_rows(rows):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    frame["b"] = frame["b"].astype("float64")
    assert csv_rows(rows) == (frame.to_csv(index=False, header=False) if rows else "")


def test_csv_rows_equal_pandas_on_the_corpus():
    path = sorted(CORPUS.glob("*.txt"))[0]
    rows = extract(path.read_text(encoding="utf-8"), path.stem)
    assert rows
    assert csv_rows(r.values() for r in rows) == rows_frame(rows).to_csv(index=False, header=False)


def test_csv_rows_nan_is_empty():
    assert csv_rows([(math.nan, None, 1.0)]) == ",,1.0\n"
