"""``calibrate assessment load|list|import-results|class|groups`` with click's CliRunner.

The bundled class (scenarios/assessments/) was written so that S05, S08, S12, S17, S21 and S23
have a gap on subtraction with regrouping, and S13 was absent for items 11–20.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
SUBTRACTION = ROOT / "scenarios" / "grade5-subtraction.toml"
TEST = "grade5-math-checkpoint"


def run(*args: str | Path, db: Path) -> tuple[int, str, str]:
    env = {"CALIBRATE_DB": str(db), "CALIBRATE_HOME": None}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(result: tuple[int, str, str], start: str) -> None:
    code, out, err = result
    assert (code, out) == (2, "")
    assert err.count("\n") == 1, err
    assert err.startswith(f"error: {start}"), err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cal.db"
    assert run("load", SUBTRACTION, db=path)[0] == 0
    code, out, _ = run("assessment", "load", KIT, db=path)
    assert code == 0
    assert out == (
        "Stored the test “Grade 5 mathematics checkpoint” (key grade5-math-checkpoint, id 1): "
        "20 items on 5 learning targets, 1 linked to a rubric criterion.\n"
    )
    code, out, _ = run("assessment", "import-results", TEST, CLASS, db=path)
    assert code == 0
    assert out == (
        "Imported 480 results into “Grade 5 mathematics checkpoint”; it has results for "
        "24 students.\n"
    )
    return path


def test_list(db: Path) -> None:
    code, out, _ = run("assessment", "list", db=db)
    assert code == 0
    assert out.splitlines()[1].split() == [
        "1",
        TEST,
        *["Grade", "5", "mathematics", "checkpoint"],
        "20",
        "5",
        "24",
    ]
    code, out, _ = run("assessment", "list", "--json", db=db)
    data = json.loads(out)
    first = data[0]["targets"][0]
    assert (first["key"], first["statement"][:5]) == (
        "subtract-regroup",
        "I can",
    )


def test_class_heat_map(db: Path) -> None:
    code, out, _ = run("assessment", "class", TEST, db=db)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["student", "T1", "T2", "T3", "T4", "T5"]
    assert lines[2].split() == ["S01", "+", "+", "+", "+", "+"]
    assert lines[14].split() == ["S13", "+", "~", "+", "?", "?"]
    gap_row = next(line for line in lines if line.startswith("gap"))
    assert gap_row.split()[1] == "6"
    assert "T1  subtract-regroup: I can subtract" in out


def test_one_students_targets_with_evidence(db: Path) -> None:
    code, out, _ = run("assessment", "class", TEST, "--student", "S05", db=db)
    assert code == 0
    assert "[subtract-regroup]: gap" in out
    assert "Item 2 (1 point): don't get it yet, Item 3 (2 points): don't get it yet" in out
    one_line_error(run("assessment", "class", TEST, "--student", "S99", db=db), "“Grade 5")


def test_class_json(db: Path) -> None:
    code, out, _ = run("assessment", "class", "1", "--json", db=db)
    assert code == 0
    data = json.loads(out)
    assert data["targets"][0]["counts"] == {
        "secure": 13,
        "careless only": 5,
        "gap": 6,
        "no evidence": 0,
    }
    s13 = next(s for s in data["students"] if s["student"] == "S13")
    assert s13["targets"]["fractions-unlike"]["status"] == "no evidence"


def test_groups_printed_and_exported(db: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        "assessment", "groups", TEST, "--size", "4", "--target", "subtract-regroup", db=db
    )
    assert code == 0
    assert out.splitlines() == [
        "subtract-regroup 1/2: S05, S08, S12  (I can subtract multi-digit numbers with "
        "regrouping, even across zeros.)",
        "subtract-regroup 2/2: S17, S21, S23  (I can subtract multi-digit numbers with "
        "regrouping, even across zeros.)",
    ]
    target = tmp_path / "groups.csv"
    code, out, _ = run("assessment", "groups", TEST, "--size", "3", "--output", target, db=db)
    assert code == 0 and out.startswith("Wrote ")
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "target,statement,group,student"
    assert target.stat().st_mode & 0o077 == 0
    assert all(row.rsplit(",", 1)[1].startswith("S") for row in rows[1:])
    code, out, _ = run("assessment", "groups", TEST, "--size", "30", "--json", db=db)
    assert json.loads(out)[0]["students"] == ["S05", "S08", "S12", "S17", "S21", "S23"]


def test_mistakes_are_one_line(db: Path, tmp_path: Path) -> None:
    one_line_error(run("assessment", "groups", TEST, "--size", "0", db=db), "Group size")
    one_line_error(run("assessment", "class", "nope", db=db), "There is no test “nope”")
    bad = tmp_path / "bad.csv"
    bad.write_text("student,1\nS01,R\nS02,?\n", encoding="utf-8")
    one_line_error(
        run("assessment", "import-results", TEST, bad, db=db),
        f"{bad}, line 3, column 2 (item 1): “?” is not a result",
    )
    one_line_error(run("assessment", "load", KIT, db=db), "A test with the key")


def test_a_link_to_a_missing_rubric_is_placed(tmp_path: Path) -> None:
    code, out, err = run("assessment", "load", KIT, db=tmp_path / "new.db")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {KIT}, line 27, targets[1].criterion: there is no rubric")
    with Store.open(tmp_path / "new.db") as store:
        assert store.list_assessments() == []


def test_a_contract_from_a_students_gaps(db: Path) -> None:
    code, out, _ = run(
        "assessment",
        "contract",
        TEST,
        "S12",
        "--teacher",
        "Ms Rivera",
        "--start",
        "2026-12-01",
        db=db,
    )
    assert code == 0, out
    assert out == (
        "Created draft contract 1 for S12: fractions-unlike (3 items, 0 anchors), "
        "subtract-regroup (2 items, 0 anchors); due 2026-12-29.\n"
    )
    code, out, _ = run("contract", "list", "--json", db=db)
    listed = json.loads(out)
    assert [t["criterion"] for t in listed[0]["targets"]] == [
        "fractions-unlike",
        "subtract-regroup",
    ]
    one_line_error(
        run("assessment", "contract", TEST, "S01", "--teacher", "Ms Rivera", db=db),
        "S01 has no gap",
    )


def test_export_round_trips(db: Path, tmp_path: Path) -> None:
    code, out, _ = run("assessment", "export", TEST, db=db)
    assert code == 0
    assert out.startswith('[assessment]\nkey = "grade5-math-checkpoint"')
    target = tmp_path / "results.csv"
    code, out, _ = run("assessment", "export", TEST, "--results", "--output", target, db=db)
    assert code == 0 and out.startswith("Wrote the results")
    assert target.read_bytes() == CLASS.read_bytes().replace(b"\n", b"\r\n")
    blueprint = tmp_path / "again.toml"
    blueprint.write_text(
        run("assessment", "export", TEST, db=db)[1].replace(TEST, "again"), encoding="utf-8"
    )
    assert run("assessment", "load", blueprint, db=db)[0] == 0
    assert run("assessment", "import-results", "again", target, db=db)[0] == 0
    again = run("assessment", "class", "again", db=db)[1]
    assert again == run("assessment", "class", TEST, db=db)[1]


def test_load_update_changes_a_stored_test_and_keeps_every_result(db: Path, tmp_path: Path) -> None:
    """Issue 17: a teacher who fixes a prompt or a target's words in the blueprint file loads
    it again with --update; without it the key is refused, and an item with results cannot be
    left out (one error line, nothing written)."""
    edited = tmp_path / "checkpoint.toml"
    text = KIT.read_text(encoding="utf-8")
    assert 'title = "Grade 5 mathematics checkpoint"' in text
    edited.write_text(
        text.replace(
            'title = "Grade 5 mathematics checkpoint"',
            'title = "Grade 5 checkpoint, December"',
            1,
        ),
        encoding="utf-8",
    )
    one_line_error(
        run("assessment", "load", edited, db=db), "A test with the key “grade5-math-checkpoint”"
    )
    code, out, _ = run("assessment", "load", edited, "--update", db=db)
    assert code == 0, out
    assert out.startswith("Updated the test “Grade 5 checkpoint, December” (key grade5-math")
    with Store.open(db) as store:
        (test,) = store.list_assessments()
        assert test.title == "Grade 5 checkpoint, December"
        assert len(store.assessment_results(test.id or 0)) == 480
    fewer = tmp_path / "fewer.toml"
    last = text.rindex("[[items]]")
    fewer.write_text(text[:last], encoding="utf-8")
    one_line_error(run("assessment", "load", fewer, "--update", db=db), "Item “20”")
    with Store.open(db) as store:
        assert len(store.list_assessments()[0].items) == 20
