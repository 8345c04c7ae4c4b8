"""Merging the tests (blueprints and their results) of schools' databases into a coach's:
each class's test stays its own, merging twice changes nothing, a result changed in two copies
of one file is a conflict and ours is kept (issue 18)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from calibrate.domain.assessment import Outcome, StudentResult
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.records.database import load_scenario_file
from calibrate.services.records.merge import merge_source, merge_summary
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_KIT = ROOT / "scenarios" / "grade5-subtraction.toml"  # a target links to its criterion
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
RESULTS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
KEY = "grade5-math-checkpoint"


def school(folder: Path, name: str, *, students: slice) -> Path:
    """A school that loaded the bundled rubric kit and test and entered some of the class's
    results."""
    lines = RESULTS.read_text(encoding="utf-8").splitlines()
    part = folder / f"{name}-results.csv"
    part.write_text("\n".join([lines[0], *lines[1:][students]]) + "\n", encoding="utf-8")
    path = folder / f"{name}.db"
    with Store.open(path) as store:
        load_scenario_file(store, RUBRIC_KIT)
        test = load_blueprint_file(store, KIT)
        assert test.id is not None
        import_results_file(store, test.id, part)
    return path


def facts(store: Store) -> set[tuple[object, ...]]:
    """Every result by what it says: test title, target, item, student, outcome."""
    return set(
        store.db.execute(
            "SELECT a.title, t.key, i.key, r.student_code, r.outcome FROM assessment_results r"
            " JOIN assessment_items i ON i.id = r.item_id"
            " JOIN learning_targets t ON t.id = i.target_id"
            " JOIN assessments a ON a.id = i.assessment_id"
        ).fetchall()
    )


def counts(store: Store) -> dict[str, int]:
    tables = ("assessments", "learning_targets", "assessment_items", "assessment_results")
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_a_school_s_test_and_results_come_in_whole_and_twice_changes_nothing(
    tmp_path: Path,
) -> None:
    north = school(tmp_path, "northside", students=slice(0, 12))
    with Store.open(north) as source:
        theirs = facts(source)
        assert len(theirs) == 12 * 20
    with Store.open(tmp_path / "coach.db") as coach:
        first = merge_source(coach, north)
        assert first.added["tests"] == 1
        assert first.added["learning targets"] == 5
        assert first.added["test items"] == 20
        assert first.added["test results"] == 12 * 20
        assert first.conflicts == ()
        assert facts(coach) == theirs
        (test,) = coach.list_assessments()
        assert test.key == KEY
        linked = [t.criterion for t in test.targets if t.criterion is not None]
        assert [(c.rubric_name, c.criterion_key) for c in linked] == [
            ("Grade 5 multi-digit subtraction", "accuracy")
        ]
        rubric = next(r for r in coach.list_rubrics() if r.name == linked[0].rubric_name)
        assert linked[0].rubric_id == rubric.id  # the link follows the rubric into the coach's
        assert len(coach.assessment_results(test.id or 0)) == 12 * 20
        assert "1 test, 5 learning targets, 20 test items, 240 test results" in merge_summary(
            north, first
        )
        before = counts(coach), facts(coach)
        again = merge_source(coach, north)
        assert again.added == {}
        assert again.skipped["test results"] == 12 * 20
        assert (counts(coach), facts(coach)) == before


def test_two_schools_tests_stay_apart_and_share_one_learning_targets_rubric(
    tmp_path: Path,
) -> None:
    """Both schools loaded the same blueprint and both have a student S01: different children.
    The coach gets two tests (theirs retitled), each with its own class, on one targets rubric."""
    north = school(tmp_path, "northside", students=slice(0, 12))
    river = school(tmp_path, "riverside", students=slice(0, 6))
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, north)
        outcome = merge_source(coach, river)
        assert outcome.added["tests"] == 1
        assert "learning targets" in outcome.added  # the second test's own targets and items
        assert outcome.added["test results"] == 6 * 20
        assert outcome.conflicts == (
            f"The test “{KEY}” of riverside is another class's test than ours of that key: "
            f"both are kept, theirs as “{KEY} (riverside)”.",
        )
        tests = {t.key: t for t in coach.list_assessments()}
        assert set(tests) == {KEY, f"{KEY} (riverside)"}
        ours, theirs = tests[KEY], tests[f"{KEY} (riverside)"]
        assert theirs.title == f"{ours.title} (riverside)"
        assert ours.rubric_id == theirs.rubric_id  # one learning-targets rubric, found by content
        assert len(coach.list_rubrics()) == len({r.family_id for r in coach.list_rubrics()})
        students = {
            t.key: {r.student_code for r in coach.assessment_results(t.id or 0)}
            for t in (ours, theirs)
        }
        assert len(students[KEY]) == 12 and len(students[f"{KEY} (riverside)"]) == 6
        # merging both again adds nothing and renames nothing more
        before = counts(coach), facts(coach)
        assert merge_source(coach, north).added == {}
        assert merge_source(coach, river).added == {}
        assert (counts(coach), facts(coach)) == before


def test_a_result_changed_in_a_copy_is_a_conflict_and_ours_is_kept(tmp_path: Path) -> None:
    north = school(tmp_path, "northside", students=slice(0, 4))
    copy = tmp_path / "northside-laptop.db"
    shutil.copyfile(north, copy)
    with Store.open(copy) as laptop:
        (test,) = laptop.list_assessments()
        assert test.id is not None
        laptop.record_results(test.id, [StudentResult("S01", test.items[0].key, Outcome.NOT_YET)])
        laptop.record_results(test.id, [StudentResult("S99", test.items[0].key, Outcome.RIGHT)])
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, north)
        outcome = merge_source(coach, copy)
        assert outcome.added == {"test results": 1}  # S99's answer is new
        assert outcome.conflicts == (
            "A test result (student code S01) says something else in northside-laptop than "
            "here; ours was kept.",
        )
        (test,) = coach.list_assessments()
        kept = {
            (r.student_code, r.item_key): r.outcome for r in coach.assessment_results(test.id or 0)
        }
        assert kept[("S01", test.items[0].key)] is Outcome.RIGHT
        assert kept[("S99", test.items[0].key)] is Outcome.RIGHT


def test_a_file_from_before_the_tests_had_uuids_merges_twice_the_same(tmp_path: Path) -> None:
    """A school's file at m012 (tests without uuids) is upgraded on a temporary copy each
    time; the derived uuids agree, so the second merge adds nothing."""
    north = school(tmp_path, "northside", students=slice(0, 3))
    conn = sqlite3.connect(north)
    for table in ("assessments", "learning_targets", "assessment_items"):
        conn.execute(f"DROP TRIGGER {table}_uuid")
        conn.execute(f"DROP INDEX idx_{table}_uuid")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN uuid")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_assessment_ids'")
    conn.commit()
    conn.close()
    with Store.open(tmp_path / "coach.db") as coach:
        first = merge_source(coach, north)
        assert first.added["test results"] == 3 * 20
        again = merge_source(coach, north)
        assert again.added == {}
        assert len(coach.list_assessments()) == 1
    conn = sqlite3.connect(north)
    assert "uuid" not in {r[1] for r in conn.execute("PRAGMA table_info(assessments)")}
    conn.close()  # the school's own file was left as it was
