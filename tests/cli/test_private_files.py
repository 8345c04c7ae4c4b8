"""Files that hold student work stay private (issue 14, files): exports, reports, each rater's
pages, kits and backups are written 0600 and a database found world-readable is tightened on
open; CSV exports never hand a spreadsheet a formula to run (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from calibrate.services.authoring.kits import export_kit_file, kit_from_session
from calibrate.services.records.database import prepare_demo
from calibrate.storage.scenario_files import read_scenario, write_scenario
from calibrate.storage.store import Store
from tests.cli.test_records import GRADE8, run, run_bytes


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "records.db"
    assert run("load", GRADE8, db=db)[0] == 0
    return db


def test_a_touched_world_readable_database_is_tightened_by_any_command(tmp_path: Path) -> None:
    db = tmp_path / "touched.db"
    db.touch()
    db.chmod(0o644)
    code, out, err = run("sessions", db=db)
    assert (code, err) == (0, "") and out.startswith("No sessions yet.")
    assert mode(db) == 0o600
    for companion in (tmp_path / "touched.db-wal", tmp_path / "touched.db-shm"):
        assert not companion.exists() or mode(companion) == 0o600


def test_rater_pages_go_into_an_owner_only_folder(loaded: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages" / "october"
    code, _, err = run(
        "report", "--session", "1", "--format", "html", "--private-dir", pages, db=loaded
    )
    assert code == 0, err
    assert mode(pages) == 0o700
    written = sorted(pages.iterdir())
    assert len(written) == 6  # one per rater of the grade-8 meeting
    assert all(mode(page) == 0o600 for page in written)


def test_a_kit_exported_from_the_authoring_screen_is_owner_only(
    loaded: Path, tmp_path: Path
) -> None:
    with Store.open(loaded) as store:
        path = export_kit_file(store, kit_from_session(store, 1), tmp_path / "kit.toml")
    assert mode(path) == 0o600


def test_contract_documents_are_owner_only(loaded: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "contract", "new", "--session", "1", "--sample", "essay-1", "--teacher", "Linh Tran",
        db=loaded,
    )  # fmt: skip
    assert code == 0, err
    old = tmp_path / "contract.md"
    old.write_text("an older copy\n", encoding="utf-8")
    old.chmod(0o644)
    code, _, err = run("contract", "export", "1", "--format", "md", "--output", old, db=loaded)
    assert code == 0, err
    assert mode(old) == 0o600 and "an older copy" not in old.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("note", "cell"),
    [
        ('=HYPERLINK("http://example.invalid","look")', '\'=HYPERLINK("http://example.invalid"'),
        ("+44 123", "'+44 123"),
        ("-1 for the intro", "'-1 for the intro"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ],
)
def test_exported_csv_cells_never_run_as_formulas(tmp_path: Path, note: str, cell: str) -> None:
    """A note typed on paper as ``=HYPERLINK(…)`` goes in, and comes out of ``export scores``
    with a leading ' (OWASP's advice), so Excel shows it as text; levels stay numbers."""
    db = tmp_path / "meeting.db"
    with Store.open(db) as store:
        session_id = prepare_demo(store)
    paper = tmp_path / "paper.csv"
    with paper.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["sample", "criterion", "rater", "level", "note"])
        writer.writerow(["essay-1", "claim", "Linh Tran", 3, note])
    assert run("import-scores", paper, "--session", session_id, db=db)[0] == 0
    code, shown = run_bytes("export", "scores", "--session", str(session_id), db=db)
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(shown.decode("utf-8"), newline=""))
    assert row["note"].startswith(cell) and row["note"] == "'" + note
    assert row["level"] == "3"
    # Read back in, the guard's quote comes off: the note is what was written on paper.
    with Store.open(db) as store:
        (score,) = store.scores(session_id)
        assert score.note == note


def test_a_kit_written_by_the_storage_layer_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "copy.toml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o644)
    write_scenario(read_scenario(GRADE8), path)
    assert mode(path) == 0o600 and read_scenario(path) == read_scenario(GRADE8)
