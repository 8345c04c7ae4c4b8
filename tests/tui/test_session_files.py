"""Reports and exports from inside the app (issue 13): the command palette finds "report" and
"export"; the file is written in a worker, on a connection of its own, and its path shown."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from textual.widgets import Input

from calibrate.domain.errors import InvalidOperationError
from calibrate.services.records.session_files import (
    SessionFile,
    check_can_write,
    chosen_path,
    default_path,
    write_session_file,
)
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.modals import ConfirmModal, TextModal
from tests.tui.conftest import SIZE, Demo


async def run_command(app: CalibrateApp, pilot: object, words: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*["space" if ch == " " else ch for ch in words])
    await asyncio.sleep(0.4)  # its search runs asynchronously
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_the_palette_writes_the_session_report_and_shows_the_path(
    demo: Demo, tmp_path: Path
) -> None:
    app = CalibrateApp(demo.store, files_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(RevealScreen(demo.recorded_id))
        await app.workers.wait_for_complete()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Report: the session (HTML, to print)" in titles
        assert "Export: the session's scores (CSV)" in titles
        await run_command(app, pilot, "report html")
        assert isinstance(app.screen, TextModal)  # where to? the current folder's name offered
        assert app.screen.query_one(Input).value == str(
            tmp_path / f"session-{demo.recorded_id}-report.html"
        )
        await pilot.press("enter")
        for _ in range(200):  # the report's bootstrap intervals take a moment
            await app.workers.wait_for_complete()
            if app.written is not None:
                break
            await asyncio.sleep(0.05)
        expected = tmp_path / f"session-{demo.recorded_id}-report.html"
        assert app.written == expected, [n.message for n in app._notifications]
        page = expected.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "October calibration" in page
        assert oct(expected.stat().st_mode & 0o777) == "0o600"
        messages = [n.message for n in app._notifications]
        assert f"Wrote {expected}" in messages


async def test_an_export_from_home_and_a_blind_session_refused(demo: Demo, tmp_path: Path) -> None:
    app = CalibrateApp(demo.store, files_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Home highlights the demo session, still being scored blind: refused in words.
        assert app.screen.current_session() == demo.session_id  # type: ignore[attr-defined]
        app.write_session_file(demo.session_id, SessionFile.SCORES_CSV)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.written is None
        assert "hidden until the reveal" in list(app._notifications)[-1].message
        app.write_session_file(demo.recorded_id, SessionFile.SCORES_CSV)
        await pilot.pause()
        await pilot.press("enter")  # the path offered
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.written == tmp_path / f"session-{demo.recorded_id}-scores.csv"
        rows = list(csv.DictReader(io.StringIO(app.written.read_text(encoding="utf-8"))))
        assert len(rows) == len(demo.store.scores(demo.recorded_id)) == 239


def test_the_service_writes_through_its_own_connection(demo: Demo, tmp_path: Path) -> None:
    path = default_path(demo.recorded_id, SessionFile.SESSION_TOML, folder=tmp_path)
    assert path.name == f"session-{demo.recorded_id}-session.toml"
    written = write_session_file(demo.store.path, demo.recorded_id, SessionFile.SESSION_TOML, path)
    kit = path.read_text(encoding="utf-8")
    assert written == path and kit.startswith("[scenario]") and "October calibration" in kit
    with pytest.raises(InvalidOperationError, match="hidden until the reveal"):
        check_can_write(demo.store, demo.session_id, SessionFile.REPORT_MD)
    check_can_write(demo.store, demo.session_id, SessionFile.ANCHORS_CSV)  # no scores in it


async def test_the_user_chooses_where_a_file_goes(demo: Demo, tmp_path: Path) -> None:
    """A folder gets the offered name; a missing folder is refused in words with nothing
    written; an existing file is replaced only after a yes (issue 13: the palette wrote to a
    fixed name with no question)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    sid = demo.recorded_id
    app = CalibrateApp(demo.store, files_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        async def ask(text: str) -> None:
            app.write_session_file(sid, SessionFile.ANCHORS_CSV)
            await pilot.pause()
            assert isinstance(app.screen, TextModal)
            app.screen.query_one(Input).value = text
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await ask("reports")  # relative to the files folder, and a folder: the offered name
        first = folder / f"session-{sid}-anchors.csv"
        assert app.written == first and first.exists()
        await ask(str(tmp_path / "nowhere" / "a.csv"))
        assert "There is no folder" in list(app._notifications)[-1].message
        assert not (tmp_path / "nowhere").exists()
        first.write_text("old", encoding="utf-8")
        await ask(str(first))
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep it
        await app.workers.wait_for_complete()
        assert first.read_text(encoding="utf-8") == "old"
        await ask(str(first))
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first.read_text(encoding="utf-8") != "old" and app.written == first
        app.write_session_file(sid, SessionFile.ANCHORS_CSV)
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing asked, nothing written
        await pilot.pause()
        assert not isinstance(app.screen, (TextModal, ConfirmModal))


def test_chosen_path_reads_what_was_typed(tmp_path: Path) -> None:
    assert chosen_path(" a.csv ", folder=tmp_path, default_name="x.csv") == tmp_path / "a.csv"
    assert chosen_path(str(tmp_path), folder=Path("/"), default_name="x.csv") == tmp_path / "x.csv"
    home = chosen_path("~", folder=tmp_path, default_name="x.csv")
    assert home == Path.home() / "x.csv"
    with pytest.raises(InvalidOperationError, match="Type where the file goes"):
        chosen_path("  ", folder=tmp_path, default_name="x.csv")
