"""As a person would, in Debian's Chromium (headless, driven by Playwright): a phone joins the
real `calibrate serve`, claims a seat, scores by tap and by key, loses the connection and the
server and comes back with nothing lost or doubled; a second device is refused the held seat;
the reveal arrives by itself. axe-core checks every page: no serious or critical violations.

Skipped, with the reason, where Chromium or Playwright is missing (.ci/run installs Chromium).
Screenshots are kept in tests/artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from calibrate.services.meeting import sessions as meeting
from tests.serve.conftest import Served
from tests.serve.room_process import free_port, printed_join_code, start_server, stop_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def stored(served: Served, rater_id: int) -> dict[tuple[int, str], int]:
    mine = meeting.own_scores(served.store, served.session_id, rater_id)
    return {key: score.level for key, score in mine.items()}


def test_a_phone_scores_through_a_lost_connection_and_a_restarted_server(
    served: Served, browser: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(served.path, port, "--session", str(served.session_id))
    join_code = printed_join_code(server)
    context = meeting.load_context(served.store, served.session_id)
    sample = context.samples[0]
    keys = [c.key for c in context.rubric.criteria]
    amara = served.rater_ids()[0]
    name = served.store.get_rater(amara).name
    try:
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.goto(url)
        assert serious_violations(page) == []
        page.get_by_label("Join code").fill(join_code)
        page.get_by_role("button", name="Join").click()
        page.wait_for_url(f"{url}/seat")
        assert serious_violations(page) == []
        page.get_by_label(name).check()
        page.get_by_label("Your PIN (4 to 8 digits)").fill("4821")
        page.get_by_role("button", name="Start scoring").click()
        page.wait_for_url(f"{url}/score")
        assert page.get_by_role("heading", name=f"1. {sample.title}").is_visible()
        assert serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "room-phone-scoring.png"), full_page=False)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"

        ack = page.locator(f'[data-ack="{keys[0]}"]')
        page.locator(f'fieldset[data-key="{keys[0]}"] input[value="3"]').tap()
        ack.filter(has_text="Saved: 3").wait_for(timeout=5000)
        assert stored(served, amara) == {(sample.id, keys[0]): 3}

        page.locator("article.sample").click()  # focus out of the rubric: keys go to it
        page.keyboard.press("2")  # the next criterion not yet scored
        page.locator(f'[data-ack="{keys[1]}"]').filter(has_text="Saved: 2").wait_for(timeout=5000)
        assert stored(served, amara)[(sample.id, keys[1])] == 2

        phone.set_offline(True)
        page.locator(f'fieldset[data-key="{keys[2]}"] input[value="4"]').tap()
        page.locator("#connection").filter(has_text="Offline").wait_for(timeout=5000)
        assert "1 score is kept on this device" in page.locator("#connection").inner_text()
        assert (sample.id, keys[2]) not in stored(served, amara)
        phone.set_offline(False)
        page.locator(f'[data-ack="{keys[2]}"]').filter(has_text="Saved: 4").wait_for(timeout=8000)
        assert stored(served, amara)[(sample.id, keys[2])] == 4

        stop_server(server, kill=True)
        page.locator(f'fieldset[data-key="{keys[3]}"] input[value="1"]').tap()
        page.locator("#connection").filter(has_text="Offline").wait_for(timeout=5000)
        server = start_server(served.path, port, "--session", str(served.session_id))
        join_code = printed_join_code(server)  # a new one at each start; seats are kept
        page.locator(f'[data-ack="{keys[3]}"]').filter(has_text="Saved: 1").wait_for(timeout=10000)
        assert stored(served, amara) == {
            (sample.id, keys[0]): 3,
            (sample.id, keys[1]): 2,
            (sample.id, keys[2]): 4,
            (sample.id, keys[3]): 1,
        }
        history = served.store._scalar("SELECT COUNT(*) FROM score_history")
        assert history == 0  # every resend was the same value: nothing doubled

        laptop = browser.new_context(viewport=LAPTOP)
        other = laptop.new_page()
        other.goto(url)
        other.get_by_label("Join code").fill(join_code)
        other.get_by_role("button", name="Join").click()
        other.get_by_label(name).check()
        other.get_by_label("Your PIN (4 to 8 digits)").fill("1111")
        other.get_by_role("button", name="Start scoring").click()
        assert "PIN is not right" in other.get_by_role("alert").inner_text()
        assert other.url == f"{url}/seat"

        meeting.reveal(served.store, served.session_id)
        page.wait_for_url(f"{url}/reveal", timeout=10000)
        assert page.get_by_role("heading", name="The team's scores").is_visible()
        assert serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "room-phone-reveal.png"), full_page=False)
    finally:
        stop_server(server)


def test_a_laptop_keyboard_only_scores_a_whole_sample(served: Served, browser: Any) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(served.path, port, "--session", str(served.session_id))
    join_code = printed_join_code(server)
    context = meeting.load_context(served.store, served.session_id)
    sample = context.samples[0]
    erik = served.rater_ids()[1]
    try:
        page = browser.new_context(viewport=LAPTOP).new_page()
        page.goto(url)
        page.keyboard.type(join_code)  # the code field has the focus
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/seat")
        page.keyboard.press("Tab")  # the first name
        for _ in range(served.rater_ids().index(erik)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.type("13579")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/score")
        for digit in "32343"[: len(context.rubric.criteria)]:
            page.keyboard.press(digit)
        last = context.rubric.criteria[-1].key
        page.locator(f'[data-ack="{last}"]').filter(has_text="Saved").wait_for(timeout=5000)
        levels = meeting.own_scores(served.store, served.session_id, erik)
        expected = [int(d) for d in "32343"[: len(context.rubric.criteria)]]
        assert [levels[(sample.id, c.key)].level for c in context.rubric.criteria] == expected
        page.screenshot(path=str(ARTIFACTS / "room-laptop-scoring.png"), full_page=False)
        page.keyboard.press("n")
        page.wait_for_url(f"{url}/score?at=2")
        assert serious_violations(page) == []

        lead = browser.new_context(viewport=LAPTOP).new_page()
        lead.goto(url)
        lead.get_by_label("Join code").fill(served.lead_code)
        lead.get_by_role("button", name="Join").click()
        lead.wait_for_url(f"{url}/board")
        erik_name = served.store.get_rater(erik).name
        assert lead.get_by_role("row", name=erik_name).inner_text().count("5 of") == 1
        assert serious_violations(lead) == []
    finally:
        stop_server(server)
