"""The records commands: load, import-scores, export, sessions, rubrics, backup.

Each test runs the command with click's CliRunner on a temporary database and checks the exit
status, what was printed, and what the database holds afterwards.
"""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.cli.records import EXPORT_FORMATS, EXPORT_KINDS
from calibrate.domain.model import Rater
from calibrate.services.records.database import prepare_demo
from calibrate.services.records.exports import ExportFormat, ExportKind
from calibrate.storage.scenario_files import dump_scenario, read_scenario
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
GRADE8 = ROOT / "scenarios" / "grade8-argument.toml"
GRADE5 = ROOT / "scenarios" / "grade5-subtraction.toml"
NO_ENV: dict[str, str | None] = {"CALIBRATE_DB": None, "CALIBRATE_HOME": None}

GRADE8_LOADED = (
    'Loaded "Argument writing, grade 8" (session id 1): created 1 rubric, 8 samples, 6 raters, '
    "1 session, 239 scores, 40 master-key scores, 3 anchors; already there: nothing.\n"
)


def run(*args: str | Path, db: Path | None = None) -> tuple[int, str, str]:
    env = dict(NO_ENV)
    if db is not None:
        env["CALIBRATE_DB"] = str(db)
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


def run_bytes(*args: str | Path, db: Path) -> tuple[int, bytes]:
    """The exit status and the exact bytes written to stdout (``run`` reads CRLF as LF)."""
    env = {**NO_ENV, "CALIBRATE_DB": str(db)}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout_bytes


def assert_one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "records.db"


@pytest.fixture
def loaded(db: Path) -> Path:
    code, out, _ = run("load", GRADE8, db=db)
    assert (code, out) == (0, GRADE8_LOADED)
    return db


def counts(db: Path) -> tuple[int, ...]:
    with Store.open(db) as store:
        tables = ("rubrics", "samples", "raters", "sessions", "scores", "anchors")
        return tuple(store.db[t].count for t in tables)


# --- load ---------------------------------------------------------------------------------------


def test_load_twice_duplicates_nothing(loaded: Path) -> None:
    before = counts(loaded)
    assert before == (1, 8, 6, 1, 239, 3)
    code, out, err = run("load", GRADE8, db=loaded)
    assert code == 0 and err == ""
    assert out == '"Argument writing, grade 8" (session id 1): already loaded, nothing changed.\n'
    assert counts(loaded) == before


def test_load_reports_what_was_new_and_what_was_there(loaded: Path, tmp_path: Path) -> None:
    # The same rubric, samples and master key, one more rater, no recorded meeting.
    kit = read_scenario(GRADE8)
    grown = replace(kit, raters=(*kit.raters, Rater("Noor Haddad")), session=None, anchors=())
    path = tmp_path / "grown.toml"
    path.write_text(dump_scenario(grown), encoding="utf-8")
    code, out, _ = run("load", path, db=loaded)
    assert code == 0
    assert out == (
        'Loaded "Argument writing, grade 8": created 1 rater; already there: '
        "1 rubric, 8 samples, 6 raters, 40 master-key scores.\n"
    )
    assert counts(loaded) == (1, 8, 7, 1, 239, 3)


def test_db_option_works_before_and_after_the_command_and_from_the_env(tmp_path: Path) -> None:
    after, before, env = tmp_path / "after.db", tmp_path / "before.db", tmp_path / "env.db"
    assert run("load", GRADE8, "--db", after)[0] == 0
    assert run("--db", before, "load", GRADE8)[0] == 0
    assert run("load", GRADE8, db=env)[0] == 0
    for path in (after, before, env):
        assert counts(path)[3] == 1
    # The command's own --db wins over the group's, which wins over CALIBRATE_DB.
    code, out, _ = run("--db", before, "sessions", "--json", "--db", after)
    assert code == 0 and len(json.loads(out)) == 1
    fresh = tmp_path / "fresh.db"
    run("--db", fresh, "load", GRADE5, db=env)
    assert counts(fresh)[3] == 1 and counts(env)[3] == 1


def test_load_a_missing_file_creates_no_database(db: Path, tmp_path: Path) -> None:
    code, out, err = run("load", tmp_path / "nope.toml", db=db)
    assert_one_line_error(code, out, err, "nope.toml", "no such file")
    assert not db.exists()


def test_load_an_invalid_kit_names_the_line_and_stores_nothing(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = GRADE8.read_text(encoding="utf-8").replace('kind = "essay"', 'kind = "eassy"', 1)
    bad.write_text(text, encoding="utf-8")
    code, out, err = run("load", bad, db=db)
    assert code == 2 and out == "" and err.startswith("error: ")
    assert "bad.toml, line" in err and "eassy" in err and "Traceback" not in err
    assert counts(db) == (0, 0, 0, 0, 0, 0)


# --- import-scores ------------------------------------------------------------------------------


@pytest.fixture
def demo(db: Path) -> tuple[Path, int]:
    """A session open for scoring (the demo meeting), with no scores yet."""
    with Store.open(db) as store:
        return db, prepare_demo(store)


def test_import_scores_then_export_them(demo: tuple[Path, int], tmp_path: Path) -> None:
    db, session_id = demo
    scores = tmp_path / "paper.csv"
    scores.write_text(
        "Sample,Criterion,Rater,Level,Note\n"
        "essay-1,claim,Amara Okafor,4,clear from the first line\n"
        "essay-1,evidence,Amara Okafor,3,\n"
        '"Time to Turn the Page",claim,Linh Tran,3,"precise, but"\n',
        encoding="utf-8",
    )
    code, out, err = run("import-scores", scores, "--session", session_id, db=db)
    assert (code, out, err) == (0, f"3 scores imported into session {session_id}.\n", "")
    code, out, _ = run("export", "scores", "--session", session_id, "--format", "json", db=db)
    assert code == 0
    got = [
        (r["sample"], r["criterion"], r["rater"], r["level"], r["note"]) for r in json.loads(out)
    ]
    assert got == [
        ("essay-1", "claim", "Amara Okafor", 4, "clear from the first line"),
        ("essay-1", "claim", "Linh Tran", 3, "precise, but"),
        ("essay-1", "evidence", "Amara Okafor", 3, ""),
    ]


def test_import_with_one_bad_row_names_it_and_imports_nothing(
    demo: tuple[Path, int], tmp_path: Path
) -> None:
    db, session_id = demo
    scores = tmp_path / "paper.csv"
    scores.write_text(
        "sample,criterion,rater,level\n"
        "essay-1,claim,Amara Okafor,4\n"
        "essay-2,claim,Nobody Known,2\n",
        encoding="utf-8",
    )
    code, out, err = run("import-scores", scores, "--session", session_id, db=db)
    assert_one_line_error(code, out, err, "line 3", "column 3 (rater)", "Nobody Known")
    assert "Nothing was imported" in err
    with Store.open(db) as store:
        assert store.scores(session_id) == []


def test_import_into_a_session_not_being_scored_is_refused(loaded: Path, tmp_path: Path) -> None:
    scores = tmp_path / "s.csv"
    scores.write_text("sample,criterion,rater,level\nessay-1,claim,Linh Tran,2\n", "utf-8")
    code, out, err = run("import-scores", scores, "--session", "1", db=loaded)
    assert_one_line_error(code, out, err, "scoring phase", "reveal")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--session", "99"), ("no session with id 99",)),
        (("--session", "one"), ("--session", "'one' is not a whole number written with 0-9")),
        ((), ("Missing option '--session'",)),
    ],
)
def test_import_mistakes_are_one_line(
    demo: tuple[Path, int], tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    db, _ = demo
    scores = tmp_path / "s.csv"
    scores.write_text("sample,criterion,rater,level\nessay-1,claim,Linh Tran,2\n", "utf-8")
    assert_one_line_error(*run("import-scores", scores, *args, db=db), *words)


# --- export -------------------------------------------------------------------------------------


def test_export_names_match_the_service() -> None:
    assert tuple(k.value for k in ExportKind) == EXPORT_KINDS
    assert tuple(f.value for f in ExportFormat) == EXPORT_FORMATS


def test_exported_session_loads_back_identically(loaded: Path, tmp_path: Path) -> None:
    kit = tmp_path / "kit.toml"
    code, out, _ = run(
        "export", "session", "--session", "1", "--format", "toml", "--output", kit, db=loaded
    )
    assert (code, out) == (0, f"Wrote session 1 (toml) to {kit}.\n")
    second = tmp_path / "second.db"
    code, out, _ = run("load", kit, db=second)
    assert (code, out) == (0, GRADE8_LOADED)
    code, again, _ = run("export", "session", "--session", "1", "--format", "toml", db=second)
    assert code == 0
    assert again == kit.read_text(encoding="utf-8")
    assert again.startswith("[scenario]\n")


def test_export_to_stdout_and_to_a_file_agree(loaded: Path, tmp_path: Path) -> None:
    for what in EXPORT_KINDS:
        for fmt in EXPORT_FORMATS:
            args = ("export", what, "--session", "1", "--format", fmt)
            code, shown = run_bytes(*args, db=loaded)
            assert code == 0 and shown
            path = tmp_path / f"{what}.{fmt}"
            assert run(*args, "--output", path, db=loaded)[0] == 0
            assert path.read_bytes() == shown
            assert shown.count(b"\r\n") == (shown.count(b"\n") if fmt == "csv" else 0)


def test_exports_and_reports_are_written_for_their_owner_only(loaded: Path, tmp_path: Path) -> None:
    """They hold scores and notes about students: 0600, even over an existing 0644 file."""
    old = tmp_path / "old.csv"
    old.write_text("x", encoding="utf-8")
    old.chmod(0o644)
    written = [
        (("export", "scores", "--session", "1", "--output", old), old),
        (
            (
                "export",
                "session",
                "--session",
                "1",
                "--format",
                "toml",
                "--output",
                tmp_path / "s.toml",
            ),
            tmp_path / "s.toml",
        ),
        (
            ("report", "--session", "1", "--format", "html", "--output", tmp_path / "r.html"),
            tmp_path / "r.html",
        ),
        (("report", "--session", "1", "--format", "md", "--private-dir", tmp_path / "pages"), None),
    ]
    for args, path in written:
        code, _, err = run(*args, db=loaded)
        assert code == 0, err
        if path is not None:
            assert path.stat().st_mode & 0o777 == 0o600, path
    pages = list((tmp_path / "pages").iterdir())
    assert pages and all(page.stat().st_mode & 0o777 == 0o600 for page in pages)


def test_export_scores_csv_is_the_default_format(loaded: Path) -> None:
    code, out, _ = run("export", "scores", "--session", "1", db=loaded)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "round,sample,sample_title,criterion,rater,level,note,scored_at"
    assert len(lines) == 240  # header + 239 scores of the grade-8 kit
    assert lines[1].startswith("1,essay-1,Time to Turn the Page,claim,Amara Okafor,4,")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("export", "marks", "--session", "1"), ("'marks' is not one of",)),
        (("export", "scores", "--session", "1", "--format", "xlsx"), ("'--format'", "xlsx")),
        (("export", "scores", "--session", "7"), ("no session with id 7",)),
        (("export", "scores"), ("Missing option '--session'",)),
    ],
)
def test_export_mistakes_are_one_line(
    loaded: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run(*args, db=loaded), *words)


def test_commands_on_a_database_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for args in (("sessions",), ("rubrics",), ("export", "scores", "--session", "1")):
        assert_one_line_error(*run(*args, db=missing), "no calibrate database", "typo.db")
    assert not missing.exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n" * 200, encoding="utf-8")
    assert_one_line_error(*run("sessions", db=notes), "cannot be opened as a calibrate database")


# --- sessions and rubrics -----------------------------------------------------------------------


def test_sessions_table_and_json(loaded: Path) -> None:
    run("load", GRADE5, db=loaded)
    code, out, _ = run("sessions", db=loaded)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "phase", "title", "rubric", "raters", "progress"]
    assert len(lines) == 3
    # Newest first: the grade-5 meeting is on 2026-11-04, the grade-8 one on 2026-10-14.
    assert lines[1].split()[:3] == ["2", "2026-11-04", "reveal"]
    assert "October calibration: argument essays" in lines[2]
    assert lines[2].endswith("6  239/240 scores")
    code, out, _ = run("sessions", "--json", db=loaded)
    data = json.loads(out)
    assert [s["id"] for s in data] == [2, 1]
    grade8 = data[1]
    assert grade8["rubric"] == "Grade 8 argument writing" and grade8["rubric_version"] == 1
    assert (grade8["samples"], grade8["raters"], grade8["criteria"]) == (8, 6, 5)
    assert (grade8["scores"], grade8["expected_scores"]) == (239, 240)
    assert grade8["progress"] == "239/240 scores" and grade8["phase"] == "reveal"


def test_rubrics_table_and_json(loaded: Path) -> None:
    code, out, _ = run("rubrics", db=loaded)
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == [
        "id",
        "name",
        "version",
        "date",
        "criteria",
        "levels",
        "sessions",
        "anchors",
        "other",
        "versions",
    ]
    assert row.startswith(" 1  Grade 8 argument writing")
    assert row.split()[-5:] == ["5", "4", "1", "3", "—"]
    code, out, _ = run("rubrics", "--json", "--all-versions", db=loaded)
    (rubric,) = json.loads(out)
    assert rubric["name"] == "Grade 8 argument writing" and rubric["version"] == 1
    assert rubric["criteria"] == ["claim", "evidence", "reasoning", "organization", "conventions"]
    assert (rubric["levels"], rubric["sessions"], rubric["anchors"]) == (4, 1, 3)
    assert rubric["versions"] == [{"id": 1, "version": 1, "sessions": 1, "anchors": 3}]


def test_rubrics_show_the_use_of_every_version(loaded: Path) -> None:
    """Issue 14: version 2 showed 0 sessions, hiding that version 1 has them."""
    with Store.open(loaded) as store:
        v1 = store.get_rubric(1)
        v2 = store.save_rubric(replace(v1, subject="English (revised)"))
    assert v2.version == 2
    code, out, _ = run("rubrics", db=loaded)
    assert code == 0
    header, row, _, note = out.splitlines()
    assert header.split()[-2:] == ["other", "versions"]
    assert f" {v2.id}  Grade 8 argument writing" in row
    assert row.split()[-9:] == ["5", "4", "0", "0", "v1:", "1", "session,", "3", "anchors"]
    assert note == "Sessions and anchors count this version only; --all-versions lists each."
    code, out, _ = run("rubrics", "--json", db=loaded)
    (rubric,) = json.loads(out)
    assert (rubric["version"], rubric["sessions"], rubric["anchors"]) == (2, 0, 0)
    assert rubric["versions"] == [
        {"id": 1, "version": 1, "sessions": 1, "anchors": 3},
        {"id": v2.id, "version": 2, "sessions": 0, "anchors": 0},
    ]
    code, out, _ = run("rubrics", "--all-versions", db=loaded)
    assert code == 0 and "v2: " not in out and out.count("Grade 8 argument writing") == 2
    assert "v1: 1 session, 3 anchors" in out and "unused" in out


def test_empty_listings_say_how_to_start(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store.open(db).close()
    assert run("sessions", db=db)[:2] == (
        0,
        "No sessions yet. Load a kit with: calibrate load SCENARIO.toml\n",
    )
    assert run("rubrics", db=db)[1].startswith("No rubrics yet.")
    assert run("sessions", "--json", db=db)[1] == "[]\n"


# --- backup -------------------------------------------------------------------------------------


def test_backup_while_another_connection_is_writing(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with Store.open(db) as app:  # the app, open, its last changes still in the WAL
        app_session = prepare_demo(app)
        code, out, err = run("backup", copy, db=db)
        assert (code, err) == (0, "")
        assert out == f"Backed up {db} to {copy}.\n"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with Store.open(copy) as restored:
        assert {s.id for s in restored.list_sessions()} == {1, app_session}
        assert len(restored.scores(1)) == 239
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_keeps_an_existing_file_unless_forced(loaded: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-backup.db"
    old.write_text("an older backup\n", encoding="utf-8")
    code, out, err = run("backup", old, db=loaded)
    assert_one_line_error(code, out, err, "already exists", "--force")
    assert old.read_text(encoding="utf-8") == "an older backup\n"
    code, out, _ = run("backup", old, "--force", "--db", loaded)
    assert code == 0 and out.startswith("Backed up")
    with Store.open(old) as restored:
        assert len(restored.list_sessions()) == 1


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("records.db", ("cannot overwrite the database it copies",)),
        ("no-such-folder/copy.db", ("does not exist",)),
        (".", ("is a folder",)),
    ],
)
def test_backup_mistakes_are_one_line(
    loaded: Path, tmp_path: Path, target: str, words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run("backup", tmp_path / target, "--force", db=loaded), *words)
    assert counts(loaded)[4] == 239


def test_a_database_from_a_newer_calibrate_is_refused(tmp_path: Path) -> None:
    """An older program would misread a newer schema: it says so and changes nothing."""
    db = tmp_path / "newer.db"
    with Store.open(db) as store:
        store.db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('calibrate', 'm999_from_the_future', '2027-01-01')"
        )
    before = db.read_bytes()
    for args in (("sessions",), ("rubrics",)):
        code, out, err = run(*args, db=db)
        assert code == 2 and out == ""
        assert err.startswith("error: ") and "made by a newer calibrate" in err
        assert "m999_from_the_future" in err and "Traceback" not in err
    assert db.read_bytes() == before


def test_an_exported_meeting_keeps_its_consensus_through_load_and_report(
    loaded: Path, tmp_path: Path
) -> None:
    """Issue 14: loaded back, the report used to say "Consensus decisions: None"."""
    from calibrate.domain.model import Consensus, Phase

    with Store.open(loaded) as store:
        session = store.get_session(1)
        store.set_phase(1, Phase.CONSENSUS)
        store.set_consensus(
            Consensus(1, session.sample_ids[0], "claim", 3, rationale="Kept to the end.")
        )
        store.set_phase(1, Phase.CLOSED)
    for fmt in ("toml", "json"):
        code, text, _ = run("export", "session", "--session", "1", "--format", fmt, db=loaded)
        assert code == 0
        assert "Kept to the end." in text
    kit = tmp_path / "kit.toml"
    assert run("export", "session", "--session", "1", "--format", "toml", "--output", kit,
               db=loaded)[0] == 0  # fmt: skip
    second = tmp_path / "second.db"
    code, out, _ = run("load", kit, db=second)
    assert code == 0 and "1 consensus decision" in out
    code, report, _ = run("report", "--session", "1", db=second)
    assert code == 0
    decisions = report.split("## Consensus decisions", 1)[1]
    assert "Kept to the end." in decisions and "None" not in decisions.split("##", 1)[0]


def test_a_second_kit_with_the_same_texts_says_its_samples_were_matched(
    loaded: Path, tmp_path: Path
) -> None:
    text = GRADE8.read_text(encoding="utf-8")
    other = tmp_path / "copy.toml"
    other.write_text(
        text.replace('name = "Argument writing, grade 8"', 'name = "A copy of the grade 8 kit"', 1),
        encoding="utf-8",
    )
    before = counts(loaded)
    code, out, _ = run("load", other, db=loaded)
    assert code == 0
    assert "8 of the kit's samples were already stored with the same text" in out
    assert "not stored twice" in out
    assert counts(loaded)[1] == before[1]  # no new samples


def test_a_session_exported_as_json_loads_back_identically(loaded: Path, tmp_path: Path) -> None:
    """Issue 14: export session --format json is the whole session too, and loads back."""
    kit = tmp_path / "kit.json"
    code, _, _ = run(
        "export", "session", "--session", "1", "--format", "json", "--output", kit, db=loaded
    )
    assert code == 0
    second = tmp_path / "second.db"
    code, out, err = run("load", kit, db=second)
    assert (code, out) == (0, GRADE8_LOADED), err
    first_toml = run("export", "session", "--session", "1", "--format", "toml", db=loaded)[1]
    again_toml = run("export", "session", "--session", "1", "--format", "toml", db=second)[1]
    assert again_toml == first_toml


def test_a_mistake_in_a_json_kit_names_the_line_and_field(db: Path, tmp_path: Path) -> None:
    loaded_db = tmp_path / "source.db"
    assert run("load", GRADE8, db=loaded_db)[0] == 0
    text = run("export", "session", "--session", "1", "--format", "json", db=loaded_db)[1]
    data = json.loads(text)
    data["samples"][2]["kind"] = "eassy"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    line = next(
        n
        for n, row in enumerate(broken.read_text(encoding="utf-8").splitlines(), start=1)
        if '"eassy"' in row
    )
    assert_one_line_error(
        *run("load", broken, db=db), f"{broken}, line {line}, samples[3].kind", "eassy"
    )
    assert not db.exists() or counts(db) == (0, 0, 0, 0, 0, 0)
    syntax = tmp_path / "syntax.json"
    syntax.write_text('{\n  "scenario": {\n    "name": "x",\n  }\n}\n', encoding="utf-8")
    assert_one_line_error(*run("load", syntax, db=db), f"{syntax}, line 4", "not valid JSON")
