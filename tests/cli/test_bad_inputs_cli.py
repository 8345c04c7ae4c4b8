"""Bad input found by trying calibrate as a user would (issue 14), through the command line:
each file in tests/fixtures/bad_inputs/ is refused in one line naming the file, the line and the
field, with exit status 2 and nothing written (no database created, no score imported)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from tests.cli.test_records import assert_one_line_error, counts, run
from tests.storage.scenario_kit import KIT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"


def fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.is_file(), path
    return path


@pytest.fixture
def scoring(tmp_path: Path) -> tuple[Path, int]:
    """A database with a session open for scoring (the demo meeting) and no scores in it."""
    db = tmp_path / "scoring.db"
    with Store.open(db) as store:
        return db, prepare_demo(store)


def scores_in(db: Path) -> int:
    with Store.open(db) as store:
        return int(store.db.execute("SELECT COUNT(*) FROM scores").fetchone()[0])


# --- import-scores ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        # Windows-1252 with CRLF ("café" with é as 0xe9): not UTF-8, and not Excel for Mac's
        # shape (CR only), which is read as MacRoman instead.
        ("windows1252-crlf.csv", ("line 2, column 5 (note)", "is not UTF-8 text (byte 0xe9")),
        ("binary-garbage.csv", ("line 1, column 2", "is not a CSV text file", "binary data")),
        # ٣ is ARABIC-INDIC DIGIT THREE: int() would read it as 3.
        ("scores-arabic-indic-level.csv", ("line 2, column 4 (level)", "٣")),
        # int() refuses over 4,300 digits with a ValueError: that was a traceback.
        ("scores-5000-digit-level.csv", ("line 2, column 4 (level)", "far too large")),
        # Valid UTF-8 with a NUL inside a note: a bad cell, not a binary file.
        ("scores-nul-in-note.csv", ("line 2, column 5 (note)", "control characters")),
    ],
)
def test_import_scores_refuses_files_it_cannot_read(
    scoring: tuple[Path, int], name: str, words: tuple[str, ...]
) -> None:
    db, session_id = scoring
    before = scores_in(db)
    code, out, err = run("import-scores", fixture(name), "--session", session_id, db=db)
    assert_one_line_error(code, out, err, name, *words, "Nothing was imported")
    assert len(err) < 400  # a 5,000-digit cell is not printed whole
    assert scores_in(db) == before


def test_import_scores_matches_a_rater_up_to_case_and_spacing(
    scoring: tuple[Path, int], tmp_path: Path
) -> None:
    """The served picker takes "amara  okafor" for Amara Okafor; so does a paper-score file."""
    db, session_id = scoring
    path = tmp_path / "paper.csv"
    path.write_text("sample,criterion,rater,level\nessay-1,claim,amara  okafor,3\n", "utf-8")
    code, out, err = run("import-scores", path, "--session", session_id, db=db)
    assert (code, out, err) == (0, f"1 score imported into session {session_id}.\n", "")
    with Store.open(db) as store:
        (score,) = store.scores(session_id)
        assert store.get_rater(score.rater_id).name == "Amara Okafor"


# --- agree --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level", "words"),
    [
        # Its square overflows a float: the variance became nan and ended in a ValueError.
        ("agree-interval-1e155.csv", "interval", ("line 2, column 3 (ben)", "too large")),
        ("agree-ratio-negative.csv", "ratio", ("line 3, column 2 (ann)", "below zero")),
        ("agree-arabic-indic-levels.csv", "ordinal", ("line 2, column 2 (ann)", "not a number")),
        ("agree-5000-digits.csv", "interval", ("line 2, column 2 (a)", "not a usable score")),
        # One person written two ways is one rater, as in the store and the served picker.
        (
            "agree-ann-and-ann.csv",
            "ordinal",
            ("line 1, column 4", "rater 'ann' appears twice (as 'Ann' in column 2)"),
        ),
        # The score-import fixtures given to agree: the same plain words.
        ("windows1252-crlf.csv", "ordinal", ("line 2, column 5 (note)", "is not UTF-8 text")),
        ("binary-garbage.csv", "ordinal", ("line 1, column 2", "is not a CSV text file")),
    ],
)
def test_agree_refuses_numbers_it_cannot_compute_with(
    name: str, level: str, words: tuple[str, ...]
) -> None:
    code, out, err = run("agree", fixture(name), "--level", level)
    assert_one_line_error(code, out, err, name, *words)
    assert len(err) < 400


def test_agree_reads_excel_for_mac_csv() -> None:
    """CR line ends and MacRoman ("René" with é as 0x8e): read, the rater's name whole."""
    code, out, err = run("agree", fixture("agree-macroman-cr.csv"), "--level", "ordinal", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["n_units"], data["n_raters"], data["n_ratings"]) == (3, 2, 6)
    from calibrate.domain.ratings import Measurement
    from calibrate.storage.ratings_csv import read_ratings_csv

    table, _ = read_ratings_csv(fixture("agree-macroman-cr.csv"), level=Measurement.ORDINAL)
    assert table.rater_ids == ("René", "Ana")


def test_agree_takes_one_rater_written_two_ways_in_a_long_file(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("unit,rater,score\n1,Ann,2\n1,ben,3\n2,ann ,3\n2,Ben,3\n", "utf-8")
    code, out, err = run("agree", path, "--level", "ordinal", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["n_units"], data["n_raters"], data["n_ratings"]) == (2, 2, 4)


# --- load ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("kit-blank-rater-name.toml", ("line 81, raters[2].name", "empty or only spaces")),
        ("kit-ann-and-ann.toml", ("line 84, raters[3].name", 'already uses "amara okafor"')),
        ("kit-negative-level.toml", ("line 20, rubric.criteria[1].levels[1].score", "0 or more")),
        ("kit-nul-in-title.toml", ("line 67, samples[2].title", "control characters (e.g. NUL)")),
        (
            "kit-long-criterion-key.toml",  # a key of 100,000 letters
            ("line 36, rubric.criteria[2].key", "too long (at most 200 characters)"),
        ),
    ],
)
def test_load_refuses_kits_with_names_levels_and_text_it_cannot_keep(
    tmp_path: Path, name: str, words: tuple[str, ...]
) -> None:
    db = tmp_path / "new.db"
    code, out, err = run("load", fixture(name), db=db)
    assert_one_line_error(code, out, err, name, *words)
    assert len(err) < 400  # the long key is not printed whole
    assert not db.exists()


def test_load_refuses_a_sample_body_of_30_megabytes(tmp_path: Path) -> None:
    """Made here rather than kept: the fixture would be 30 MB."""
    kit = tmp_path / "huge.toml"
    old = 'body = "Phones help."'
    assert old in KIT
    kit.write_text(KIT.replace(old, 'body = "' + "x" * 30_000_000 + '"'), encoding="utf-8")
    db = tmp_path / "new.db"
    code, out, err = run("load", kit, db=db)
    assert_one_line_error(
        code, out, err, "huge.toml, line 72, samples[2].body", "too long (at most 1,000,000"
    )
    assert not db.exists()


def test_load_refuses_a_known_rater_spelt_in_other_case(tmp_path: Path) -> None:
    """ "ben  lindqvist" is Ben Lindqvist, already stored: refused, not a second person."""
    db = tmp_path / "kits.db"
    first = tmp_path / "tiny.toml"
    first.write_text(KIT, encoding="utf-8")
    assert run("load", first, db=db)[0] == 0
    before = counts(db)
    name = "kit-lowercase-known-rater.toml"
    code, out, err = run("load", fixture(name), db=db)
    assert_one_line_error(
        code, out, err, name, "raters[2].name", '"ben  lindqvist"', '"Ben Lindqvist"'
    )
    assert counts(db) == before
