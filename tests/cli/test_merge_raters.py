"""`calibrate merge-raters KEEP OTHER` (issue 14): two entries for one person in an older
database become one from the command line, as Manage raters (m) does in the app."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.domain.model import Rater
from calibrate.storage.store import Store

KIT = Path(__file__).resolve().parents[2] / "scenarios" / "grade8-argument.toml"


def database(tmp_path: Path) -> tuple[Path, int, int]:
    """The grade-8 kit, plus a second entry for Erik Lindqvist seated in the kit's session
    (the way an older calibrate, or a merge, left it)."""
    db = tmp_path / "cal.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "load", str(KIT)]).exit_code == 0
    with Store.open(db) as store:
        dup = store.add_rater(Rater("E. Lindqvist", role="teacher"))
        erik = store.rater_by_name("Erik Lindqvist")
        assert dup.id is not None and erik is not None and erik.id is not None
        return db, erik.id, dup.id


def test_names_in_any_case_or_ids_and_the_other_entry_goes(tmp_path: Path) -> None:
    db, _erik, dup = database(tmp_path)
    with Store.open(db) as store:
        scores = {s.id: s.rater_id for s in store.scores(store.list_sessions()[0].id or 0)}
    result = CliRunner().invoke(cli, ["--db", str(db), "merge-raters", "erik  LINDQVIST", str(dup)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Merged “E. Lindqvist” into “Erik Lindqvist”: 0 scores")
    assert f"(“E. Lindqvist” was id {dup}.)" in result.output
    with Store.open(db) as store:
        assert store.rater_by_name("E. Lindqvist") is None
        after = {s.id: s.rater_id for s in store.scores(store.list_sessions()[0].id or 0)}
    assert after == scores  # Erik's own scores untouched


def test_json_says_what_moved(tmp_path: Path) -> None:
    db, erik, _dup = database(tmp_path)
    args = ["--db", str(db), "merge-raters", str(erik), "E. Lindqvist", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kept"] == {"id": erik, "name": "Erik Lindqvist"}
    assert data["merged"] == "E. Lindqvist"
    assert set(data) == {"kept", "merged", "sessions", "scores", "history", "other_rows"}


def test_mistakes_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    db, erik, _dup = database(tmp_path)
    for args, words in (
        (["Erik Lindqvist", "Nobody Here"], "There is no rater “Nobody Here”; the raters are"),
        (["Erik Lindqvist", str(erik)], "is named twice; give two different raters"),
        (["9999", "E. Lindqvist"], "There is no rater “9999”"),
    ):
        result = CliRunner().invoke(cli, ["--db", str(db), "merge-raters", *args])
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert words in result.output, result.output
    with Store.open(db) as store:
        assert store.rater_by_name("E. Lindqvist") is not None


def test_two_spellings_of_one_name_are_told_apart_by_how_they_are_written(tmp_path: Path) -> None:
    """The case the command is for: an older database holds "Ann Lee" and "ann lee"."""
    db, _erik, _dup = database(tmp_path)
    with Store.open(db) as store:  # as an older calibrate wrote it (no check then)
        store.db.execute("INSERT INTO raters (name) VALUES ('Ann Lee'), ('ann lee')")
    result = CliRunner().invoke(cli, ["--db", str(db), "merge-raters", "Ann Lee", "ann lee"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Merged “ann lee” into “Ann Lee”")
    with Store.open(db) as store:
        assert store.rater_by_name("ann lee") is None and store.rater_by_name("Ann Lee")
