"""Setup: fill the form with the keyboard and start; every mistake is shown at its field and
nothing is saved until the form is right."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from calibrate.domain.model import Phase
from calibrate.services.meeting import setup
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.setup import SetupScreen
from calibrate.tui.screens.modals import ConfirmModal
from tests.tui.conftest import SIZE, Demo, make_app


def text_of(widget: Static) -> str:
    return str(widget.render())


async def open_setup(app: CalibrateApp, pilot: Pilot[None]) -> SetupScreen:
    await pilot.pause()
    await pilot.press("n")  # from Home, as a person would
    await pilot.pause()
    assert isinstance(app.screen, SetupScreen)
    return app.screen


def focused_id(app: CalibrateApp) -> str | None:
    return app.focused.id if app.focused else None


async def test_fill_the_form_with_the_keyboard_and_start(demo: Demo) -> None:
    samples = demo.store.list_samples()
    raters = demo.store.list_raters(active_only=True)
    before = {s.id for s in demo.store.list_sessions()}
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(app, pilot)
        assert focused_id(app) == "setup-title"
        await pilot.press(*"December moderation", "tab")
        assert focused_id(app) == "setup-date"
        await pilot.press("end", *["backspace"] * 10, *"2026-12-03", "tab")
        assert focused_id(app) == "setup-rubric"  # the newest rubric is already chosen
        await pilot.press("tab")
        assert focused_id(app) == "setup-cut"
        # The list opens on "no cut level"; three down is "at or above 3".
        await pilot.press("enter", "down", "down", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#setup-cut", Select).value == 3
        await pilot.press("tab")
        assert focused_id(app) == "setup-blind"
        await pilot.press("space")  # not blind
        await pilot.press("tab", *"Amara", "tab")
        assert focused_id(app) == "setup-samples"
        # Tick the third sample, then the first: the session keeps the listed order.
        await pilot.press("down", "down", "space", "up", "up", "space", "tab")
        assert focused_id(app) == "setup-raters"
        await pilot.press("space", "down", "space", "down", "down", "space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        new = [s for s in demo.store.list_sessions() if s.id not in before]
        assert len(new) == 1
        session = new[0]
        assert session.title == "December moderation"
        assert session.date == "2026-12-03"
        assert session.phase is Phase.SCORING
        assert session.sample_ids == (samples[0].id, samples[2].id)
        assert session.rater_ids == (raters[0].id, raters[1].id, raters[3].id)
        assert session.cut_score == 3
        assert session.blind is False
        assert session.facilitator == "Amara"
        assert session.rubric_id == demo.store.list_rubrics()[0].id


async def test_a_missing_title_is_shown_at_the_field_and_nothing_is_saved(demo: Demo) -> None:
    before = demo.store.list_sessions()
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        title_error = screen.query_one("#setup-title-error", Static)
        assert title_error.display and "title" in text_of(title_error)
        samples_error = screen.query_one("#setup-samples-error", Static)
        raters_error = screen.query_one("#setup-raters-error", Static)
        assert samples_error.display and "at least one sample" in text_of(samples_error)
        assert raters_error.display and "at least two raters" in text_of(raters_error)
        assert not screen.query_one("#setup-date-error", Static).display  # today is fine
        assert focused_id(app) == "setup-title"  # taken to the first mistake
        assert demo.store.list_sessions() == before


async def test_a_bad_date_and_one_rater_are_refused(demo: Demo) -> None:
    before = demo.store.list_sessions()
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        await pilot.press(*"Trial", "tab", "end", *["backspace"] * 10, *"2026-02-30")
        screen.query_one("#setup-samples").focus()
        await pilot.press("space")
        screen.query_one("#setup-raters").focus()
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        date_error = screen.query_one("#setup-date-error", Static)
        assert date_error.display and "not a date in the calendar" in text_of(date_error)
        assert screen.query_one("#setup-raters-error", Static).display
        assert not screen.query_one("#setup-title-error", Static).display
        assert not screen.query_one("#setup-samples-error", Static).display
        assert focused_id(app) == "setup-date"
        assert demo.store.list_sessions() == before
        # Put it right: the errors go and the session is made.
        date_input = screen.query_one("#setup-date", Input)
        date_input.value = "2026-02-27"
        screen.query_one("#setup-raters").focus()
        await pilot.press("down", "space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(demo.store.list_sessions()) == len(before) + 1


async def test_escape_asks_before_dropping_a_started_form(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        await pilot.press(*"Half done", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#setup-title", Input).value == "Half done"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_dates_are_checked_in_plain_words() -> None:
    assert setup.date_problem("2026-11-23") is None
    assert setup.date_problem(" 2024-02-29 ") is None  # a leap day
    assert "not a date in the calendar" in (setup.date_problem("2025-02-29") or "")
    assert "year-month-day" in (setup.date_problem("23/11/2026") or "")
    assert "year-month-day" in (setup.date_problem("20261123") or "")
    assert "year-month-day" in (setup.date_problem("") or "")


def test_cut_choices_name_the_levels(demo: Demo) -> None:
    rubric = demo.store.list_rubrics()[0]
    choices = setup.cut_choices(rubric)
    assert [score for _, score in choices] == [1, 2, 3, 4]
    assert choices[2][0] == "at or above 3 · Proficient"


def test_sample_choices_show_the_student_code_and_keep_to_the_rubric(demo: Demo) -> None:
    """Issue 14: two kits' copies of an essay could not be told apart, and every sample of every
    rubric was offered."""
    from pathlib import Path

    from calibrate.domain.model import Sample
    from calibrate.services.records.database import load_scenario_file

    grade8 = demo.store.list_rubrics()[0]
    load_scenario_file(demo.store, Path(__file__).parents[2] / "scenarios/grade5-subtraction.toml")
    fresh = demo.store.add_sample(
        Sample(title="New essay", body="Not used yet.", student_code="X1")
    )
    choices = setup.sample_choices(demo.store, grade8.id)
    grade8_samples = {i for s in demo.store.list_sessions() if s.rubric_id == grade8.id
                      for i in s.sample_ids}  # fmt: skip
    assert {c.sample_id for c in choices} == grade8_samples | {fresh.id}
    first = demo.store.get_sample(choices[0].sample_id)
    assert first.student_code and first.student_code in choices[0].label
    assert choices[-1].label == "New essay  (X1 · essay)" and not choices[-1].with_rubric
    assert all(c.with_rubric for c in choices[:-1])
    everything = setup.sample_choices(demo.store, None)
    assert len(everything) == len(demo.store.list_samples()) > len(choices)


async def test_choosing_another_rubric_lists_its_samples_and_keeps_the_ticks(demo: Demo) -> None:
    from pathlib import Path

    from textual.widgets import SelectionList

    from calibrate.services.records.database import load_scenario_file

    load_scenario_file(demo.store, Path(__file__).parents[2] / "scenarios/grade5-subtraction.toml")
    grade8 = next(r for r in demo.store.list_rubrics() if "Grade 8" in r.name)
    grade5 = next(r for r in demo.store.list_rubrics() if r.id != grade8.id)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        screen.query_one("#setup-rubric", Select).value = grade8.id or 0
        await pilot.pause()
        listing = screen.query_one("#setup-samples", SelectionList)
        offered = {listing.get_option_at_index(i).value for i in range(listing.option_count)}
        assert offered == {c.sample_id for c in setup.sample_choices(demo.store, grade8.id)}
        first = listing.get_option_at_index(0).value
        listing.select(first)
        screen.query_one("#setup-rubric", Select).value = grade5.id or 0
        await pilot.pause()
        offered = [listing.get_option_at_index(i).value for i in range(listing.option_count)]
        wanted = {c.sample_id for c in setup.sample_choices(demo.store, grade5.id)}
        assert set(offered) == wanted | {first}  # the ticked essay stays, still ticked
        assert listing.selected == [first]
