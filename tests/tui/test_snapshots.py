"""How each screen looks, at a fixed size, theme, clock and database path.

Update only after looking at the report: ``pytest tests/tui/test_snapshots.py --snapshot-update``
and open snapshot_report.html first.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp

SIZE = (120, 40)
# A fixed place and clock: the header shows the database path, the anchor library shows dates.
FOLDER = Path("/tmp/calibrate-snapshots")
NOON = "2026-11-23T12:00:00.000+00:00"

Snap = Callable[..., bool]


@pytest.fixture
def store() -> Iterator[Store]:
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    store = Store.open(FOLDER / "demo.db", clock=lambda: NOON)
    prepare_demo(store, today=date(2026, 11, 23))
    yield store
    store.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


def sessions(store: Store) -> tuple[int, int]:
    """(the fresh demo session, the kit's recorded and revealed session)."""
    fresh = next(s for s in store.list_sessions() if s.phase is Phase.SCORING)
    recorded = next(s for s in store.list_sessions() if s.phase is Phase.REVEAL)
    assert fresh.id is not None and recorded.id is not None
    return fresh.id, recorded.id


def app_for(store: Store, **kwargs: Any) -> CalibrateApp:
    app = CalibrateApp(store, today=lambda: date(2026, 11, 23), **kwargs)
    app.theme = "textual-dark"
    return app


def settle(
    push: Callable[[CalibrateApp], object] | None = None,
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Optionally open a screen, then wait for workers (agreement statistics) and a repaint."""

    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CalibrateApp)
        if push is not None:
            push(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        # A blinking cursor is caught on or off at random: hold it still for the picture.
        for field in app.screen.query("Input, TextArea"):
            if isinstance(field, Input | TextArea):
                field.cursor_blink = False
        await pilot.pause(0.2)

    return run


def test_home(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=settle())


def test_scoring_asks_who_is_scoring(snap_compare: Snap, store: Store) -> None:
    fresh, _ = sessions(store)
    app = app_for(store, open_session=fresh)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle())


def test_scoring_with_a_level_chosen(snap_compare: Snap, store: Store) -> None:
    fresh, _ = sessions(store)
    app = app_for(store, open_session=fresh)
    assert snap_compare(app, press=["enter", "3"], terminal_size=SIZE, run_before=settle())


def test_board_while_blind(snap_compare: Snap, store: Store) -> None:
    from calibrate.tui.screens.meeting.board import BoardScreen

    fresh, _ = sessions(store)
    ctx = meeting.load_context(store, fresh)
    for rater in ctx.raters[:2]:
        for sample in ctx.samples[:3]:
            for criterion in ctx.rubric.criteria:
                assert rater.id and sample.id
                meeting.record_score(
                    store,
                    fresh,
                    rater_id=rater.id,
                    sample_id=sample.id,
                    criterion_key=criterion.key,
                    level=3,
                )
    run = settle(lambda app: app.push_screen(BoardScreen(fresh)))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def open_reveal(store: Store) -> Callable[[Pilot[None]], Awaitable[None]]:
    """The kit's recorded session, revealed."""
    from calibrate.tui.screens.meeting.reveal import RevealScreen

    _, recorded = sessions(store)
    return settle(lambda app: app.push_screen(RevealScreen(recorded)))


def open_consensus(store: Store) -> Callable[[Pilot[None]], Awaitable[None]]:
    """The consensus screen on the recorded session's last essay, Claim."""
    from calibrate.tui.screens.meeting.consensus import ConsensusScreen

    _, recorded = sessions(store)
    essay = meeting.load_context(store, recorded).samples[7]
    assert essay.id is not None
    essay_id = essay.id
    return settle(lambda app: app.push_screen(ConsensusScreen(recorded, essay_id, "claim")))


def test_reveal(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=open_reveal(store))


def test_reveal_every_figure(snap_compare: Snap, store: Store) -> None:
    """d on the reveal: the headline's figures, every other coefficient, why they differ."""
    run = open_reveal(store)
    assert snap_compare(app_for(store), press=["d"], terminal_size=SIZE, run_before=run)


def test_consensus(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=open_consensus(store))


def test_anchor_library(snap_compare: Snap, store: Store) -> None:
    from calibrate.tui.screens.meeting.anchors import AnchorLibraryScreen

    run = settle(lambda app: app.push_screen(AnchorLibraryScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_session_setup(snap_compare: Snap, store: Store) -> None:
    from calibrate.tui.screens.meeting.setup import SetupScreen

    run = settle(lambda app: app.push_screen(SetupScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_help(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), press=["f1"], terminal_size=SIZE, run_before=settle())


# The 80 × 24 default terminal: the reveal one pane at a time, the consensus form full width.
SMALL = (80, 24)


def test_reveal_in_a_small_terminal(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), terminal_size=SMALL, run_before=open_reveal(store))


def test_reveal_figures_in_a_small_terminal(snap_compare: Snap, store: Store) -> None:
    run = open_reveal(store)
    assert snap_compare(app_for(store), press=["f"], terminal_size=SMALL, run_before=run)


def test_consensus_in_a_small_terminal(snap_compare: Snap, store: Store) -> None:
    assert snap_compare(app_for(store), terminal_size=SMALL, run_before=open_consensus(store))
