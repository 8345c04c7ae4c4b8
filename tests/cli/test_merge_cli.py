"""`calibrate merge` and `calibrate sync`: exit codes, summaries, conflicts, the synced file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.domain.model import Rater
from calibrate.storage.store import Store
from tests.services.merge_fixtures import counts, make_school, score_facts


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_school(tmp_path_factory.mktemp("school"), "northside", meetings=1)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_merge_prints_what_came_in_and_twice_changes_nothing(tmp_path: Path, school: Path) -> None:
    coach = tmp_path / "coach.db"
    code, out, err = run("merge", str(school), "--db", str(coach))
    assert (code, err) == (0, "")
    with Store.open(school) as theirs:
        n_scores = len(score_facts(theirs))
    assert n_scores == 8 + 5  # one meeting of 2 samples x 2 raters x 2 criteria, and the kit's
    assert f"{school}: merged " in out and f"{n_scores} scores" in out and "1 anchor." in out
    code, out, _ = run("merge", str(school), "--db", str(coach))
    assert code == 0 and "nothing new" in out
    code, out, _ = run("merge", str(school), "--db", str(coach), "--json")
    assert code == 0
    [entry] = json.loads(out)
    assert entry["added"] == {} and entry["skipped"]["scores"] == n_scores


def test_a_rater_conflict_is_refused_then_mapped(tmp_path: Path, school: Path) -> None:
    coach = tmp_path / "coach.db"
    with Store.open(coach) as store:
        store.add_rater(Rater(name="Ben Lindqvist"))
        before = counts(store)
    code, out, err = run("merge", str(school), "--db", str(coach))
    assert code == 2 and out == ""
    assert "“Ben Lindqvist”" in err and "--map-raters" in err and "Traceback" not in err
    with Store.open(coach) as store:
        assert counts(store) == before
    mapping = tmp_path / "raters.csv"
    mapping.write_text("other_name,our_name\nBen Lindqvist,Ben Lindqvist\n", encoding="utf-8")
    code, out, err = run("merge", str(school), "--map-raters", str(mapping), "--db", str(coach))
    assert (code, err) == (0, "")
    with Store.open(coach) as store, Store.open(school) as theirs:
        assert score_facts(store) == score_facts(theirs)
        assert len(store.list_raters()) == 2


def test_a_bad_source_is_one_line_and_the_others_still_merge(tmp_path: Path, school: Path) -> None:
    coach = tmp_path / "coach.db"
    code, out, err = run("merge", str(tmp_path / "missing.db"), str(school), "--db", str(coach))
    assert code == 2
    assert err.startswith("error: ") and "missing.db" in err and "no such file" in err
    assert "merged" in out


def test_sync_writes_a_file_a_coach_merges_without_the_room_codes(
    tmp_path: Path, school: Path
) -> None:
    own = tmp_path / "northside.db"
    own.write_bytes(school.read_bytes())
    with Store.open(own) as store:
        session = store.list_sessions()[0]
        assert session.id is not None
        store.set_session_codes(session.id, "JOIN42", "LEAD42")
    drive = tmp_path / "drive"
    code, out, err = run("sync", "--to", str(drive), "--school", "North Side", "--db", str(own))
    assert (code, err) == (0, "")
    synced = drive / "North-Side.db"
    assert f"to {synced}" in out
    conn = sqlite3.connect(synced)
    codes = conn.execute(
        "SELECT count(*) FROM sessions WHERE join_hash IS NOT NULL OR facilitator_hash IS NOT NULL"
    ).fetchone()
    conn.close()
    assert codes == (0,)
    code, out, _ = run("sync", "--to", str(drive), "--school", "North Side", "--db", str(own))
    assert code == 0 and "(0 new since the last sync" in out
    coach = tmp_path / "coach.db"
    code, out, _ = run("merge", str(synced), "--db", str(coach))
    assert code == 0 and "(North-Side)" not in out
    with Store.open(coach) as store, Store.open(own) as theirs:
        assert score_facts(store) == score_facts(theirs)
        assert all(
            store.session_codes(s.id or 0) == (None, None, None, None)
            for s in store.list_sessions()
        )
        held_at = {school for (school,) in store.db.execute("SELECT school FROM sessions")}
        assert held_at == {"North Side", "kit:Tiny kit"}


def test_schools_on_one_rasch_scale(tmp_path: Path, school: Path) -> None:
    coach = tmp_path / "coach.db"
    assert run("merge", str(school), "--db", str(coach))[0] == 0
    code, out, err = run("schools", "--rasch", "--db", str(coach))
    assert (code, err) == (0, "")
    assert out.startswith("Tiny argument rubric: every school: 2 meetings on one scale")
    assert "\nnorthside: 2 raters, " in out and "  Amara Okafor (northside) " in out
    code, out, _ = run("schools", "--rasch", "--json", "--db", str(coach))
    data = json.loads(out)
    assert code == 0 and data["meetings"] == 2
    assert {s["school"] for s in data["schools"]} == {"northside", "kit “Tiny kit”"}
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    code, out, err = run("schools", "--rasch", "--db", str(empty))
    assert code == 2 and err == "error: there is no meeting here yet to put raters on a scale\n"


def test_sync_from_the_default_database_asks_for_the_school(tmp_path: Path, school: Path) -> None:
    own = tmp_path / "calibrate.db"
    own.write_bytes(school.read_bytes())
    code, out, err = run("sync", "--to", str(tmp_path / "drive"), "--db", str(own))
    assert code == 2 and out == ""
    assert err.startswith("error: Say which school this is with --school NAME")
    assert not (tmp_path / "drive").exists()
    code, out, err = run(
        "sync", "--to", str(tmp_path / "drive"), "--school", "///", "--db", str(own)
    )
    assert code == 2 and "cannot name a file" in err
