"""The Raters screens' Rasch reading: fitted in a thread worker from plain arrays, shown in
plain words, with the reason when there is nothing to fit.

The kit's designed lenient rater (Erik Lindqvist, +0.42 levels above the master key in the
Raters list) must come out as the one who "scores more generously" on the Rasch scale too,
and the Rasch sentences on screen must be the service's own for the same session.
"""

from __future__ import annotations

import threading
from pathlib import Path

from calibrate.domain.model import Rater
from calibrate.services.meeting import sessions as meeting
from calibrate.services.reliability.rasch import fit_session, session_ratings
from calibrate.services.reliability.rasch_summary import FIT_BANDS, compact_line
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.reliability.raters import RaterDetailScreen, RatersScreen
from calibrate.tui.widgets.reliability.rasch_panel import RaschPanel
from tests.services import test_reliability as reliability_tests
from tests.tui.conftest import SIZE, Demo, make_app


def panel_text(app: CalibrateApp, selector: str) -> str:
    return str(app.screen.query_one(selector, RaschPanel).render())


def rater_id(store: Store, name: str) -> int:
    rater = store.rater_by_name(name)
    assert rater is not None and rater.id is not None
    return rater.id


async def test_the_list_says_each_raters_severity_and_fit_in_words(demo: Demo) -> None:
    expected = fit_session(session_ratings(demo.store, demo.recorded_id))
    assert expected.fit is not None and len(expected.readings) == 6
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("r")
        assert isinstance(app.screen, RatersScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = panel_text(app, "#rt-rasch")
        assert "Raters on one scale (Rasch model) · 2026-10-14" in text
        for reading in expected.readings:
            assert compact_line(reading) in text
        assert FIT_BANDS in text
        erik = next(line for line in text.splitlines() if "Erik Lindqvist" in line)
        assert "more generously than the team on similar work" in erik
        # The most lenient Rasch measure (lowest severity) is Erik's.
        lowest = min(expected.fit.raters, key=lambda r: r.measure or 0.0)
        assert lowest.label == "Erik Lindqvist"
        assert "scores fit the pattern" in text


async def test_with_no_revealed_session_the_list_says_why(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.db")
    store.add_rater(Rater(id=None, name="Lena"))
    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(RatersScreen())
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = panel_text(app, "#rt-rasch")
        assert "Not available: no revealed session has scores yet." in text
    store.close()


async def test_detail_reads_the_store_on_the_app_thread_and_fits_in_a_worker(
    demo: Demo,
) -> None:
    expected = fit_session(session_ratings(demo.store, demo.recorded_id))
    reading = expected.reading("Erik Lindqvist")
    assert reading is not None
    threads: set[int] = set()
    scores = demo.store.scores

    def recording_scores(*args: object, **kwargs: object) -> object:
        threads.add(threading.get_ident())
        return scores(*args, **kwargs)  # type: ignore[arg-type]

    demo.store.scores = recording_scores  # type: ignore[method-assign]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(RaterDetailScreen(rater_id(demo.store, "Erik Lindqvist")))
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = panel_text(app, "#rd-rasch")
        for sentence in reading.sentences:
            assert sentence in text
        assert "more generously than the team on similar work" in text
        assert "Drift on one scale needs two revealed sessions; there is one so far." in text
    assert threads == {threading.main_thread().ident}


async def test_detail_shows_drift_in_logits_after_a_second_session(demo: Demo) -> None:
    # Everyone but Amara gives one level above the key in the follow-up: more lenient.
    later = reliability_tests.later_session(
        demo.store,
        "2026-12-02",
        exact_for={"Amara Okafor"},
        first_id=demo.recorded_id,
        title="Follow-up",
    )
    meeting.reveal(demo.store, later)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(RaterDetailScreen(rater_id(demo.store, "Linh Tran")))
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = panel_text(app, "#rd-rasch")
        assert "Latest session: 2026-12-02 Follow-up" in text
        drift = next(line for line in text.splitlines() if line.strip().startswith("Follow-up:"))
        assert "logits (SE" in drift
        assert "more lenient" in drift or "moved -" in drift
