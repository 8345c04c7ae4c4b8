"""Authoring in the app: build a rubric from nothing, add samples from files, run a session on
them, change a descriptor (a new version; the old session keeps its wording), export the kit and
load it back identically; mistakes shown at their field with nothing saved; raters merged
without losing a score; the master key typed in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea

from calibrate.domain.model import RubricKind
from calibrate.services.authoring.kits import kit_from_rubric, load_kit_file
from calibrate.services.authoring.raters import RaterForm, add_rater
from calibrate.services.meeting import sessions as meeting
from calibrate.storage.scenario_files import dump_scenario, read_scenario
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.authoring.kits import KitScreen
from calibrate.tui.screens.authoring.master_key import MasterKeyScreen
from calibrate.tui.screens.authoring.rater_admin import RaterAdminScreen, RaterFormModal
from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen
from calibrate.tui.screens.authoring.samples import SamplesScreen
from calibrate.tui.screens.authoring.version_history import VersionHistoryScreen
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal
from calibrate.tui.widgets.authoring.level_editor import LevelEditor
from tests.tui.conftest import SIZE, Demo, make_app


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "empty.db") as store:
        yield store


def text_of(app: CalibrateApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def type_into(pilot: Pilot[None], app: CalibrateApp, selector: str, text: str) -> None:
    app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


async def open_new_rubric(app: CalibrateApp, pilot: Pilot[None]) -> RubricEditorScreen:
    await pilot.pause()
    if isinstance(app.screen, ConfirmModal):  # an empty database offers the examples
        await pilot.press("n")
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ChoiceModal)
    await pilot.press("enter")  # "A new rubric" is the first choice
    await pilot.pause()
    assert isinstance(app.screen, RubricEditorScreen)
    return app.screen


async def fill_criterion(
    pilot: Pilot[None], app: CalibrateApp, name: str, descriptors: str
) -> None:
    await type_into(pilot, app, "#re-cname", name)
    for j, letter in enumerate(descriptors):
        await type_into(pilot, app, f"#re-level-{j}-descriptor", letter)


async def test_build_a_rubric_then_version_it_after_a_session(empty: Store, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "a.md").write_text("# Later start\n\nTeens need sleep.\n", encoding="utf-8")
    (folder / "b.md").write_text("# Keep the bell\n\nBuses cost money.\n", encoding="utf-8")
    (folder / "c.txt").write_text("My name is Jamal Wright. Sports matter.\n", encoding="utf-8")
    app = CalibrateApp(empty)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_new_rubric(app, pilot)
        # Saving an empty form saves nothing and shows each problem at its field.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text_of(app, "#re-name-error") == "A rubric needs a name."
        assert text_of(app, "#re-ckey-error").startswith("Every criterion needs a key")
        assert text_of(app, "#re-level-0-descriptor-error") == (
            "Describe what work at this level shows."
        )
        assert empty.list_rubrics() == []

        await type_into(pilot, app, "#re-name", "Debate")
        assert text_of(app, "#re-name-error") == ""  # re-checked as you type
        await fill_criterion(pilot, app, "Claim", "abcd")
        assert app.screen.query_one("#re-ckey", Input).value == "claim"  # follows the name
        await pilot.press("f2")  # a second criterion, with the same four levels
        await pilot.pause()
        await fill_criterion(pilot, app, "Evidence", "efgh")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [rubric] = empty.list_rubrics()
        assert (rubric.name, rubric.kind, rubric.version) == ("Debate", RubricKind.ANALYTIC, 1)
        assert [c.key for c in rubric.criteria] == ["claim", "evidence"]
        assert [lv.descriptor for lv in rubric.criteria[1].levels] == list("efgh")
        assert [lv.label for lv in rubric.criteria[0].levels][2] == "Proficient"
        assert not editor.dirty
        await pilot.press("escape")
        await pilot.pause()

        # Three samples from files.
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SamplesScreen)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*str(folder), "enter")
        await pilot.pause()
        assert isinstance(app.screen, SamplesScreen)
        samples = empty.list_samples()
        assert [s.title for s in samples] == ["Later start", "Keep the bell", "c"]
        table = app.screen.query_one("#sm-list", DataTable)
        assert str(table.get_row_at(2)[0]) == "⚠ c"  # the privacy warning is on the list
        assert "Jamal Wright" in text_of(app, "#sm-privacy")
        await pilot.press("escape")
        await pilot.pause()

        # A session scored against version 1.
        raters = [add_rater(empty, RaterForm(n)).id or 0 for n in ("Ana", "Ben")]
        assert rubric.id is not None
        session = meeting.create_session(
            empty,
            title="Debate check",
            date="2026-11-02",
            rubric_id=rubric.id,
            sample_ids=[s.id or 0 for s in samples],
            rater_ids=raters,
        )
        assert session.id is not None
        for rater in raters:
            for s in samples:
                meeting.record_score(
                    empty,
                    session.id,
                    rater_id=rater,
                    sample_id=s.id or 0,
                    criterion_key="claim",
                    level=3,
                )

        # Rewording a descriptor of a rubric in use makes version 2.
        app.screen.query_one("#home-tabs").active = "tab-rubrics"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RubricEditorScreen)
        assert "in use" in app.screen.sub_title
        area = app.screen.query_one("#re-level-2-descriptor", TextArea)
        area.focus()
        await pilot.press("end", *" clearly")
        await pilot.press("ctrl+s")
        await pilot.pause()
        versions = empty.rubric_versions(rubric.family_id or 0)
        assert [v.version for v in versions] == [1, 2]
        assert versions[1].criteria[0].levels[2].descriptor == "c clearly"
        old = meeting.load_context(empty, session.id).rubric
        assert (old.version, old.criteria[0].levels[2].descriptor) == (1, "c")

        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, VersionHistoryScreen)
        changes = text_of(app, "#vh-changes")
        assert "claim, level 3, descriptor changed" in changes and "+ c clearly" in changes
        table = app.screen.query_one("#vh-versions", DataTable)
        table.move_cursor(row=0)
        await pilot.pause()
        assert "session Debate check" in text_of(app, "#vh-uses")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        # Export the kit from the app; it loads back identically.
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KitScreen)
        newest = versions[1].id
        app.screen.query_one("#kit-source", Select).value = f"rubric:{newest}"
        await pilot.pause()
        assert app.screen.query_one("#kit-name", Input).value == "Debate"
        await type_into(pilot, app, "#kit-path", str(tmp_path / "debate.toml"))
        await pilot.press("f2")
        await pilot.pause()
    path = tmp_path / "debate.toml"
    kit = read_scenario(path)
    assert [s.key for s in kit.samples] == ["later-start", "keep-the-bell", "c"]
    assert kit.rubric.criteria[0].levels[2].descriptor == "c clearly"
    assert dump_scenario(kit) == dump_scenario(kit_from_rubric(empty, newest or 0, name="Debate"))
    with Store.open(tmp_path / "fresh.db") as fresh:
        load_kit_file(fresh, path)
        again = kit_from_rubric(fresh, fresh.list_rubrics()[0].id or 0, name="Debate")
        assert dump_scenario(again) == path.read_text(encoding="utf-8")


async def test_a_repeated_key_is_shown_at_the_field_and_nothing_is_saved(empty: Store) -> None:
    app = CalibrateApp(empty)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_new_rubric(app, pilot)
        await type_into(pilot, app, "#re-name", "Lab")
        await fill_criterion(pilot, app, "Data", "abcd")
        await pilot.press("f2")
        await pilot.pause()
        await fill_criterion(pilot, app, "Units", "efgh")
        await type_into(pilot, app, "#re-ckey", "")
        await pilot.press("ctrl+a", "ctrl+k", *"data")  # the same key as criterion 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert empty.list_rubrics() == []
        assert text_of(app, "#re-ckey-error") == (
            "Criterion 1 already uses the key “data”; each key is unique."
        )
        assert app.focused is app.screen.query_one("#re-ckey")
        assert "1 problem" in text_of(app, "#re-status")
        # Levels out of order: the message is at the score that breaks the order.
        await pilot.press("ctrl+a", "ctrl+k", *"units")
        await type_into(pilot, app, "#re-level-3-score", "")
        await pilot.press("ctrl+a", "ctrl+k", "2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "4 comes" not in text_of(app, "#re-level-3-score-error")
        assert text_of(app, "#re-level-3-score-error") == (
            "Levels go up in score from first to last: 2 comes after 3."
        )
        assert empty.list_rubrics() == []
        await pilot.press("ctrl+a", "ctrl+k", "4", "ctrl+s")
        await pilot.pause()
        assert [c.key for c in empty.list_rubrics()[0].criteria] == ["data", "units"]
        assert not editor.dirty


async def test_paste_a_sample_and_see_the_privacy_warning(demo: Demo) -> None:
    before = len(demo.store.list_samples())
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SamplesScreen)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text_of(app, "#sm-title-error").startswith("A sample needs a title")
        assert len(demo.store.list_samples()) == before
        await pilot.press(*"Pasted")
        await type_into(pilot, app, "#sm-text", "Write to jo@example.org")
        assert "email address “jo@example.org”" in text_of(app, "#sm-privacy")
        await pilot.press("ctrl+s")
        await pilot.pause()
        stored = demo.store.list_samples()[-1]
        assert (stored.title, stored.body) == ("Pasted", "Write to jo@example.org")
        await pilot.press("f4")  # Markdown preview
        await pilot.pause()
        assert app.screen.query_one("#sm-switcher").current == "sm-preview"  # type: ignore[attr-defined]


async def test_raters_are_added_merged_and_retired_without_losing_a_score(demo: Demo) -> None:
    store = demo.store
    amara = store.rater_by_name("Amara Okafor")
    erik = store.rater_by_name("Erik Lindqvist")
    assert amara is not None and amara.id is not None and erik is not None
    scores_before = len(store.scores(demo.recorded_id))
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, RaterAdminScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RaterFormModal)
        await pilot.press(*"Amara Okafor", "enter")  # taken: shown at the field
        await pilot.pause()
        assert text_of(app, "#ra-name-error") == "There is already a rater called “Amara Okafor”."
        await pilot.press("ctrl+a", "ctrl+k", *"A. Okafor", "enter")
        await pilot.pause()
        dup = store.rater_by_name("A. Okafor")
        assert dup is not None and dup.id is not None
        # Merge the new entry into Amara: it is under the cursor after adding.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        app.screen.dismiss(amara.id)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert store.rater_by_name("A. Okafor") is None
        # Two demo raters scored the same items: refused, and nothing changes.
        table = app.screen.query_one("#ra-list", DataTable)
        ids = [int(str(k.value)) for k in table.rows]
        table.move_cursor(row=ids.index(erik.id or 0))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        app.screen.dismiss(amara.id)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.rater_by_name("Erik Lindqvist") is not None
        assert len(store.scores(demo.recorded_id)) == scores_before
        await pilot.press("x")  # retire Erik
        await pilot.pause()
        assert not store.get_rater(erik.id or 0).active


async def test_master_key_typed_on_the_grid(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MasterKeyScreen)
        grid = app.screen.query_one("#mk-grid", DataTable)
        row = len(demo.store.list_samples()) - 1
        grid.move_cursor(row=row, column=1)
        await pilot.press("2")  # nobody named yet: refused
        await pilot.pause()
        sample = demo.store.list_samples()[row]
        rubric = demo.store.get_rubric(demo.store.get_session(demo.session_id).rubric_id)
        first = rubric.criteria[0].key
        before = {r.criterion_key: r for r in demo.store.reference_scores([sample.id or 0])}
        await type_into(pilot, app, "#mk-set-by", "ELA team")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is grid
        await pilot.press("2")
        await pilot.pause()
        after = {r.criterion_key: r for r in demo.store.reference_scores([sample.id or 0])}
        assert after[first].level == 2 and after[first].set_by == "ELA team"
        assert after.keys() - {first} == before.keys() - {first}
        assert "set by ELA team" in text_of(app, "#mk-detail")


async def test_levels_are_added_moved_and_removed_from_keys_and_buttons(empty: Store) -> None:
    app = CalibrateApp(empty)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_new_rubric(app, pilot)
        await fill_criterion(pilot, app, "Claim", "abcd")
        criterion = editor.draft.criteria[0]
        assert [lv.score for lv in criterion.levels] == ["1", "2", "3", "4"]

        # F4 adds a level at the top, scored one more, and puts the cursor in its label.
        await pilot.press("f4")
        await pilot.pause()
        assert [lv.score for lv in criterion.levels] == ["1", "2", "3", "4", "5"]
        assert app.focused is not None and app.focused.id == "re-level-4-label"
        assert "Unsaved changes" in text_of(app, "#re-status")

        # Ctrl+↓ from the second row's descriptor swaps its wording with the row below (the
        # next score up); the scores stay put and the cursor follows the wording.
        app.screen.query_one("#re-level-1-descriptor").focus()
        await pilot.press("ctrl+down")
        await pilot.pause()
        assert [lv.descriptor for lv in criterion.levels[:3]] == ["a", "c", "b"]
        assert [lv.score for lv in criterion.levels[:3]] == ["1", "2", "3"]
        assert app.focused is not None and app.focused.id == "re-level-2-descriptor"

        # The ↑ button on that row moves it back up.
        await pilot.click("#re-level-2-up")
        await pilot.pause()
        assert [lv.descriptor for lv in criterion.levels[:3]] == ["a", "b", "c"]

        # F6 removes the level with the cursor; the ✕ button removes its own level.
        app.screen.query_one("#re-level-4-label").focus()
        await pilot.press("f6")
        await pilot.pause()
        assert len(criterion.levels) == 4
        await pilot.click("#re-level-3-remove")
        await pilot.pause()
        assert [lv.descriptor for lv in criterion.levels] == ["a", "b", "c"]
        assert len(app.screen.query(LevelEditor)) == 3

        # With the cursor outside every level, Ctrl+↑ says where to put it.
        app.screen.query_one("#re-cname").focus()
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert any("Put the cursor in a level" in str(n.message) for n in app._notifications)


async def test_renaming_a_stored_criterion_keeps_its_key(demo: Demo) -> None:
    """Issue 14: renaming "Evidence" must not rewrite the key scores and anchors are filed under."""
    rubric_id = demo.store.get_session(demo.session_id).rubric_id
    first = demo.store.get_rubric(rubric_id).criteria[0]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RubricEditorScreen(rubric_id))
        await pilot.pause()
        field = app.screen.query_one("#re-cname", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"Claim and focus")
        await pilot.pause()
        assert app.screen.query_one("#re-ckey", Input).value == first.key
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
    stored = demo.store.get_rubric(demo.store.get_session(demo.session_id).rubric_id)
    latest = max(
        demo.store.list_rubrics(), key=lambda r: (r.family_id == stored.family_id, r.version)
    )
    keys = [c.key for c in latest.criteria]
    assert first.key in keys and "claim-and-focus" not in keys
    assert any(c.name == "Claim and focus" for c in latest.criteria)


async def test_a_sample_saved_with_a_trailing_newline_has_no_unsaved_changes(demo: Demo) -> None:
    """Issue 14: the stored text drops the blank line at the end; the form must not then say
    it still has unsaved changes."""
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"Ends with a newline")
        await type_into(pilot, app, "#sm-text", "First line")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "unsaved changes, Ctrl+S saves" in text_of(app, "#sm-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo.store.list_samples()[-1].body == "First line"
        assert "no unsaved changes" in text_of(app, "#sm-status")
