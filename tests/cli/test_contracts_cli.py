"""``calibrate contract list|export|new`` with click's CliRunner on a demo database.

The demo database holds the grade-8 kit's recorded session (id 1): Amara Okafor scored essay-4
(student G8-A-031) claim 3, evidence 4, reasoning 3, organization 2, conventions 3
(scenarios/grade8-argument.toml); the kit's approved claim-4 anchor is essay-3's.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.contracts import CONTRACT_FORMATS
from calibrate.cli.main import cli
from calibrate.domain.contracts import ContractStatus
from calibrate.services.contracts.export import ContractFormat
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store

NO_ENV: dict[str, str | None] = {"CALIBRATE_DB": None, "CALIBRATE_HOME": None}
NEW = (
    "contract",
    "new",
    "--session",
    "1",
    "--sample",
    "essay-4",
    "--teacher",
    "Amara Okafor",
    "--source",
    "teacher",
    "--start",
    "2026-11-02",
)


def run(*args: str | Path, db: Path) -> tuple[int, str, str]:
    env = {**NO_ENV, "CALIBRATE_DB": str(db)}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with Store.open(path) as store:
        prepare_demo(store, today=date(2026, 11, 2))
    return path


def test_the_formats_match_the_service() -> None:
    assert tuple(f.value for f in ContractFormat) == CONTRACT_FORMATS


def test_new_creates_a_draft_from_the_scored_sample(db: Path) -> None:
    code, out, err = run(*NEW, "--student-name", "Sam", db=db)
    assert (code, err) == (0, "")
    # organization 2 is the weakest; claim, reasoning and conventions tie at 3: rubric order
    assert out == (
        "Created draft contract 1 for G8-A-031: organization 2 → 3 (0 anchors), "
        "claim 3 → 4 (1 anchor); due 2026-12-14.\n"
    )
    with Store.open(db) as store:
        (stored,) = store.list_contracts()
        assert (stored.student_name, stored.status) == ("Sam", ContractStatus.DRAFT)
        assert stored.current.targets[1].anchor_ids == (2,)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("--teacher", "Nobody"), "no rater named “Nobody”"),
        (("--sample", "essay-99"), "the session 1 has no sample “essay-99”"),
        (("--start", "next week"), "--start: “next week” is not a date"),
        (("--session", "9"), "There is no session with id 9."),
    ],
)
def test_new_refuses_mistakes_in_one_line(db: Path, change: tuple[str, str], words: str) -> None:
    args = list(NEW)
    args[args.index(change[0]) + 1] = change[1]
    assert_one_line_error(*run(*args, db=db), words)
    with Store.open(db) as store:
        assert store.list_contracts() == []


def test_list_shows_the_contracts(db: Path) -> None:
    code, out, _ = run("contract", "list", db=db)
    assert (code, out) == (0, "No contracts yet. Start one with: calibrate contract new --help\n")
    run(*NEW, db=db)
    code, out, err = run("contract", "list", db=db)
    assert (code, err) == (0, "")
    header, row = out.splitlines()
    assert header.split() == [
        "id",
        "student",
        "class",
        "teacher",
        "rubric",
        "status",
        "version",
        "targets",
        "next",
        "check",
    ]
    assert re.match(
        r"\s*1\s+G8-A-031\s+-\s+Amara Okafor\s+Grade 8 argument writing v1\s+draft\s+1\s+"
        r"organization 2→3, claim 3→4\s+2026-11-16$",
        row,
    ), row

    code, out, _ = run("contract", "list", "--json", db=db)
    (item,) = json.loads(out)
    assert (item["id"], item["student_code"], item["status"], item["next_checkpoint"]) == (
        1,
        "G8-A-031",
        "draft",
        "2026-11-16",  # 14 days after the start
    )
    assert [(t["criterion"], t["target_level"]) for t in item["targets"]] == [
        ("organization", 3),
        ("claim", 4),
    ]
    assert "student_name" not in item
    code, out, _ = run("contract", "list", "--status", "active", "--json", db=db)
    assert (code, json.loads(out)) == (0, [])


def test_contracts_are_listed_and_filtered_by_class(db: Path) -> None:
    args = list(NEW)
    run(*args, "--class", "8B", db=db)
    args[args.index("--sample") + 1] = "essay-1"
    run(*args, "--class", "8C", db=db)
    code, out, _ = run("contract", "list", "--json", db=db)
    assert code == 0
    assert sorted(item["class"] for item in json.loads(out)) == ["8B", "8C"]
    code, out, _ = run("contract", "list", "--class", "8C", "--json", db=db)
    [only] = json.loads(out)
    assert (only["class"], only["student_code"]) == ("8C", "G8-A-017")
    code, out, _ = run("contract", "list", "--class", "8C", db=db)
    assert out.splitlines()[1].split()[1:3] == ["G8-A-017", "8C"]


@pytest.mark.parametrize("fmt", CONTRACT_FORMATS)
def test_export_writes_each_format(db: Path, tmp_path: Path, fmt: str) -> None:
    run(*NEW, "--student-name", "Sam Rivera", db=db)
    code, out, err = run("contract", "export", "1", "--format", fmt, db=db)
    assert (code, err) == (0, "")
    assert "G8-A-031" in out and "Sam Rivera" not in out
    if fmt == "json":
        assert json.loads(out)["current"]["targets"][1]["anchor_ids"] == [2]
    else:
        assert "Signatures" in out and "Keep the Books" in out  # the claim anchor, quoted
    target = tmp_path / f"contract.{fmt}"
    code, out, _ = run(
        "contract", "export", "1", "--format", fmt, "--output", target, "--with-name", db=db
    )
    assert (code, out) == (0, f"Wrote contract 1 ({fmt}) to {target}.\n")
    assert "Sam Rivera" in target.read_text(encoding="utf-8")


def test_export_of_a_missing_contract_is_one_line(db: Path) -> None:
    assert_one_line_error(
        *run("contract", "export", "7", "--format", "md", db=db), "no contract with id 7"
    )
    assert_one_line_error(
        *run("contract", "export", "1", "--format", "pdf", db=db), "'pdf' is not one of"
    )


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert_one_line_error(*run("contract", "list", db=missing), "no calibrate database")
    assert not missing.exists()
