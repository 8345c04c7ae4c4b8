"""Exports of a session's scores, anchors and kit, checked against the kit files they came from."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from calibrate.domain.errors import NotFoundError
from calibrate.domain.model import AnchorStatus
from calibrate.services.records.database import load_scenario_file
from calibrate.services.records.exports import (
    ANCHOR_COLUMNS,
    SCORE_COLUMNS,
    ExportFormat,
    ExportKind,
    anchor_rows,
    export_text,
    rows_as_csv,
    rows_as_toml,
    score_rows,
)
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.score_import import _formula_quote_off
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = sorted((ROOT / "scenarios").glob("*.toml"))
GRADE8 = ROOT / "scenarios" / "grade8-argument.toml"


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


@pytest.fixture
def grade8(tmp_path: Path) -> Iterator[tuple[Store, int]]:
    with Store.open(tmp_path / "records.db", clock=clock) as store:
        kit = load_scenario_file(store, GRADE8)
        assert kit.report.session_id is not None
        yield store, kit.report.session_id


def test_score_rows_are_the_kit_scores(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    rows = score_rows(store, session_id)
    kit = read_scenario(GRADE8)
    assert kit.session is not None
    titles = {s.key: s.title for s in kit.samples}
    expected = {
        (s.round, s.sample, titles[s.sample], s.criterion, s.rater, s.level, s.note)
        for s in kit.session.scores
    }
    got = {tuple(row[c] for c in SCORE_COLUMNS[:-1]) for row in rows}
    assert len(rows) == len(kit.session.scores) == 239  # 8 essays x 5 criteria x 6 raters, 1 blank
    assert got == expected
    assert all(tuple(row) == SCORE_COLUMNS for row in rows)
    assert {row["scored_at"] for row in rows} == {clock()}


def test_score_rows_follow_the_store_order(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    rows = score_rows(store, session_id)
    first = rows[0]
    assert (first["sample"], first["criterion"], first["rater"]) == (
        "essay-1",
        "claim",
        "Amara Okafor",
    )
    assert first["sample_title"] == "Time to Turn the Page"
    samples = [row["sample"] for row in rows]
    assert samples.index("essay-2") > max(i for i, s in enumerate(samples) if s == "essay-1")


def test_anchor_rows_are_the_kit_anchors(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    rows = anchor_rows(store, session_id)
    kit = read_scenario(GRADE8)
    got = [(r["sample"], r["criterion"], r["level"], r["annotation"]) for r in rows]
    assert sorted(got) == sorted(
        (a.sample, a.criterion, a.level, a.annotation) for a in kit.anchors
    )
    assert len(rows) == 3
    # In the rubric's criterion order, then by level.
    order = [c.key for c in kit.rubric.criteria]
    assert got == sorted(got, key=lambda a: (order.index(str(a[1])), a[2]))
    for row in rows:
        assert tuple(row) == ANCHOR_COLUMNS
        assert (row["rubric"], row["rubric_version"]) == ("Grade 8 argument writing", 1)
        assert row["status"] == "approved"


def test_anchors_of_another_session_are_not_exported(tmp_path: Path) -> None:
    with Store.open(tmp_path / "two.db") as store:
        first = load_scenario_file(store, GRADE8).report.session_id
        second = load_scenario_file(store, KITS[0]).report.session_id
        assert first is not None and second is not None and first != second
        ours = {r["sample"] for r in anchor_rows(store, first)}
        theirs = {r["sample"] for r in anchor_rows(store, second)}
        assert ours == {a.sample for a in read_scenario(GRADE8).anchors}
        assert theirs == {a.sample for a in read_scenario(KITS[0]).anchors}


def test_retired_anchor_is_exported_with_its_status(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    anchor = store.anchors()[0]
    assert anchor.id is not None
    store.set_anchor_status(anchor.id, AnchorStatus.RETIRED)
    statuses = [r["status"] for r in anchor_rows(store, session_id)]
    assert statuses.count("retired") == 1 and statuses.count("approved") == 2


@pytest.mark.parametrize("what", [ExportKind.SCORES, ExportKind.ANCHORS])
def test_three_formats_hold_the_same_rows(grade8: tuple[Store, int], what: ExportKind) -> None:
    store, session_id = grade8
    rows = (score_rows if what is ExportKind.SCORES else anchor_rows)(store, session_id)

    as_csv = export_text(store, session_id, what=what, fmt=ExportFormat.CSV)
    as_json = export_text(store, session_id, what=what, fmt=ExportFormat.JSON)
    as_toml = export_text(store, session_id, what=what, fmt=ExportFormat.TOML)

    read = list(csv.DictReader(io.StringIO(as_csv, newline="")))
    assert read == [{k: str(v) for k, v in row.items()} for row in rows]
    assert json.loads(as_json) == rows
    assert tomllib.loads(as_toml) == {str(what): rows}
    assert as_toml.startswith(f"[[{what}]]\n")


def test_session_csv_is_the_scores_csv(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    session_csv = export_text(store, session_id, what=ExportKind.SESSION, fmt=ExportFormat.CSV)
    scores_csv = export_text(store, session_id, what=ExportKind.SCORES, fmt=ExportFormat.CSV)
    assert session_csv == scores_csv
    assert session_csv.splitlines()[0] == ",".join(SCORE_COLUMNS)
    assert len(session_csv.splitlines()) >= 240  # header + 239 scores (notes have no newlines)


def test_session_json_is_the_kit_as_json(grade8: tuple[Store, int]) -> None:
    store, session_id = grade8
    kit = export_text(store, session_id, what=ExportKind.SESSION, fmt=ExportFormat.TOML)
    data = json.loads(
        export_text(store, session_id, what=ExportKind.SESSION, fmt=ExportFormat.JSON)
    )
    assert data == tomllib.loads(kit)
    assert data["scenario"]["name"] == "Argument writing, grade 8"
    assert len(data["samples"]) == 8 and len(data["raters"]) == 6
    assert len(data["anchors"]) == 3


@pytest.mark.parametrize("kit_path", KITS, ids=lambda p: p.stem)
def test_session_toml_loads_back_identically(tmp_path: Path, kit_path: Path) -> None:
    with Store.open(tmp_path / "first.db") as first:
        session_id = load_scenario_file(first, kit_path).report.session_id
        assert session_id is not None
        text = export_text(first, session_id, what=ExportKind.SESSION, fmt=ExportFormat.TOML)
        (tmp_path / "kit.toml").write_text(text, encoding="utf-8")
        # Loading the export into the database it came from changes nothing.
        again = load_scenario_file(first, tmp_path / "kit.toml")
        assert again.report.created == 0
    with Store.open(tmp_path / "second.db") as second:
        loaded = load_scenario_file(second, tmp_path / "kit.toml")
        assert loaded.report.session_id is not None
        assert loaded.report.sessions_created == 1
        text2 = export_text(
            second, loaded.report.session_id, what=ExportKind.SESSION, fmt=ExportFormat.TOML
        )
    assert text2 == text


def test_empty_exports_are_still_well_formed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "g5.db") as store:
        kit = ROOT / "scenarios" / "grade5-subtraction.toml"
        assert read_scenario(kit).anchors == ()
        session_id = load_scenario_file(store, kit).report.session_id
        assert session_id is not None
        anchors = ExportKind.ANCHORS
        assert export_text(store, session_id, what=anchors, fmt=ExportFormat.CSV) == (
            ",".join(ANCHOR_COLUMNS) + "\r\n"
        )
        assert export_text(store, session_id, what=anchors, fmt=ExportFormat.JSON) == "[]\n"
        toml_text = export_text(store, session_id, what=anchors, fmt=ExportFormat.TOML)
        assert tomllib.loads(toml_text) == {"anchors": []}


def test_unknown_session_is_a_not_found_error(grade8: tuple[Store, int]) -> None:
    store, _ = grade8
    for what in ExportKind:
        with pytest.raises(NotFoundError, match="no session with id 999"):
            export_text(store, 999, what=what, fmt=ExportFormat.CSV)


# Notes and annotations are free text: commas, quotes, line breaks, tabs and any script.
free_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {"round": st.integers(1, 3), "note": free_text, "level": st.integers(0, 9)}
    ),
    max_size=5,
)


@given(rows_strategy)
@example([{"round": 1, "note": "\r", "level": 0}])  # a lone CR must be quoted (found by hypothesis)
def test_csv_reads_back_whatever_the_text(rows: list[dict[str, str | int]]) -> None:
    """Read back as import-scores reads a note: the formula guard's quote comes off again."""
    text = rows_as_csv(rows, ("round", "note", "level"))
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in read:
        row["note"] = _formula_quote_off(row["note"])
    assert read == [{k: str(v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize(
    ("note", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2 for spelling", "'-2 for spelling"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("'=already quoted", "''=already quoted"),
        ("plain 'quote'", "plain 'quote'"),
    ],
)
def test_csv_cells_never_run_as_formulas(note: str, cell: str) -> None:
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading '."""
    text = rows_as_csv([{"note": note, "level": -1}], ("note", "level"))
    read = next(csv.DictReader(io.StringIO(text, newline="")))
    assert read == {"note": cell, "level": "-1"}  # numbers stay numbers
    assert _formula_quote_off(read["note"]) == note


@given(rows_strategy)
@example([{"round": 1, "note": "\r\n", "level": 0}])  # CRLF in a multi-line string (hypothesis)
def test_toml_reads_back_whatever_the_text(rows: list[dict[str, str | int]]) -> None:
    assert tomllib.loads(rows_as_toml(rows, table="scores")) == {"scores": rows}
