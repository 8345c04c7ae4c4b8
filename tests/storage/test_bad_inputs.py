"""Inputs found by trying calibrate as a user would (issue 14): each is refused in one plain
line naming the file, line and field, and nothing is written. The odd files are kept as fixtures
in tests/fixtures/bad_inputs/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calibrate.domain.errors import (
    InvalidOperationError,
    RatingsFileError,
    ScenarioError,
    ScoreImportError,
)
from calibrate.domain.model import Rater
from calibrate.domain.ratings import Measurement
from calibrate.services.authoring import drafts
from calibrate.services.authoring.master_key import parse_master_key_csv
from calibrate.services.authoring.raters import RaterForm, check_rater_form
from calibrate.services.authoring.samples import SampleForm, check_sample_form
from calibrate.storage.ratings_csv import read_ratings_csv
from calibrate.storage.scenario_files import parse_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.score_import import import_scores_csv
from calibrate.storage.store import Store
from tests.storage.conftest import fixed_clock
from tests.storage.scenario_kit import KIT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
SCORING_KIT = KIT.replace('phase = "reveal"', 'phase = "scoring"')


@pytest.fixture
def scoring(tmp_path: Path) -> tuple[Store, int]:
    store = Store.open(tmp_path / "bad.db", clock=fixed_clock())
    result = load_scenario(store, parse_scenario(SCORING_KIT, source="kit.toml"))
    assert result.session_id is not None
    return store, result.session_id


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        # Windows-1252 with CRLF: not the shape of Excel for Mac's file, so not guessed at.
        ("windows1252-crlf.csv", "line 2, column 5 (note): is not UTF-8 text (byte 0xe9"),
        ("binary-garbage.csv", "is not a CSV text file (it holds binary data"),
    ],
)
def test_score_files_that_are_not_utf8_csv(
    scoring: tuple[Store, int], fixture: str, words: str
) -> None:
    store, session_id = scoring
    before = store.db.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
    with pytest.raises(ScoreImportError) as caught:
        import_scores_csv(store, FIXTURES / fixture, session_id)
    assert fixture in caught.value.message and words in caught.value.message
    assert "Nothing was imported" in caught.value.message
    assert store.db.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == before


def test_excel_for_mac_csv_is_read_as_macroman(scoring: tuple[Store, int]) -> None:
    """Issue 14: Excel for Mac's "CSV (Macintosh)" (CR line ends, MacRoman: é is 0x8e) was
    refused; it is read, and the note keeps its é."""
    store, session_id = scoring
    assert b"\x8e" in (FIXTURES / "macroman-cr.csv").read_bytes()
    assert import_scores_csv(store, FIXTURES / "macroman-cr.csv", session_id) == 1
    notes = [s.note for s in store.scores(session_id)]
    assert "café" in notes


@pytest.mark.parametrize(
    ("level", "cell", "words"),
    [
        (Measurement.INTERVAL, "1e155", "too large a score to compute with"),
        (Measurement.RATIO, "-1", "ratio ratings cannot be below zero"),
        (Measurement.ORDINAL, "٣", "is not a number"),  # Arabic-Indic three
    ],
)
def test_ratings_files_with_unusable_numbers(
    tmp_path: Path, level: Measurement, cell: str, words: str
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(f"unit,a,b\n1,{cell},2\n2,3,4\n", encoding="utf-8")
    with pytest.raises(RatingsFileError) as caught:
        read_ratings_csv(path, level=level)
    assert "line 2, column 2 (a)" in caught.value.message and words in caught.value.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('name = "Ben Lindqvist"', 'name = "   "'), "must not be empty or only spaces"),
        (('name = "Ben Lindqvist"', 'name = "amara okafor"'), "another rater already uses"),
        (("score = 1", "score = -1"), "must be 0 or more"),
        (('title = "Phones"', 'title = "Pho\\u0000nes"'), "must not contain control characters"),
        (('body = "Phones help."', 'body = "' + "x" * 1_000_001 + '"'), "is too long"),
        (('title = "Phones"', 'title = "' + "T" * 201 + '"'), "is too long"),
    ],
)
def test_kits_with_names_levels_and_text_that_cannot_be_kept(
    change: tuple[str, str], words: str
) -> None:
    old, new = change
    assert old in KIT
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(KIT.replace(old, new, 1), source="kit.toml")
    assert "kit.toml" in caught.value.message and words in caught.value.message


@pytest.mark.parametrize(("typed", "words"), [("-1", "0 or more"), ("٣", "whole number")])
def test_the_rubric_editor_refuses_negative_and_non_ascii_level_scores(
    typed: str, words: str
) -> None:
    draft = drafts.new_draft()
    draft.criteria[0].levels[0].score = typed
    problems = drafts.check_draft(draft)
    assert any(words in p.message for p in problems), problems


def test_the_store_keeps_one_rater_per_name_up_to_case_and_spacing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "raters.db", clock=fixed_clock())
    store.add_rater(Rater("Ann Lee"))
    for twin in ("ann lee", "ANN  LEE", " Ann Lee "):
        with pytest.raises(InvalidOperationError) as caught:
            store.add_rater(Rater(twin))
        assert "There is already a rater called “Ann Lee”" in caught.value.message
        assert check_rater_form(store, RaterForm(twin))["name"].startswith(
            "There is already a rater called “Ann Lee”"
        )
    assert [r.name for r in store.list_raters()] == ["Ann Lee"]


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (SampleForm("Pho\x00nes", "Phones help."), "title", "control characters"),
        (SampleForm("Phones", "x" * 30_000_000), "body", "too long (at most 1,000,000"),
        (SampleForm("T" * 201, "Phones help."), "title", "too long (at most 200"),
        (SampleForm("Phones", "ok", student_code="G8\x00"), "student_code", "control"),
    ],
)
def test_the_sample_form_refuses_control_characters_and_huge_text(
    form: SampleForm, field: str, words: str
) -> None:
    assert words in check_sample_form(form)[field]


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (RaterForm("   "), "name", "needs a name"),
        (RaterForm("Ann\x00Lee"), "name", "control characters"),
        (RaterForm("A" * 201), "name", "too long"),
        (RaterForm("Ann Lee", team="8\x07B"), "team", "control characters"),
    ],
)
def test_the_rater_form_refuses_blank_controlled_and_long_names(
    tmp_path: Path, form: RaterForm, field: str, words: str
) -> None:
    store = Store.open(tmp_path / "raters.db", clock=fixed_clock())
    assert words in check_rater_form(store, form)[field]


def test_the_rubric_editor_refuses_long_keys_and_control_characters() -> None:
    draft = drafts.new_draft()
    draft.criteria[0].key = "k" * 100_000
    draft.criteria[0].name = "Cla\x00im"
    draft.criteria[0].levels[0] = replace(draft.criteria[0].levels[0], descriptor="a\x00b")
    messages = {p.path: p.message for p in drafts.check_draft(draft)}
    assert "200 characters or fewer" in messages[("criteria", 0, "key")]
    assert "control characters" in messages[("criteria", 0, "name")]
    assert "control characters" in messages[("criteria", 0, "levels", 0, "descriptor")]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("٢,claim,2,Coach", "line 2, column sample"),  # ARABIC-INDIC DIGIT TWO: not sample 2
        ("2,claim,٣,Coach", "line 2, column level: “٣” is not a whole number"),
    ],
)
def test_a_master_key_csv_reads_only_ascii_digits(
    scoring: tuple[Store, int], row: str, words: str
) -> None:
    store, session_id = scoring
    rubric_id = store.get_session(session_id).rubric_id
    assert parse_master_key_csv(
        store, "sample,criterion,level,set_by\n2,claim,2,Coach\n", rubric_id=rubric_id
    )
    with pytest.raises(ScoreImportError) as caught:
        parse_master_key_csv(
            store, f"sample,criterion,level,set_by\n{row}\n", rubric_id=rubric_id, source="key.csv"
        )
    assert caught.value.message.startswith("key.csv") and words in caught.value.message
