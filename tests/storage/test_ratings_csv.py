"""Reading ratings CSVs: the table read back is the one written, and a bad cell is named where it
first is (file order), however large the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from calibrate.domain.errors import RatingsFileError
from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.storage.ratings_csv import Layout, read_ratings_csv

ORDINAL = Measurement.ORDINAL


def write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def show(category: float | str) -> str:
    return str(int(category)) if isinstance(category, float) else category


def as_wide(table: RatingTable) -> str:
    lines = [",".join(["unit", *table.rater_ids])]
    for unit, row in zip(table.unit_ids, table.codes.tolist(), strict=True):
        cells = ["" if c == MISSING else show(table.categories[c]) for c in row]
        lines.append(",".join([unit, *cells]))
    return "\n".join(lines) + "\n"


def as_long(table: RatingTable) -> str:
    lines = ["rater,score,unit"]
    for i, unit in enumerate(table.unit_ids):
        for j, rater in enumerate(table.rater_ids):
            c = int(table.codes[i, j])
            lines.append(f"{rater},{'' if c == MISSING else show(table.categories[c])},{unit}")
    return "\n".join(lines) + "\n"


@st.composite
def tables(draw: st.DrawFn) -> RatingTable:
    q = draw(st.integers(2, 6))
    n = draw(st.integers(1, 12))
    r = draw(st.integers(1, 5))
    codes = draw(arrays(np.int64, (n, r), elements=st.integers(MISSING, q - 1)))
    level = draw(st.sampled_from([Measurement.NOMINAL, ORDINAL, Measurement.INTERVAL]))
    cats: tuple[float | str, ...] = (
        tuple(f"level {k}" for k in range(q))
        if level is Measurement.NOMINAL
        else tuple(float(2 * k - 3) for k in range(q))
    )
    units = tuple(f"s{i}" for i in range(n))
    raters = tuple(f"t{j}" for j in range(r))
    return RatingTable(codes, cats, level, units, raters)


@settings(max_examples=60, deadline=None)
@given(table=tables(), layout=st.sampled_from(list(Layout)))
def test_the_table_read_back_is_the_table_written(
    tmp_path_factory: pytest.TempPathFactory, table: RatingTable, layout: Layout
) -> None:
    text = as_wide(table) if layout is Layout.WIDE else as_long(table)
    path = write(tmp_path_factory.mktemp("csv"), text)
    declared = [show(c) for c in table.categories]
    got, was_declared = read_ratings_csv(path, level=table.level, categories=declared)
    assert was_declared
    assert got.categories == table.categories
    np.testing.assert_array_equal(got.codes, table.codes)
    assert got.codes.dtype == np.int64
    if layout is Layout.WIDE:  # a long file lists only the units and raters it mentions
        assert got.unit_ids == table.unit_ids and got.rater_ids == table.rater_ids
    observed, was_declared = read_ratings_csv(path, level=table.level)
    assert not was_declared
    used = sorted({int(c) for c in table.codes.ravel() if c != MISSING})
    assert observed.categories == tuple(table.categories[k] for k in used)


def test_cells_are_stripped_and_equal_numbers_are_one_level(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\nu1, 2 ,2.0\nu2,3.00,  \n")
    table, _ = read_ratings_csv(path, level=ORDINAL, categories=["1", "2", "3"])
    assert table.codes.tolist() == [[1, 1], [2, MISSING]]


def test_blank_rows_are_skipped_and_lines_still_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\n\nu1,1,2\n , \nu2,9,2\n\n\n")
    table, _ = read_ratings_csv(path, level=ORDINAL)
    assert table.unit_ids == ("u1", "u2") and table.categories == (1.0, 2.0, 9.0)
    with pytest.raises(RatingsFileError, match=r"line 5, column 2 \(A\): '9' is not one of"):
        read_ratings_csv(path, level=ORDINAL, categories=["1", "2"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "r.csv: the file is empty"),
        ("\n  \n,\n", "r.csv: the file is empty"),
        ("unit,A\n\n \n", "line 2: the file has a header but no ratings"),
        ("\nunit,A\nu1,1\n", "line 1: the header must start with 'unit'"),
        ("unit,A,A\nu1,1,1\n", "line 1, column 3: rater 'A' appears twice"),
        ("unit,A\nu1,1\nu1,2\n", "line 3, column 1 (unit): unit 'u1' appears twice"),
        ("unit,A\nu1,1\n,2\n", "line 3, column 1 (unit): the unit is empty"),
        ("unit,A\nu1,1\nu2\n", "line 3: 1 columns but the header has 2"),
        ("unit,rater,score\nu1,A,1\nu1,A,\n", "line 3: 'A' rated 'u1' twice (first on line 2)"),
        ("unit,rater,score\nu1,,1\n", "line 2, column 2 (rater): empty"),
    ],
)
def test_structural_problems_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RatingsFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_ratings_csv(write(tmp_path, text), level=ORDINAL, categories=["1", "2"])


def test_a_long_pair_first_left_empty_may_be_scored_later(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,rater,score\nu1,A,\nu1,A,2\nu1,B,1\n")
    table, _ = read_ratings_csv(path, level=ORDINAL, categories=["1", "2"])
    assert table.codes.tolist() == [[1, 0]]


def test_the_first_bad_cell_in_file_order_is_named(tmp_path: Path) -> None:
    # 'x' (not a number) first appears after '7' (not declared), so '7' is reported first;
    # and a text repeated later is reported where it first appears.
    rows = ["unit,A,B"] + [f"u{i},1,2" for i in range(500)] + ["v1,2,7", "v2,x,1", "v3,7,1"]
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(RatingsFileError, match=r"line 502, column 3 \(B\): '7' is not one of"):
        read_ratings_csv(path, level=ORDINAL, categories=["1", "2"])
    with pytest.raises(RatingsFileError, match=r"line 503, column 2 \(A\): 'x' is not a number"):
        read_ratings_csv(path, level=ORDINAL)  # observed levels: 7 is fine, x is not
    long_rows = ["unit,rater,score", "u1,A,1", "u2,A,inf", "u3,A,nan"]
    with pytest.raises(
        RatingsFileError, match=r"line 3, column 3 \(score\): 'inf' is not a usable score"
    ):
        read_ratings_csv(write(tmp_path, "\n".join(long_rows), "l.csv"), level=ORDINAL)


def test_words_are_levels_at_the_nominal_level_only(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\nu1,yes,no\nu2,no,2\n")
    table, _ = read_ratings_csv(path, level=Measurement.NOMINAL)
    assert table.categories == (2.0, "no", "yes")  # a number stays a number, sorted as text
    assert table.codes.tolist() == [[2, 1], [1, 0]]
    with pytest.raises(RatingsFileError, match=r"line 2, column 2 \(A\): 'yes' is not a number"):
        read_ratings_csv(path, level=ORDINAL)


def test_undecodable_bytes_are_placed_on_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"unit,A\nu1,1\nu2,1\nu3,\xe9\n")
    with pytest.raises(
        RatingsFileError, match=r"bad.csv, line 4, column 2 \(A\): is not UTF-8 text \(byte 0xe9"
    ):
        read_ratings_csv(path, level=ORDINAL)


def test_a_large_file_with_a_late_duplicate(tmp_path: Path) -> None:
    rows = ["unit,A,B"] + [f"u{i},{1 + i % 2},2" for i in range(60_000)] + ["u17,1,1"]
    path = write(tmp_path, "\n".join(rows))
    with pytest.raises(RatingsFileError, match=r"line 60002, column 1 \(unit\): unit 'u17'"):
        read_ratings_csv(path, level=ORDINAL, categories=["1", "2"])
    table, _ = read_ratings_csv(write(tmp_path, "\n".join(rows[:-1]), "ok.csv"), level=ORDINAL)
    assert table.codes.shape == (60_000, 2)
    assert table.unit_ids[-1] == "u59999"
    assert table.codes[:, 0].sum() == 30_000
