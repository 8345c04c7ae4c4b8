"""How the authoring editors look (issue 8), at the fixed size, theme, clock and path of
tests/tui/test_snapshots.py. Update only after looking at the report."""

from __future__ import annotations

from calibrate.storage.store import Store
from tests.tui.test_snapshots import SIZE, Snap, app_for, settle, store  # noqa: F401 (fixture)


def test_rubric_editor(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen

    [rubric] = store.list_rubrics()
    run = settle(lambda app: app.push_screen(RubricEditorScreen(rubric.id)))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_new_rubric_editor(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen

    run = settle(lambda app: app.push_screen(RubricEditorScreen(None)))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_version_history(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.version_history import VersionHistoryScreen

    [rubric] = store.list_rubrics()
    assert rubric.family_id is not None
    run = settle(lambda app: app.push_screen(VersionHistoryScreen(rubric.family_id or 0)))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_work_samples(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.samples import SamplesScreen

    run = settle(lambda app: app.push_screen(SamplesScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_rater_admin(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.rater_admin import RaterAdminScreen

    run = settle(lambda app: app.push_screen(RaterAdminScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)


def test_master_key(snap_compare: Snap, store: Store) -> None:  # noqa: F811
    from calibrate.tui.screens.authoring.master_key import MasterKeyScreen

    run = settle(lambda app: app.push_screen(MasterKeyScreen()))
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=run)
