"""``calibrate assessment slips`` and ``calibrate assessment serve``: the slip codes a teacher
prints, and the served page started as a teacher starts it."""

from __future__ import annotations

import json
import stat
import urllib.request
from pathlib import Path

from calibrate.services.assessment.reflection import class_slips, printed
from calibrate.storage.store_serve import ServedStore
from tests.cli.test_assessment_cli import KIT, TEST, db, one_line_error, run
from tests.serve.room_process import free_port, start_server, stop_server

__all__ = ["db"]


def test_slips_are_printed_per_student_and_again_the_same(db: Path) -> None:
    code, out, _ = run("assessment", "slips", TEST, db=db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Slip codes for “Grade 5 mathematics checkpoint” (cut along the lines; one per student):"
    )
    with ServedStore.open(db) as store:
        expected = [(s, printed(c)) for s, c in class_slips(store, 1)]
    assert [tuple(line.split()) for line in lines[1:]] == expected
    assert len(expected) == 24
    assert run("assessment", "slips", TEST, db=db)[1] == out  # nothing stored: the same again
    code, out, _ = run("assessment", "slips", TEST, "--json", db=db)
    assert json.loads(out)[0] == {"student": "S01", "slip": expected[0][1]}


def test_slips_as_csv_are_readable_by_the_teacher_only(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "slips.csv"
    code, out, _ = run("assessment", "slips", TEST, "--csv", target, db=db)
    assert code == 0 and out == f"Wrote 24 slips to {target} (readable by you only).\n"
    assert target.read_text().splitlines()[0] == "student,slip"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_test_without_results_has_no_slips_and_an_unknown_test_is_named(
    db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text(KIT.read_text().replace(f'key = "{TEST}"', 'key = "another-test"'))
    assert run("assessment", "load", other, db=db)[0] == 0
    code, out, _ = run("assessment", "slips", "another-test", db=db)
    assert code == 0 and "has no results yet" in out
    one_line_error(run("assessment", "slips", "nope", db=db), "There is no test “nope”")
    one_line_error(run("assessment", "serve", "nope", db=db), "There is no test “nope”")


def test_serve_starts_answers_and_names_the_slips(db: Path) -> None:
    port = free_port()
    server = start_server(db, port, command=("assessment", "serve", TEST))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            page = response.read().decode()
        assert response.status == 200 and "Slip code" in page
    finally:
        stop_server(server)
    out = server.stdout.read().decode()  # type: ignore[union-attr]
    assert (
        f"Serving “Grade 5 mathematics checkpoint” for 24 students at  http://127.0.0.1:{port}"
        in out
    )
    assert f"(calibrate assessment slips {TEST})" in out
    assert "Only this computer can open it." in out
