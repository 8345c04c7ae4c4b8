"""`calibrate demo` keeps the meeting in the teacher's own database: quit, run plain `calibrate`,
and the demo session is there with its scores; a second demo reopens it, `--fresh` starts anew."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from calibrate.cli.main import cli
from calibrate.services.meeting import sessions as meeting
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen

DEMO_TITLE = "Demo meeting: Argument writing, grade 8"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Instead of running the app, a teacher scores one item and quits (Ctrl+Q)."""
    sessions: list[int | None] = []

    def score_one_and_quit(app: CalibrateApp) -> None:
        sessions.append(app.open_session)
        assert app.open_session is not None
        ctx = meeting.load_context(app.store, app.open_session)
        sample, rater = ctx.samples[0], ctx.raters[0]
        assert sample.id is not None and rater.id is not None
        criterion = ctx.rubric.criteria[0]
        level = criterion.levels[0].score
        meeting.record_score(
            app.store,
            app.open_session,
            rater_id=rater.id,
            sample_id=sample.id,
            criterion_key=criterion.key,
            level=level,
        )

    monkeypatch.setattr(CalibrateApp, "run", score_one_and_quit)
    return sessions


def demo(db: Path, *args: str) -> str:
    env = {"CALIBRATE_DB": str(db), "CALIBRATE_HOME": None}
    result = CliRunner().invoke(cli, ["demo", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def test_the_demo_is_found_again_by_plain_calibrate(
    tmp_path: Path, opened: list[int | None]
) -> None:
    db = tmp_path / "mine.db"
    said = demo(db)
    assert f"kept in {db}" in said and "`calibrate`" in said
    assert db.exists()

    with Store.open(db) as store:
        app = CalibrateApp(store)  # what plain `calibrate` opens
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            table = app.screen.query_one("#sessions", DataTable)
            rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(table.row_count)}
            assert rows[DEMO_TITLE][1] == "scoring"
            assert rows[DEMO_TITLE][5] == "1/240 scores"


def test_a_second_demo_reopens_the_same_session_and_fresh_starts_another(
    tmp_path: Path, opened: list[int | None]
) -> None:
    db = tmp_path / "mine.db"
    demo(db)
    demo(db)
    assert opened[0] == opened[1]
    demo(db, "--fresh")
    assert opened[2] != opened[0]
    with Store.open(db) as store:
        titles = [s.title for s in store.list_sessions()]
        assert titles.count(DEMO_TITLE) == 2
        assert opened[0] is not None
        kept = store.scores(opened[0], round=1)
        assert len(kept) == 1  # the second run scored the same item again: one score, kept


def test_the_meeting_time_and_pace_reach_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(
        CalibrateApp, "run", lambda app: seen.append((app.meeting_minutes, app.minutes_per_item))
    )
    env = {"CALIBRATE_DB": str(tmp_path / "mine.db"), "CALIBRATE_HOME": None}
    for args in (["demo"], ["--minutes", "30", "--pace", "5", "demo"], ["--minutes", "60"]):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 0, result.output
    assert seen == [(45, 3), (30, 5), (60, 3)]
    refused = CliRunner().invoke(cli, ["--pace", "0", "demo"], env=env)
    assert refused.exit_code == 2


def test_reopening_the_demo_reads_no_kit(tmp_path: Path) -> None:
    """Issue 15: a second `calibrate demo` reopens its session without reading the kit again,
    so pydantic (the kit checker) is not loaded before the first screen."""
    import subprocess
    import sys

    db = tmp_path / "mine.db"
    probe = (
        "import sys; from calibrate.services.records.database import prepare_demo;"
        "from calibrate.storage.store import Store;"
        f"store = Store.open({str(db)!r}); sid = prepare_demo(store); store.close();"
        "print(sid, 'pydantic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert first.stdout.split() == [again.stdout.split()[0], "True"], first.stderr
    assert again.stdout.split()[1] == "False", again.stderr


def test_a_fresh_demo_on_a_new_database_has_one_demo_session(
    tmp_path: Path, opened: list[int | None]
) -> None:
    db = tmp_path / "new.db"
    demo(db, "--fresh")
    with Store.open(db) as store:
        titles = [s.title for s in store.list_sessions()]
    assert titles.count(DEMO_TITLE) == 1
