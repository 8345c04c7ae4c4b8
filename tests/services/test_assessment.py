"""From a test to a plan: each student's targets classified from their reflection on each item,
the class view, regrouping, and loading / importing with nothing kept from a bad file.

The bundled class (scenarios/assessments/grade5-math-checkpoint-results.csv) was written with
known patterns: on "subtract-regroup" (items 1–4) S05, S08, S12, S17, S21 and S23 don't get it
yet, S04, S15, S16, S19 and S24 made only simple mistakes; S13 was absent for items 11–20; S15
left item 10 wrong without reflecting on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from calibrate.domain.assessment import Blueprint, Item, LearningTarget, Outcome, StudentResult
from calibrate.domain.errors import AssessmentFileError, InvalidOperationError, NotFoundError
from calibrate.services.assessment.class_view import build_class_view, class_view
from calibrate.services.assessment.classify import TargetStatus, classify_student
from calibrate.services.assessment.files import (
    find_assessment,
    import_results_file,
    load_blueprint_file,
)
from calibrate.services.assessment.groups import groups_csv, regroup, split_evenly
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
SUBTRACTION = ROOT / "scenarios" / "grade5-subtraction.toml"

QUIZ = Blueprint(
    key="quiz",
    title="Quiz",
    targets=(
        LearningTarget("add", "I can add."),
        LearningTarget("round", "I can round to the nearest ten."),  # one item only
    ),
    items=(Item("1", "add"), Item("2", "add", 2), Item("3", "add"), Item("4", "round")),
)


def results(code: str, outcomes: str) -> list[StudentResult]:
    """``"RSN-"`` -> results on items 1, 2, 3, 4 (``-`` leaves the item out)."""
    letters = {"R": Outcome.RIGHT, "S": Outcome.SIMPLE_MISTAKE, "N": Outcome.NOT_YET}
    letters |= {"W": Outcome.WRONG, "M": Outcome.MISSING}
    return [StudentResult(code, str(n), letters[c]) for n, c in enumerate(outcomes, 1) if c != "-"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cal.db") as opened:
        load_scenario(opened, read_scenario(SUBTRACTION))
        yield opened


@pytest.fixture
def loaded(store: Store) -> int:
    blueprint = load_blueprint_file(store, KIT)
    assert blueprint.id is not None
    assert import_results_file(store, blueprint.id, CLASS) == 24 * 20
    return blueprint.id


# --- classification ----------------------------------------------------------------------------


def test_every_item_right_is_secure_everywhere() -> None:
    report = classify_student(QUIZ, "S01", results("S01", "RRRR"))
    assert [r.status for r in report.readings] == [TargetStatus.SECURE, TargetStatus.SECURE]
    assert report.gaps == ()
    add = report.reading("add")
    assert (add.earned, add.possible) == (4, 4)
    assert [e.item.key for e in add.evidence] == ["1", "2", "3"]
    assert add.note == ""


@pytest.mark.parametrize(
    ("outcomes", "status", "evidence", "note"),
    [
        ("RSR", TargetStatus.CARELESS, ["2"], ""),
        ("SSS", TargetStatus.CARELESS, ["1", "2", "3"], "no item right"),
        ("RSN", TargetStatus.GAP, ["2", "3"], ""),
        ("RWR", TargetStatus.GAP, ["2"], "1 item wrong and not reflected on"),
        ("RMR", TargetStatus.SECURE, ["1", "3"], "1 of 3 items missing"),
        ("MMS", TargetStatus.CARELESS, ["3"], "2 of 3 items missing; one answered item only"),
        ("MMM", TargetStatus.NO_EVIDENCE, [], "no answer on 3 items"),
    ],
)
def test_a_target_from_its_items(
    outcomes: str, status: TargetStatus, evidence: list[str], note: str
) -> None:
    reading = classify_student(QUIZ, "S02", results("S02", outcomes + "R")).reading("add")
    assert reading.status is status
    assert [e.item.key for e in reading.evidence] == evidence
    assert note in reading.note
    if not note:
        assert reading.note == ""


def test_a_target_with_one_item() -> None:
    gap = classify_student(QUIZ, "S03", results("S03", "RRRN")).reading("round")
    assert gap.status is TargetStatus.GAP
    assert "one answered item only" in gap.note
    assert [e.describe() for e in gap.evidence] == ["Item 4 (1 point): don't get it yet"]
    slip = classify_student(QUIZ, "S03", results("S03", "RRRS")).reading("round")
    assert slip.status is TargetStatus.CARELESS


def test_missing_answers_are_neither_for_nor_against() -> None:
    report = classify_student(QUIZ, "S04", results("S04", "R-R-"))  # never entered
    add = report.reading("add")
    assert add.status is TargetStatus.SECURE
    assert (add.earned, add.possible) == (2, 2)
    assert "1 of 3 items missing" in add.note
    assert report.reading("round").status is TargetStatus.NO_EVIDENCE
    assert report.reading("round").status.level is None


def test_other_students_and_unknown_items_are_ignored() -> None:
    mixed = [*results("S05", "NNNN"), StudentResult("S06", "99", Outcome.NOT_YET)]
    report = classify_student(QUIZ, "S06", mixed)
    assert {r.status for r in report.readings} == {TargetStatus.NO_EVIDENCE}


# --- the class ---------------------------------------------------------------------------------


def test_the_bundled_class_view(loaded: int, store: Store) -> None:
    view = class_view(store, loaded)
    assert view.students == tuple(f"S{n:02d}" for n in range(1, 25))
    assert view.with_status("subtract-regroup", TargetStatus.GAP) == (
        "S05",
        "S08",
        "S12",
        "S17",
        "S21",
        "S23",
    )
    assert view.with_status("subtract-regroup", TargetStatus.CARELESS) == (
        "S04",
        "S15",
        "S16",
        "S19",
        "S24",
    )
    assert view.counts("subtract-regroup")[TargetStatus.SECURE] == 13
    absent = view.report("S13")
    assert absent is not None
    assert absent.reading("fractions-unlike").status is TargetStatus.NO_EVIDENCE
    assert absent.reading("divide-remainder").status is TargetStatus.SECURE
    assert "2 of 4 items missing" in absent.reading("divide-remainder").note
    unreflected = view.reading("S15", "divide-remainder")
    assert unreflected.status is TargetStatus.GAP
    assert "not reflected on" in unreflected.note
    every = view.report("S01")
    assert every is not None and {r.status for r in every.readings} == {TargetStatus.SECURE}
    for target in view.blueprint.targets:  # every student counted once per target
        assert sum(view.counts(target.key).values()) == 24


def test_a_class_view_of_no_results_is_empty() -> None:
    view = build_class_view(QUIZ, [])
    assert view.students == ()
    assert regroup(view, size=3) == ()


# --- regrouping --------------------------------------------------------------------------------


def test_split_evenly() -> None:
    assert split_evenly(list("abcdefg"), 3) == [("a", "b", "c"), ("d", "e"), ("f", "g")]
    assert split_evenly(list("abc"), 5) == [("a", "b", "c")]
    assert split_evenly(list("abcd"), 1) == [("a",), ("b",), ("c",), ("d",)]
    assert split_evenly([], 4) == []


def test_students_sharing_a_gap_are_grouped(loaded: int, store: Store) -> None:
    view = class_view(store, loaded)
    groups = regroup(view, size=4, targets=["subtract-regroup"])
    assert [g.students for g in groups] == [("S05", "S08", "S12"), ("S17", "S21", "S23")]
    assert [(g.number, g.of) for g in groups] == [(1, 2), (2, 2)]
    everyone = regroup(view, size=4)
    for group in everyone:
        assert 1 <= len(group.students) <= 4
        for code in group.students:
            assert view.reading(code, group.target_key).status is TargetStatus.GAP
    in_groups = {(g.target_key, s) for g in everyone for s in g.students}
    gaps = {
        (t.key, s)
        for t in view.blueprint.targets
        for s in view.with_status(t.key, TargetStatus.GAP)
    }
    assert in_groups == gaps
    # S12 shares two gaps (subtraction and fractions), so is in a group for each
    assert {g.target_key for g in everyone if "S12" in g.students} == {
        "subtract-regroup",
        "fractions-unlike",
    }


def test_group_export_is_codes_only(loaded: int, store: Store) -> None:
    groups = regroup(class_view(store, loaded), size=3, targets=["subtract-regroup"])
    lines = groups_csv(groups).splitlines()
    assert lines[0] == "target,statement,group,student"
    assert lines[1].startswith("subtract-regroup,") and lines[1].endswith(",1,S05")
    assert len(lines) == 1 + 6


@pytest.mark.parametrize("size", [0, -2, 101])
def test_a_group_size_out_of_range_is_refused(size: int) -> None:
    with pytest.raises(InvalidOperationError, match="Group size"):
        regroup(build_class_view(QUIZ, []), size=size)


def test_an_unknown_target_is_named() -> None:
    with pytest.raises(InvalidOperationError, match="“nope” is not a learning target"):
        regroup(build_class_view(QUIZ, []), size=2, targets=["nope"])


# --- files -------------------------------------------------------------------------------------


def test_a_link_to_a_rubric_not_loaded_is_placed_in_the_file(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.db") as empty:
        with pytest.raises(AssessmentFileError) as caught:
            load_blueprint_file(empty, KIT)
        assert str(caught.value).startswith(
            f"{KIT}, line 27, targets[1].criterion: there is no rubric "
            "“Grade 5 multi-digit subtraction”"
        )
        assert empty.list_assessments() == []
        assert empty.list_rubrics() == []


def test_a_results_file_with_a_bad_row_writes_nothing(
    loaded: int, store: Store, tmp_path: Path
) -> None:
    before = store.assessment_results(loaded)
    bad = tmp_path / "gradebook.csv"
    bad.write_text("student,1,2,3\nS01,N,N,N\nS02,R,maybe,R\n", encoding="utf-8")
    with pytest.raises(AssessmentFileError) as caught:
        import_results_file(store, loaded, bad)
    assert str(caught.value).startswith(
        f"{bad}, line 3, column 3 (item 2): “maybe” is not a result"
    )
    assert store.assessment_results(loaded) == before  # S01's row was not written either


def test_find_assessment(loaded: int, store: Store) -> None:
    assert find_assessment(store, "grade5-math-checkpoint").id == loaded
    assert find_assessment(store, str(loaded)).id == loaded
    with pytest.raises(NotFoundError, match="grade5-math-checkpoint \\(id 1\\)"):
        find_assessment(store, "nope")


def test_a_csv_blueprint_is_stored_and_its_links_placed(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "quiz.csv"
    path.write_text(
        "item,target,statement,rubric,criterion\n"
        "1,sub,I can subtract with regrouping.,Grade 5 multi-digit subtraction,accuracy\n"
        "2,sub,,,\n"
        "3,add,I can add fractions.,Nope,x\n",
        encoding="utf-8",
    )
    with pytest.raises(AssessmentFileError) as caught:
        load_blueprint_file(store, path, title="Quiz")
    assert str(caught.value).startswith(
        f"{path}, line 4, column 5 (criterion): there is no rubric “Nope”"
    )
    assert store.list_assessments() == []
    path.write_text(path.read_text(encoding="utf-8").replace("Nope,x", ","), encoding="utf-8")
    stored = load_blueprint_file(store, path, title="Quiz")
    assert (stored.key, stored.title, len(stored.items)) == ("quiz", "Quiz", 3)
    link = stored.targets[0].criterion
    assert link is not None and link.criterion_key == "accuracy" and link.rubric_id is not None


# --- written in the app ------------------------------------------------------------------------


def test_a_blueprint_from_two_short_texts() -> None:
    from calibrate.services.assessment.authoring import blueprint_from_text

    blueprint = blueprint_from_text(
        "  Unit 3   quiz ",
        "sub: I can subtract with regrouping.\n\nfrac: I can add fractions.\n",
        "1-3 sub\n4 frac 2\n7b frac\n",
    )
    assert (blueprint.key, blueprint.title) == ("unit-3-quiz", "Unit 3 quiz")
    assert [(i.key, i.target_key, i.points) for i in blueprint.items] == [
        ("1", "sub", 1),
        ("2", "sub", 1),
        ("3", "sub", 1),
        ("4", "frac", 2),
        ("7b", "frac", 1),
    ]


@pytest.mark.parametrize(
    ("title", "targets", "items", "field", "message"),
    [
        ("", "a: I can add.", "1 a", "title", "Title: give the test a title."),
        ("Q", "a I can add.", "1 a", "targets", "Learning targets, line 1: write “key: I can …”"),
        ("Q", "a: I can add.\na: I can x.", "1 a", "targets", "line 2: “a” is already a target"),
        ("Q", "a: I can add.", "1", "items", "Items, line 1: write “item target [points]”"),
        ("Q", "a: I can add.", "1 b", "items", "Items, line 1: “b” is not one of the"),
        ("Q", "a: I can add.", "1-3 a\n2 a", "items", "Items, line 2: item 2 is already listed"),
        ("Q", "a: I can add.", "1 a 0", "items", "points are a whole number from 1 to 1000"),
        ("Q", "a: I can add.", "5-1 a", "items", "“5-1” is not a range"),
        ("Q", "a: I can add.\nb: I can b.", "1 a", "items", "Items: no item tests “b”"),
    ],
)
def test_a_blueprint_text_problem_names_box_and_line(
    title: str, targets: str, items: str, field: str, message: str
) -> None:
    from calibrate.services.assessment.authoring import BlueprintTextError, blueprint_from_text

    with pytest.raises(BlueprintTextError) as caught:
        blueprint_from_text(title, targets, items)
    assert caught.value.field == field
    assert message in caught.value.message
