"""`calibrate agree`: the readable table, the exact JSON shape, one-line errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.domain.ratings import Measurement
from calibrate.stats.report import LABELS, NAMES, agreement_report
from calibrate.storage.ratings_csv import read_ratings_csv

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "examples" / "grade8-claim-scores.csv"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str | bytes, name: str = "ratings.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_example_leads_with_the_headline_and_details_list_every_coefficient() -> None:
    args = ("agree", str(EXAMPLE), "--level", "ordinal", "--categories", "1,2,3,4")
    code, out, _ = run(*args)
    assert code == 0
    report = agreement_report(
        read_ratings_csv(EXAMPLE, level=Measurement.ORDINAL, categories=["1", "2", "3", "4"])[0]
    )
    exact = report.results["percent_exact"].statistic
    alpha = report.results["krippendorff_alpha"].statistic
    assert exact is not None and alpha is not None
    headline = out[out.index("Headline") :]
    # The headline's sentence, with the same numbers as the full report (wrapped at 96 columns).
    flat = " ".join(headline.split())
    assert f"exactly about half the time ({100 * exact:.0f}%)" in flat
    assert f"(Krippendorff's alpha {alpha:.2f})" in flat
    assert "samples were rated" in out  # the small-sample warning: 8 essays
    assert "Every coefficient, and why they differ: --details" in out
    # Only the headline: no other coefficient by default.
    for name in ("gwet_ac2_quadratic", "fleiss_kappa", "icc_2_1", "kendall_w"):
        assert LABELS[name] not in out
    code, detailed, _ = run(*args, "--details")
    assert code == 0
    assert detailed.startswith(out[: out.index("Every coefficient")])
    for name in NAMES:
        assert LABELS[name] in detailed
    assert "Why these numbers differ" in detailed
    assert "prevalence" in detailed and "quadratic weights" in detailed


def test_a_rater_with_no_scores_is_left_out_and_named(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,Ana,Ben,Erik\nu1,1,2,\nu2,3,3,\nu3,2,2,\nu4,4,3,\n")
    code, out, _ = run("agree", str(path), "--level", "ordinal", "--categories", "1,2,3,4")
    assert code == 0
    assert "4 units × 2 raters" in out
    assert "Left out: Erik (gave no scores)." in out
    assert "gave no ratings at all" not in out
    code, out, _ = run(
        "agree", str(path), "--level", "ordinal", "--categories", "1,2,3,4", "--json"
    )
    data = json.loads(out)
    assert data["n_raters"] == 2
    assert data["left_out"] == [{"rater": "Erik", "why": "gave no scores"}]
    assert data["statistics"]["icc_2_1"]["value"] is not None


def test_leave_out_partial_names_the_partial_rater(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,Ana,Ben,Cy\nu1,1,2,2\nu2,3,3,\nu3,2,2,1\nu4,4,3,4\n")
    args = ("agree", str(path), "--level", "ordinal", "--categories", "1,2,3,4")
    code, out, _ = run(*args)
    assert code == 0 and "Left out" not in out and "4 units × 3 raters" in out
    code, out, _ = run(*args, "--leave-out-partial")
    assert code == 0
    assert "4 units × 2 raters" in out
    assert "Left out: Cy (scored 3 of 4 units)." in out


def test_json_has_exactly_the_documented_shape() -> None:
    code, out, _ = run(
        "agree", str(EXAMPLE), "--level", "ordinal", "--categories", "1,2,3,4", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "n_units",
        "n_raters",
        "n_ratings",
        "level",
        "categories",
        "statistics",
        "left_out",
    }
    assert data["left_out"] == []
    assert data["n_units"] == 8 and data["n_raters"] == 6 and data["level"] == "ordinal"
    assert data["categories"] == [1, 2, 3, 4]
    assert set(data["statistics"]) == set(NAMES)
    for name, entry in data["statistics"].items():
        assert set(entry) == {"value", "se", "ci_low", "ci_high", "reason", "reading"}, name
        assert isinstance(entry["reading"], str) and entry["reading"], name
        if entry["value"] is None:
            assert entry["reason"], f"{name} is undefined without a reason"
    # Six raters: the two-rater coefficients do not apply, and say so.
    assert data["statistics"]["cohen_kappa"]["value"] is None
    assert "two raters" in data["statistics"]["cohen_kappa"]["reason"]
    assert data["statistics"]["percent_exact"]["value"] is not None


def test_long_layout_gives_the_same_figures_as_wide(tmp_path: Path) -> None:
    wide = "unit,A,B,C\nu1,1,2,2\nu2,3,3,\nu3,2,2,1\nu4,4,3,4\n"
    long_rows = ["unit,rater,score"]
    for line in wide.splitlines()[1:]:
        unit, *scores = line.split(",")
        long_rows += [f"{unit},{r},{s}" for r, s in zip("ABC", scores, strict=True) if s]
    args = ("--level", "ordinal", "--categories", "1,2,3,4", "--json")
    _, out_wide, _ = run("agree", str(write(tmp_path, wide, "w.csv")), *args)
    code, out_long, _ = run("agree", str(write(tmp_path, "\n".join(long_rows), "l.csv")), *args)
    assert code == 0
    assert json.loads(out_wide) == json.loads(out_long)


def test_without_categories_the_observed_levels_are_used_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\nu1,1,2\nu2,3,3\nu3,2,2\n")
    code, out, _ = run("agree", str(path), "--level", "ordinal")
    assert code == 0
    assert "levels nobody used" in out
    code, out, _ = run("agree", str(path), "--level", "ordinal", "--json")
    assert json.loads(out)["categories"] == [1, 2, 3]


def test_nominal_labels_are_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\nu1,yes,no\nu2,no,no\nu3,yes,yes\n")
    code, out, _ = run("agree", str(path), "--level", "nominal", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["categories"] == ["no", "yes"]
    assert data["statistics"]["percent_adjacent"]["value"] is None


BAD_FILES = [
    ("empty", b"", "the file is empty"),
    ("header only", b"unit,A,B\n", "line 2"),
    ("undecodable", b"unit,A,B\nu1,\xff\xfe,2\n", "line 2"),
    ("ragged", b"unit,A,B\nu1,1,2\nu2,1\n", "line 3"),
    ("non-numeric", b"unit,A,B\nu1,1,2\nu2,three,2\n", "line 3, column 2 (A)"),
    ("outside categories", b"unit,A,B\nu1,1,2\nu2,5,2\n", "line 3, column 2 (A)"),
    ("no unit column", b"student,A,B\nu1,1,2\n", "line 1"),
    ("duplicate unit", b"unit,A,B\nu1,1,2\nu1,2,2\n", "line 3, column 1"),
    ("duplicate long rating", b"unit,rater,score\nu1,A,1\nu1,A,2\n", "line 3"),
]


@pytest.mark.parametrize(("what", "content", "where"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_input_is_one_line_naming_the_place(
    tmp_path: Path, what: str, content: bytes, where: str
) -> None:
    path = write(tmp_path, content)
    code, out, err = run("agree", str(path), "--level", "ordinal", "--categories", "1,2,3,4")
    assert code == 2, what
    assert out == ""
    assert err.count("\n") == 1, err
    assert str(path) in err and where in err, err
    assert "Traceback" not in err


def test_unknown_level_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,A,B\nu1,1,2\n")
    code, _, err = run("agree", str(path), "--level", "continuous")
    assert code == 2
    assert "continuous" in err and "Traceback" not in err


def test_missing_file_is_named(tmp_path: Path) -> None:
    code, _, err = run("agree", str(tmp_path / "nope.csv"), "--level", "ordinal")
    assert code == 2 and "nope.csv" in err and "no such file" in err
