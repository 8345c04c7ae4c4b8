"""The Schools screen (issue 18): a coach's merged database in the app, as `calibrate schools`
shows it, with the highlighted school in words and every school's raters on one Rasch scale
fitted in a worker."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from calibrate.services.district.rasch import busiest_family, district_lines, district_rasch
from calibrate.services.district.schools import cross_school_agreement, school_sentence
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.district.schools import SchoolsScreen
from tests.services.test_schools import district  # noqa: F401  (the merged database)
from tests.tui.conftest import SIZE


def shown(app: CalibrateApp, selector: str) -> str:
    return " ".join(str(app.screen.query_one(selector, Static).render()).split())


async def test_the_coach_sees_each_school_and_its_raters_on_one_scale(district: Path) -> None:  # noqa: F811
    with Store.open(district) as store:
        view = cross_school_agreement(store)
        family = busiest_family(store)
        assert family is not None
        expected_rasch = district_lines(district_rasch(store, family))
        app = CalibrateApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, SchoolsScreen)
            table = app.screen.query_one("#sc-table", DataTable)
            assert [table.get_row_at(n)[0] for n in range(table.row_count)] == ["north", "south"]
            assert [str(c) for c in table.get_row_at(0)[5:]] == ["50%", "100%", "+0.50"]
            assert "2 shared items" in shown(app, "#sc-summary")
            north, south = view.schools
            assert school_sentence(north) in shown(app, "#sc-detail")
            assert "Anchors from its meetings: S1 evidence 2 (proposed)" in shown(app, "#sc-detail")
            await pilot.press("down")
            await pilot.pause()
            assert school_sentence(south) in shown(app, "#sc-detail")
            assert "Anchors" not in shown(app, "#sc-detail")
            await pilot.press("R")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert shown(app, "#sc-rasch") == " ".join(" ".join(expected_rasch).split())
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, SchoolsScreen)


async def test_a_database_with_no_meeting_says_how_schools_come_in(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.db") as store:
        app = CalibrateApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.push_screen(SchoolsScreen())
            await pilot.pause()
            assert "calibrate merge OTHER.db" in shown(app, "#sc-detail")
            await pilot.press("R")
            await pilot.pause()
            assert "no meeting here yet" in shown(app, "#sc-rasch")
