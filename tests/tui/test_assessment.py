"""Results entry and the class view, driven with Pilot: keys write to the store at once, the
cursor walks the grid like a gradebook, and the class view shows each reading's evidence and the
re-teaching groups.

The bundled class (scenarios/assessments/) gives S05 a gap on subtraction (items 2 and 3 not
understood yet); S01 has every item right.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from calibrate.domain.assessment import Outcome, StudentResult
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.assessment.class_view import ClassViewScreen
from calibrate.tui.screens.assessment.results import ResultsEntryScreen
from tests.tui.conftest import SIZE

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
SUBTRACTION = ROOT / "scenarios" / "grade5-subtraction.toml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cal.db") as opened:
        load_scenario(opened, read_scenario(SUBTRACTION))
        yield opened


def load(store: Store, *, results: bool) -> int:
    blueprint = load_blueprint_file(store, KIT)
    assert blueprint.id is not None
    if results:
        import_results_file(store, blueprint.id, CLASS)
    return blueprint.id


def text(app: CalibrateApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_keys_enter_a_row_and_move_on(store: Store) -> None:
    test_id = load(store, results=False)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
        assert "Press A to add the first student" in text(app, "#as-status")
        await pilot.press("r")  # no row yet: nothing is written
        assert store.assessment_results(test_id) == []
        await pilot.press("a")
        await pilot.press(*"S25", "enter")
        await pilot.pause()
        await pilot.press("r", "s", "n", "w")
        await pilot.press("backspace")  # clears item 5, where the cursor now is
        table = app.screen.query_one("#as-grid", DataTable)
        assert table.cursor_coordinate == (0, 5)
        assert "S25 · item 5 (1 point) · I can multiply" in text(app, "#as-status")
    assert store.assessment_results(test_id) == [
        StudentResult("S25", "1", Outcome.RIGHT),
        StudentResult("S25", "2", Outcome.SIMPLE_MISTAKE),
        StudentResult("S25", "3", Outcome.NOT_YET),
        StudentResult("S25", "4", Outcome.WRONG),
        StudentResult("S25", "5", Outcome.MISSING),
    ]


async def test_the_end_of_a_row_goes_to_the_next_student(store: Store) -> None:
    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#as-grid", DataTable)
        assert table.row_count == 24
        assert str(table.get_cell("S05", "2")) == "N"
        table.cursor_coordinate = table.cursor_coordinate._replace(column=20)
        await pilot.press("n")  # S01, item 20
        assert table.cursor_coordinate == (1, 1)  # S02, item 1
    outcomes = {(r.student_code, r.item_key): r.outcome for r in store.assessment_results(test_id)}
    assert outcomes[("S01", "20")] is Outcome.NOT_YET
    assert len(outcomes) == 480


async def test_a_name_is_refused_as_a_student_code(store: Store) -> None:
    test_id = load(store, results=False)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(Input).value = "Ana Lima"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
        assert app.screen.query_one("#as-grid", DataTable).row_count == 0
        assert any("has a space" in n.message for n in app._notifications)
    assert store.assessment_results(test_id) == []


async def test_the_class_view_shows_evidence_and_groups(store: Store) -> None:
    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ClassViewScreen)
        table = app.screen.query_one("#cv-grid", DataTable)
        assert table.row_count == 24 + 3  # the students, then secure / careless / gap counts
        assert str(table.get_cell("S05", "subtract-regroup")).strip() == "x"
        assert str(table.get_cell("S01", "decimals-compare")).strip() == "+"
        assert str(table.get_cell("count:gap", "subtract-regroup")) == "6"
        await pilot.press("down", "down", "down", "down")  # S05, T1
        detail = text(app, "#cv-detail")
        assert detail.startswith("S05 · I can subtract")
        assert "Item 3 (2 points): don't get it yet" in detail
        groups = text(app, "#cv-groups")
        assert "subtract-regroup 1/2: S05, S08, S12" in groups
        await pilot.press("plus", "plus")  # groups of at most 6
        assert "subtract-regroup 1/1: S05, S08, S12, S17, S21, S23" in text(app, "#cv-groups")
        await pilot.press("escape")
        assert isinstance(app.screen, ResultsEntryScreen)


async def open_class_view(app: CalibrateApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, ClassViewScreen)


async def save_as(pilot: Pilot[None], key: str, suggested: str, target: Path) -> None:
    """Press ``key``, check the file name the dialog suggests, and save to ``target``."""
    await pilot.press(key)
    await pilot.pause()
    field = pilot.app.screen.query_one(Input)
    assert field.value == suggested
    field.value = str(target)
    await pilot.press("enter")
    await pilot.pause()


async def test_groups_are_exported_from_the_class_view(store: Store, tmp_path: Path) -> None:
    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    target = tmp_path / "groups.csv"
    async with app.run_test(size=SIZE) as pilot:
        await open_class_view(app, pilot)
        await save_as(pilot, "e", "grade5-math-checkpoint-groups.csv", target)
        assert isinstance(app.screen, ClassViewScreen)
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "target,statement,group,student"
    assert rows[1].startswith("subtract-regroup,") and rows[1].endswith(",1,S05")
    assert target.stat().st_mode & 0o077 == 0


async def test_a_contract_from_the_selected_students_gaps(store: Store) -> None:
    from calibrate.tui.screens.contracts.detail import ContractDetailScreen

    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_class_view(app, pilot)
        await pilot.press("down", "down", "down", "down", "c")  # S05
        await pilot.pause()
        app.screen.query_one(Input).value = "Ms Rivera"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ContractDetailScreen)
    (contract,) = store.list_contracts()
    assert contract.student_code == "S05" and contract.teacher == "Ms Rivera"
    (target,) = contract.current.targets
    assert target.criterion_key == "subtract-regroup"
    assert target.evidence == (
        "Item 2 (1 point): don't get it yet",
        "Item 3 (2 points): don't get it yet",
    )


async def test_the_palette_opens_a_test_or_writes_a_new_one(store: Store) -> None:
    from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen
    from calibrate.tui.screens.modals import ChoiceModal

    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Tests and learning targets" in titles
        app.action_tests()  # none stored yet: write one
        await pilot.pause()
        assert isinstance(app.screen, BlueprintEditorScreen)
        await pilot.press("escape")
        load(store, results=True)
        app.action_tests()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the first choice: the stored test
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
        assert app.screen.query_one("#as-grid", DataTable).row_count == 24
        await pilot.press("escape")
        app.action_tests()
        await pilot.pause()
        await pilot.press("down", "enter")  # the last choice: a new test
        await pilot.pause()
        assert isinstance(app.screen, BlueprintEditorScreen)


async def test_a_new_test_is_written_in_the_app(store: Store) -> None:
    from textual.widgets import TextArea

    from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen

    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_tests()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BlueprintEditorScreen)
        await pilot.press(*"Unit 3 quiz")
        screen.query_one(
            "#bp-targets", TextArea
        ).text = "sub: I can subtract with regrouping.\nfrac: Add fractions\n"
        screen.query_one("#bp-items", TextArea).text = "1-3 sub\n4 frac 2\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Learning targets, line 2: start the statement with “I can”" in text(
            app, "#bp-error"
        )
        assert store.list_assessments() == []
        screen.query_one(
            "#bp-targets", TextArea
        ).text = "sub: I can subtract with regrouping.\nfrac: I can add fractions.\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
        await pilot.press("a", *"S01", "enter")
        await pilot.pause()
        await pilot.press("r", "r", "n", "s")
    (stored,) = store.list_assessments()
    assert (stored.key, stored.title) == ("unit-3-quiz", "Unit 3 quiz")
    assert [(i.key, i.target_key, i.points) for i in stored.items] == [
        ("1", "sub", 1),
        ("2", "sub", 1),
        ("3", "sub", 1),
        ("4", "frac", 2),
    ]
    assert [r.outcome for r in store.assessment_results(stored.id or 0)] == [
        Outcome.RIGHT,
        Outcome.RIGHT,
        Outcome.NOT_YET,
        Outcome.SIMPLE_MISTAKE,
    ]


def test_a_tests_learning_targets_are_not_offered_for_a_calibration_session(
    store: Store,
) -> None:
    """Issue 17: the grade-5 test's "…: learning targets" rubric (right/wrong items) was
    offered in New session beside the rubrics a team scores with levels."""
    from calibrate.services.meeting import setup

    before = setup.rubric_choices(store)
    default = setup.default_rubric(store)
    test_id = load(store, results=False)
    targets = store.get_assessment(test_id).rubric_id
    assert targets is not None and store.get_rubric(targets).name.endswith("learning targets")
    assert setup.rubric_choices(store) == before
    assert targets not in {key for _, key in setup.rubric_choices(store)}
    assert setup.default_rubric(store) == default


async def test_a_stored_test_is_edited_from_its_results_keeping_them(store: Store) -> None:
    """Issue 17: e on the results grid opens the test in the editor; saving goes back to the
    grid with the new words and every result; an item with results cannot be taken out, and
    Escape asks before dropping what was typed."""
    from textual.widgets import TextArea

    from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen
    from calibrate.tui.screens.modals import ConfirmModal

    test_id = load(store, results=True)
    before = store.assessment_results(test_id)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, BlueprintEditorScreen)
        items = editor.query_one("#bp-items", TextArea)
        assert items.text.splitlines()[0].startswith("1-")  # runs shown as ranges
        title = editor.query_one("#bp-title", Input)
        title.value = "Checkpoint, December"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
        assert text(app, "#as-title").startswith("Checkpoint, December: 20 items")
        assert store.get_assessment(test_id).title == "Checkpoint, December"

        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, BlueprintEditorScreen)
        boxed = editor.query_one("#bp-items", TextArea)
        boxed.text = "\n".join(boxed.text.splitlines()[:-1])  # the last item(s) left out
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "has results" in text(app, "#bp-error")
        assert app.screen is editor
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
    assert store.assessment_results(test_id) == before
    assert len(store.get_assessment(test_id).items) == 20


async def test_a_target_is_linked_to_a_rubric_criterion_in_the_editor(store: Store) -> None:
    """Issue 17: a target's rubric criterion could be set only in a blueprint file. Ctrl+L picks
    the target, the criterion and the level; the link is listed and saved with the test."""
    from textual.widgets import TextArea

    from calibrate.services.assessment.links import link_choices
    from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen
    from calibrate.tui.screens.modals import ChoiceModal

    accuracy = next(
        n for n, c in enumerate(link_choices(store), start=1) if c.criterion.key == "accuracy"
    )
    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_tests()
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, BlueprintEditorScreen)
        assert "No learning target belongs to a rubric criterion" in text(app, "#bp-links")
        await pilot.press(*"Unit 3 quiz")
        editor.query_one(
            "#bp-targets", TextArea
        ).text = "frac: I can add fractions.\nsub: I can subtract with regrouping.\n"
        editor.query_one("#bp-items", TextArea).text = "1-3 sub\n4 frac 2\n"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "enter")  # the second target, "sub"
        await pilot.pause()
        assert "“sub” belong to" in app.screen.prompt  # type: ignore[attr-defined]
        await pilot.press(*["down"] * accuracy, "enter")
        await pilot.pause()
        assert "shows “sub” reached" in app.screen.prompt  # type: ignore[attr-defined]
        await pilot.press("down", "down", "enter")  # the criterion's second level
        await pilot.pause()
        assert app.screen is editor
        assert "sub → Grade 5 multi-digit subtraction" in text(app, "#bp-links")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)
    (stored,) = store.list_assessments()
    link = stored.target("sub").criterion  # type: ignore[union-attr]
    rubric = store.find_rubric("Grade 5 multi-digit subtraction", 1)
    assert rubric is not None and link is not None
    second = rubric.criterion("accuracy").levels[1].score  # type: ignore[union-attr]
    assert (link.rubric_id, link.criterion_key, link.level) == (rubric.id, "accuracy", second)
    assert stored.target("frac").criterion is None  # type: ignore[union-attr]


async def test_students_reflections_from_their_devices_appear_in_the_open_grid(
    store: Store,
) -> None:
    from calibrate.services.assessment.reflection import Slip, reflect
    from calibrate.storage.store_serve import ServedStore

    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultsEntryScreen)
        table = screen.query_one("#as-grid", DataTable)
        assert str(table.get_cell("S15", "10")) == "W"
        assert screen.refresh_results() == 0  # nothing new: nothing redrawn
        # the served page writes through its own connection, as `calibrate assessment serve`
        with ServedStore.open(store.path) as served:
            reflect(served, Slip(test_id, "S15"), "10", "not-yet")
            reflect(served, Slip(test_id, "S15"), "3", "not-yet")
        assert screen.refresh_results() == 2
        assert str(table.get_cell("S15", "10")) == "N"
        assert str(table.get_cell("S15", "3")) == "N"
        assert str(table.get_cell("S05", "2")) == "N"  # untouched
        await pilot.pause()
        assert any("2 results changed elsewhere" in n.message for n in app._notifications)


async def test_slip_codes_are_written_from_the_results_grid(store: Store, tmp_path: Path) -> None:
    from calibrate.services.assessment.reflection import open_slip
    from calibrate.storage.store_serve import ServedStore

    test_id = load(store, results=True)
    app = CalibrateApp(store, open_assessment=test_id)
    target = tmp_path / "slips.csv"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await save_as(pilot, "c", "grade5-math-checkpoint-slips.csv", target)
        assert isinstance(app.screen, ResultsEntryScreen)
        assert any("Wrote 24 slip codes" in n.message for n in app._notifications)
    rows = [line.split(",") for line in target.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["student", "slip"] and len(rows) == 25
    assert target.stat().st_mode & 0o077 == 0
    with ServedStore.open(store.path) as served:  # each code opens that student's page
        assert open_slip(served, test_id, rows[15][1]).student_code == rows[15][0] == "S15"


async def test_a_grid_without_results_has_no_slips_to_write(store: Store) -> None:
    test_id = load(store, results=False)
    app = CalibrateApp(store, open_assessment=test_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsEntryScreen)  # nothing asked
        assert any("No student has results yet" in n.message for n in app._notifications)
