"""How the contract screens look, at a fixed size, theme, clock, today and database path.

Update only after looking at the report:
``pytest tests/tui/test_contract_snapshots.py --snapshot-update``, then open snapshot_report.html.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from calibrate.domain.contracts import LevelSource, ReviewOutcome
from calibrate.domain.model import Phase
from calibrate.services.contracts import plans as contracts
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp

SIZE = (120, 40)
FOLDER = Path("/tmp/calibrate-contract-snapshots")  # the header shows the database path
NOON = "2026-11-23T12:00:00.000+00:00"
TODAY = date(2026, 11, 23)
ESSAY_6 = 6  # student G8-C-008; Amara Okafor (rater 1) scored claim 3 and evidence 3

Snap = Callable[..., bool]


@pytest.fixture
def store() -> Iterator[Store]:
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    store = Store.open(FOLDER / "demo.db", clock=lambda: NOON)
    prepare_demo(store, today=TODAY)
    yield store
    store.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


def recorded(store: Store) -> int:
    session = next(s for s in store.list_sessions() if s.phase is Phase.REVEAL)
    assert session.id is not None
    return session.id


def app_for(store: Store) -> CalibrateApp:
    app = CalibrateApp(store, today=lambda: TODAY)
    app.theme = "textual-dark"
    return app


def a_running_contract(store: Store) -> int:
    """Essay 6's contract, agreed, with one progress entry and one checkpoint review."""
    draft = contracts.draft_from_sample(
        store, recorded(store), ESSAY_6, teacher_id=1, source=LevelSource.TEACHER, today=TODAY
    )
    contract_id = contracts.create_contract(store, draft.contract).id
    assert contract_id is not None
    contracts.activate(store, contract_id)
    contracts.log_progress(
        store,
        contract_id,
        on="2026-11-30",
        evidence="Essay 9, first draft",
        worked="quoting both sources",
        next_step="answer the other side",
    )
    contracts.review(store, contract_id, on="2026-12-07", outcome=ReviewOutcome.ON_TRACK)
    return contract_id


def settle(
    push: Callable[[CalibrateApp], object] | None = None,
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CalibrateApp)
        if push is not None:
            push(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)

    return run


def test_contract_document(snap_compare: Snap, store: Store) -> None:
    """The contract as the student reads it: where they are, the targets with the anchors."""
    from calibrate.tui.screens.contracts.detail import ContractDetailScreen

    contract_id = a_running_contract(store)
    run = settle(lambda app: app.push_screen(ContractDetailScreen(contract_id)))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_contracts_list(snap_compare: Snap, store: Store) -> None:
    """Listed per teacher, with status and the next checkpoint."""
    from calibrate.tui.screens.contracts.overview import ContractsScreen

    a_running_contract(store)
    run = settle(lambda app: app.push_screen(ContractsScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_contract_editor_filled_from_a_sample(snap_compare: Snap, store: Store) -> None:
    """A new contract from essay 6 and Amara's own scores: levels, targets, anchors quoted."""
    from calibrate.tui.screens.contracts.editor import ContractEditorScreen

    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        editor = ContractEditorScreen()
        await app.push_screen(editor)
        await pilot.pause()
        for selector, value in (
            ("#ct-sample", ESSAY_6),
            ("#ct-levels-from", LevelSource.TEACHER),
        ):
            editor.query_one(selector, Select).value = value
            await pilot.pause()
            await pilot.pause()
        editor.query_one("#ct-diagnostic").scroll_visible(animate=False, top=True)
        await pilot.pause(0.3)

    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)
