"""As a student would, in Debian's Chromium (headless, driven by Playwright): a phone opens the
real `calibrate assessment serve` with a slip code, taps a reflection on each wrong item, loses
the connection and saves when it is back, and signs out; a laptop does it from the keyboard.
axe-core checks every page: no serious or critical violations.

Skipped, with the reason, where Chromium or Playwright is missing (.ci/run installs Chromium).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from calibrate.domain.assessment import Outcome
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.assessment.reflection import class_slips, printed
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store_serve import ServedStore
from tests.serve.room_process import free_port, start_server, stop_server
from tests.serve.test_room_browser import (
    ARTIFACTS,
    CHROMIUM,
    LAPTOP,
    PHONE,
    browser,
    serious_violations,
)
from tests.services.test_assessment import CLASS, KIT, SUBTRACTION

__all__ = ["browser"]  # the fixture, shared with the meeting's browser tests
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
TEST_KEY = "grade5-math-checkpoint"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ServedStore]:
    with ServedStore.open(tmp_path / "class.db") as opened:
        load_scenario(opened, read_scenario(SUBTRACTION))
        blueprint = load_blueprint_file(opened, KIT)
        assert blueprint.id is not None
        import_results_file(opened, blueprint.id, CLASS)
        yield opened


def outcomes(store: ServedStore, student: str) -> dict[str, Outcome]:
    test = store.assessment_by_key(TEST_KEY)
    assert test is not None and test.id is not None
    return {
        r.item_key: r.outcome
        for r in store.assessment_results(test.id)
        if r.student_code == student
    }


def slip(store: ServedStore, student: str) -> str:
    test = store.assessment_by_key(TEST_KEY)
    assert test is not None and test.id is not None
    return printed(dict(class_slips(store, test.id))[student])


def test_a_phone_reflects_through_a_lost_connection(store: ServedStore, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(store.path, port, command=("assessment", "serve", TEST_KEY))
    try:
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.goto(url)
        assert serious_violations(page) == []
        page.get_by_label("Slip code").fill(slip(store, "S15"))
        page.get_by_role("button", name="Open my page").click()
        page.wait_for_url(f"{url}/reflect")
        assert serious_violations(page) == []
        assert "Student S15" in page.locator("header").inner_text()
        assert page.locator("fieldset").count() == 3  # items 3, 10 and 11: their own wrong ones
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"
        assert not page.get_by_role("button", name="Save").is_visible()  # saved as tapped
        page.screenshot(path=str(ARTIFACTS / "reflect-phone.png"), full_page=True)

        page.locator('fieldset[data-item="10"] input[value="not-yet"]').tap()
        page.locator('[data-ack="10"]').filter(has_text="Saved: I don't get").wait_for(timeout=5000)
        assert outcomes(store, "S15")["10"] is Outcome.NOT_YET
        assert "All marked" in page.locator("#to-mark").inner_text()

        phone.set_offline(True)
        page.locator('fieldset[data-item="3"] input[value="not-yet"]').tap()
        page.locator("#connection").filter(has_text="connection dropped").wait_for(timeout=5000)
        assert outcomes(store, "S15")["3"] is Outcome.SIMPLE_MISTAKE  # not sent yet
        save = page.get_by_role("button", name="Save")
        assert save.is_visible()  # the choice stays on the page, and Save is back
        phone.set_offline(False)
        save.click()
        page.wait_for_url(f"{url}/reflect?saved=1")
        assert outcomes(store, "S15")["3"] is Outcome.NOT_YET
        assert page.locator('fieldset[data-item="3"] input[value="not-yet"]').is_checked()

        page.get_by_role("button", name="I'm done").click()
        page.wait_for_url(f"{url}/?done=1")
        assert "your answers are saved" in page.get_by_role("status").inner_text()
        page.goto(f"{url}/reflect")
        assert page.url == f"{url}/"  # signed out: the next student needs their own slip
    finally:
        stop_server(server)


def test_a_laptop_keyboard_only_reflects(store: ServedStore, browser: Any) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(store.path, port, command=("assessment", "serve", TEST_KEY))
    try:
        page = browser.new_context(viewport=LAPTOP).new_page()
        page.goto(url)
        page.wait_for_function("document.activeElement && document.activeElement.id === 'code'")
        page.keyboard.type(slip(store, "S05").replace("-", "").lower())  # the field has focus
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/reflect")
        ack = page.locator('[data-ack="2"]')
        assert ack.inner_text() == "Saved: I don't get it yet"  # as the teacher entered it
        page.keyboard.press("Tab")  # the first wrong item's choice (the checked one)
        page.keyboard.press("ArrowUp")  # the other choice: "a simple mistake"
        ack.filter(has_text="Saved: a simple mistake").wait_for(timeout=5000)
        assert outcomes(store, "S05")["2"] is Outcome.SIMPLE_MISTAKE
        assert outcomes(store, "S05")["3"] is Outcome.NOT_YET  # untouched
        assert serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "reflect-laptop.png"), full_page=False)
    finally:
        stop_server(server)
