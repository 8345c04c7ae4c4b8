"""Test blueprints written as a spreadsheet (one row per item): read all or nothing, each
problem placed at its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.domain.assessment import CriterionLink, Item
from calibrate.domain.errors import AssessmentFileError
from calibrate.storage.assessment_files import BlueprintFile
from calibrate.storage.blueprint_csv import parse_blueprint_csv, read_blueprint_csv

GOOD = (
    "Item,Target,Statement,Points,Prompt,Rubric,Criterion,Level\n"
    "1,sub,I can subtract with regrouping.,1,724 - 358,,,\n"
    "2,mul,I can multiply by a 2-digit number.,2,46 x 23,,,\n"
    "3,sub,,2,5003 - 1748,Grade 5 multi-digit subtraction,accuracy,3\n"
)


def parse(text: str) -> BlueprintFile:
    return parse_blueprint_csv(text, key="quiz", title="Quiz", source="q.csv")


def test_one_row_per_item() -> None:
    read = parse(GOOD)
    blueprint = read.blueprint
    assert [t.key for t in blueprint.targets] == ["sub", "mul"]
    assert blueprint.items == (
        Item("1", "sub", 1, "724 - 358"),
        Item("2", "mul", 2, "46 x 23"),
        Item("3", "sub", 2, "5003 - 1748"),
    )
    sub = blueprint.target("sub")
    assert sub is not None
    assert sub.criterion == CriterionLink("Grade 5 multi-digit subtraction", "accuracy", 3)
    assert read.where("sub") == "q.csv, line 4, column 7 (criterion)"


def test_a_csv_file_is_read_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "unit 3 quiz.csv"
    path.write_text(GOOD, encoding="utf-8")
    read = read_blueprint_csv(path, title="Unit 3 quiz")
    assert (read.blueprint.key, read.blueprint.title) == ("unit-3-quiz", "Unit 3 quiz")
    assert read_blueprint_csv(path).blueprint.title == "unit 3 quiz"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("item,goal\n1,a\n", "q.csv, line 1, column 2: “goal” is not a column"),
        ("item,statement\n1,I can.\n", "q.csv, line 1: no “target” column"),
        ("item,target,statement\n1,a,Add numbers\n", "q.csv, line 2, column 3 (statement): write"),
        ("item,target\n1,a\n", "q.csv, line 2: the learning target “a” has no statement"),
        (
            "item,target,statement\n1,a,I can add.\n2,a,I can subtract.\n",
            "q.csv, line 3, column 3 (statement): differs from the statement of “a” on line 2",
        ),
        (
            "item,target,statement\n1,a,I can add.\n1,a,\n",
            "q.csv, line 3, column 1 (item): item “1” is already on line 2",
        ),
        (
            "item,target,statement,points\n1,a,I can add.,half\n",
            "q.csv, line 2, column 4 (points): “half” is not a whole number from 1 to 1000",
        ),
        (
            "item,target,statement,criterion\n1,a,I can add.,accuracy\n",
            "q.csv, line 2 (there is no “rubric” column): give both the rubric and the criterion",
        ),
        ("item,target,statement\n1,a b,I can add.\n", "q.csv, line 2, column 2 (target): “a b”"),
        ("item,target\n", "q.csv: no items below the header"),
    ],
)
def test_a_bad_blueprint_csv_names_line_and_column(text: str, message: str) -> None:
    with pytest.raises(AssessmentFileError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)
