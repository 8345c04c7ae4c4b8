"""The master key is shown to the team after it agrees an item, by default (issue 13): shown
from the reveal on it anchors the talk. The facilitator can show it now (k), or choose
``--master-key before`` for the whole meeting."""

from __future__ import annotations

from click.testing import CliRunner
from textual.widgets import Static

from calibrate.cli.main import cli
from calibrate.services.meeting.board import load_reveal
from calibrate.services.meeting.key_timing import KeyTiming, key_shown, key_text, session_key
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.meeting.consensus import ConsensusScreen
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.widgets.meeting.heat_map import HeatMap
from calibrate.tui.widgets.meeting.spread_bars import SpreadBars
from tests.tui.conftest import SIZE, Demo


def text_of(widget: Static) -> str:
    return str(widget.render())


def status_of(screen: ConsensusScreen) -> str:
    return text_of(screen.query_one("#consensus-status", Static))


async def test_the_key_shows_on_an_item_once_the_team_agrees_it(demo: Demo) -> None:
    sid = demo.recorded_id
    first = load_reveal(demo.store, sid).discussion_queue()[0]
    assert first.reference is not None
    app = CalibrateApp(demo.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reveal = RevealScreen(sid)
        await app.push_screen(reveal)
        await app.workers.wait_for_complete()
        await pilot.pause()
        bars = text_of(reveal.query_one(SpreadBars))
        assert "◆ master key  " not in bars and "◆ master key: kept back" in bars

        screen = ConsensusScreen(sid, first.sample_id, first.criterion_key)
        await app.push_screen(screen)
        await pilot.pause()
        assert "Master key: hidden until the team agrees" in status_of(screen)
        await pilot.press("2", "r", *"the middle drifts", "enter")  # agreed and saved
        await pilot.pause()
        assert demo.store.consensus_for(sid)
        assert f"Master key: {first.reference} · " in status_of(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reveal
        reveal.query_one(HeatMap).move_to(first.sample_id, first.criterion_key)
        await pilot.pause()
        bars = text_of(reveal.query_one(SpreadBars))
        assert "◆ master key" in bars and "kept back" not in bars  # agreed: shown
        await app.workers.wait_for_complete()


async def test_k_shows_it_now_and_before_shows_it_from_the_start(demo: Demo) -> None:
    sid = demo.recorded_id
    first = load_reveal(demo.store, sid).discussion_queue()[0]
    app = CalibrateApp(demo.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = ConsensusScreen(sid, first.sample_id, first.criterion_key)
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("k")
        assert f"Master key: {first.reference} · " in status_of(screen)
        assert demo.store.session_key_timing(sid) == ("after", True)  # kept with the session
        await pilot.press("k")  # kept back again
        assert "hidden until the team agrees" in status_of(screen)
    app = CalibrateApp(demo.store, master_key=KeyTiming.BEFORE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = ConsensusScreen(sid, first.sample_id, first.criterion_key)
        await app.push_screen(screen)
        await pilot.pause()
        assert f"Master key: {first.reference} · " in status_of(screen)
        await pilot.press("k")  # nothing to hide: it says so
        assert "shown from the start" in list(app._notifications)[-1].message
        assert f"Master key: {first.reference} · " in status_of(screen)
    assert demo.store.session_key_timing(sid)[0] == "before"


async def test_a_session_keeps_its_timing_and_k_when_the_app_opens_again(demo: Demo) -> None:
    """The facilitator quits mid-discussion and opens the app again without --master-key: the
    session shows the key as it did (issue 13: the choice lived in the app's memory only)."""
    sid = demo.recorded_id
    first = load_reveal(demo.store, sid).discussion_queue()[0]
    assert demo.store.session_key_timing(sid) == (None, False)  # never shown yet
    for timing, press_k in ((KeyTiming.AFTER, True), (None, False)):
        app = CalibrateApp(demo.store, master_key=timing)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = ConsensusScreen(sid, first.sample_id, first.criterion_key)
            await app.push_screen(screen)
            await pilot.pause()
            if press_k:
                assert "hidden until the team agrees" in status_of(screen)
                await pilot.press("k")
            assert f"Master key: {first.reference} · " in status_of(screen)
    assert demo.store.session_key_timing(sid) == ("after", True)
    other = demo.session_id  # a session shown with --master-key before keeps it, too
    assert session_key(demo.store, other, KeyTiming.BEFORE).shown(agreed=False)
    assert session_key(demo.store, other, None).timing is KeyTiming.BEFORE
    assert demo.store.session_key_timing(sid)[0] == "after"  # the other session is its own


def test_when_the_key_shows() -> None:
    assert not key_shown(KeyTiming.AFTER, agreed=False)
    assert key_shown(KeyTiming.AFTER, agreed=True)
    assert key_shown(KeyTiming.AFTER, agreed=False, shown_now=True)
    assert key_shown(KeyTiming.BEFORE, agreed=False)
    assert key_text("3 · Proficient", 3, shown=True) == "3 · Proficient"
    assert key_text("3 · Proficient", 3, shown=False).startswith("hidden until the team agrees")
    assert key_text("—", None, shown=False) == "— (no master-key score)"


def test_the_cli_offers_the_choice() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "--master-key [after|before]" in result.output
    bad = CliRunner().invoke(cli, ["--master-key", "sometimes", "sessions"])
    assert bad.exit_code == 2 and "'sometimes' is not one of 'after', 'before'" in bad.output
