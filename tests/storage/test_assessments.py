"""Test blueprints and their results: files read all or nothing with the place of each problem,
stored whole, links to rubric criteria resolved, results written all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.domain.assessment import (
    Blueprint,
    CriterionLink,
    Item,
    LearningTarget,
    Outcome,
    StudentResult,
    TargetLinkError,
    parse_outcome,
)
from calibrate.domain.errors import AssessmentFileError, InvalidOperationError
from calibrate.storage.assessment_files import dump_blueprint, parse_blueprint, read_blueprint
from calibrate.storage.results_csv import parse_results_csv, read_results_csv, results_csv
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
SUBTRACTION = ROOT / "scenarios" / "grade5-subtraction.toml"


def small() -> Blueprint:
    return Blueprint(
        key="quiz",
        title="Quiz",
        targets=(
            LearningTarget("a", "I can add."),
            LearningTarget("b", "I can subtract.", CriterionLink("Nope", "x")),
        ),
        items=(Item("1", "a"), Item("2", "a", 2), Item("3", "b")),
    )


def test_the_bundled_kit_has_20_items_on_5_targets_and_24_students() -> None:
    blueprint = read_blueprint(KIT).blueprint
    assert len(blueprint.items) == 20
    assert len(blueprint.targets) == 5
    assert all(len(blueprint.items_of(t.key)) == 4 for t in blueprint.targets)
    assert all(t.statement.startswith("I can") for t in blueprint.targets)
    results = read_results_csv(CLASS, blueprint)
    codes = {r.student_code for r in results}
    assert codes == {f"S{n:02d}" for n in range(1, 25)}
    outcomes = {r.outcome for r in results}
    assert {Outcome.SIMPLE_MISTAKE, Outcome.NOT_YET, Outcome.MISSING} <= outcomes


def test_outcome_spellings() -> None:
    assert parse_outcome(" r ") is Outcome.RIGHT
    assert parse_outcome("Simple  Mistake") is Outcome.SIMPLE_MISTAKE
    assert parse_outcome("don't get it yet") is Outcome.NOT_YET
    assert parse_outcome("") is Outcome.MISSING
    assert parse_outcome("0") is Outcome.WRONG
    assert parse_outcome("maybe") is None


def test_a_blueprint_is_stored_whole_with_its_link_resolved(store: Store) -> None:
    load_scenario(store, read_scenario(SUBTRACTION))
    stored = store.add_assessment(read_blueprint(KIT).blueprint)
    assert stored.id is not None and stored.rubric_id is not None
    assert store.get_assessment(stored.id) == stored
    assert store.assessment_by_key("grade5-math-checkpoint") == stored
    assert store.assessment_for_rubric(stored.rubric_id) == stored
    link = stored.targets[0].criterion
    assert link is not None and link.rubric_id is not None
    assert store.get_rubric(link.rubric_id).name == "Grade 5 multi-digit subtraction"
    assert (link.criterion_key, link.level) == ("accuracy", 3)
    scale = store.get_rubric(stored.rubric_id)
    assert [c.key for c in scale.criteria] == [t.key for t in stored.targets]
    assert scale.criteria[0].scores == (0, 1, 2)
    assert [i.points for i in stored.items[:4]] == [1, 1, 2, 2]


def test_a_missing_rubric_refuses_the_blueprint_and_writes_nothing(store: Store) -> None:
    rubrics = len(store.list_rubrics())
    with pytest.raises(TargetLinkError, match="no rubric “Nope”") as caught:
        store.add_assessment(small())
    assert caught.value.target_key == "b"
    assert store.list_assessments() == []
    assert len(store.list_rubrics()) == rubrics


def test_a_key_is_stored_once(store: Store) -> None:
    blueprint = Blueprint("quiz", "Quiz", (LearningTarget("a", "I can add."),), (Item("1", "a"),))
    store.add_assessment(blueprint)
    with pytest.raises(InvalidOperationError, match="already stored"):
        store.add_assessment(blueprint)


def test_results_are_written_all_or_nothing(store: Store) -> None:
    blueprint = Blueprint("quiz", "Quiz", (LearningTarget("a", "I can add."),), (Item("1", "a"),))
    stored = store.add_assessment(blueprint)
    assert stored.id is not None
    assert store.record_results(stored.id, [StudentResult("S01", "1", Outcome.RIGHT)]) == 1
    with pytest.raises(InvalidOperationError, match="no item “9”"):
        store.record_results(
            stored.id,
            [StudentResult("S01", "1", Outcome.NOT_YET), StudentResult("S02", "9", Outcome.RIGHT)],
        )
    assert store.assessment_results(stored.id) == [StudentResult("S01", "1", Outcome.RIGHT)]
    store.record_results(stored.id, [StudentResult("S01", "1", Outcome.SIMPLE_MISTAKE)])
    assert store.assessment_results(stored.id)[0].outcome is Outcome.SIMPLE_MISTAKE


def test_every_problem_of_a_blueprint_file_is_named_with_its_line() -> None:
    text = (
        "[assessment]\n"
        'key = "quiz"\n'
        'title = "Quiz"\n'
        "\n"
        "[[targets]]\n"
        'key = "a"\n'
        'statement = "Subtract with regrouping"\n'
        "\n"
        "[[items]]\n"
        "key = 1\n"
        'target = "b"\n'
        "points = 0\n"
    )
    with pytest.raises(AssessmentFileError) as caught:
        parse_blueprint(text, source="quiz.toml")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("quiz.toml, line 6, targets[1].key: no item tests “a”")
    assert lines[1].startswith("quiz.toml, line 7, targets[1].statement: write it as the student")
    assert lines[2] == "quiz.toml, line 11, items[1].target: “b” is not one of the [[targets]] keys"
    assert (
        lines[3]
        == "quiz.toml, line 12, items[1].points: must be a whole number from 1 to 1000 (got 0)"
    )


def test_invalid_toml_names_line_and_column() -> None:
    with pytest.raises(AssessmentFileError, match=r"^q\.toml, line 2, column 9: this is not valid"):
        parse_blueprint('[assessment]\nkey = "a\n', source="q.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "student,1,2,3\nS01,R,R,R\nS02,R,X,R\n",
            "r.csv, line 3, column 3 (item 2): “X” is not a result",
        ),
        ("student,1,Q21\nS01,R,R\n", "r.csv, line 1, column 3 (Q21): “Q21” is not an item"),
        ("pupil,1\nS01,R\n", "r.csv, line 1: no “student” column"),
        (
            "student,1\nS01,R\nS01,S\n",
            "r.csv, line 3, column 1 (student): S01 already has a row (line 2)",
        ),
        ("student,1\nAna Lima,R\n", "r.csv, line 2, column 1 (student): “Ana Lima” has a space"),
        ("student,1\nS01,R,R\n", "r.csv, line 2, column 3: this row has 3 cells"),
        ("student,1,1\nS01,R,R\n", "r.csv, line 1, column 3 (1): item “1” has a second column"),
        ("student,1\n", "r.csv: no student rows"),
    ],
)
def test_a_bad_results_file_names_line_and_column(text: str, message: str) -> None:
    blueprint = read_blueprint(KIT).blueprint
    with pytest.raises(AssessmentFileError) as caught:
        parse_results_csv(text, blueprint, source="r.csv")
    assert str(caught.value).startswith(message)


def test_gradebook_headers_and_blank_cells() -> None:
    blueprint = read_blueprint(KIT).blueprint
    results = parse_results_csv("Student Code,Item 1,Q2\nS01,r,\n", blueprint)
    assert results == [
        StudentResult("S01", "1", Outcome.RIGHT),
        StudentResult("S01", "2", Outcome.MISSING),
    ]


def test_a_binary_results_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"student,1\nS01,\0R\n")
    with pytest.raises(AssessmentFileError, match=r"r\.csv, line 2: this is a binary file"):
        read_results_csv(path, read_blueprint(KIT).blueprint)


def test_a_blueprint_dumps_and_reloads_identically() -> None:
    blueprint = read_blueprint(KIT).blueprint
    again = parse_blueprint(dump_blueprint(blueprint), source="dumped.toml").blueprint
    assert again == blueprint
    assert again.targets[0].criterion == CriterionLink(
        "Grade 5 multi-digit subtraction", "accuracy", 3
    )


def test_results_write_and_read_back_identically() -> None:
    blueprint = read_blueprint(KIT).blueprint
    results = read_results_csv(CLASS, blueprint)
    text = results_csv(blueprint, results)
    assert sorted(parse_results_csv(text, blueprint), key=str) == sorted(results, key=str)
    assert text.splitlines()[13] == "S13,R,R,R,R,R,R,S,R,R,R,,,,,,,,,,"
