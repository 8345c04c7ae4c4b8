"""As a person would: Debian's Chromium, headless, opens the served meeting, joins with the
code, picks a name, scores, and the screenshot is kept (tests/artifacts/browser-scoring.png).

Skipped, with the reason, where Chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.serve.conftest import make_room
from tests.serve.devtools import Browser, find_chromium
from tests.serve.rater_client import free_port, processes_naming, start_server, stop_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)


async def test_a_rater_joins_and_scores_in_chromium(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    room = make_room(tmp_path / "room.db", raters=3, samples=1)
    port = free_port()
    server = start_server(room.path, room.session_id, port, spares=2)
    browser = Browser(CHROMIUM)
    try:
        await browser.start()
        await browser.open(f"http://127.0.0.1:{port}/")
        await browser.wait_for_text("Join the calibration meeting")
        await browser.focus_terminal()
        await browser.forget_text()
        await browser.type(room.join_code.lower())
        await browser.press_enter()
        await browser.wait_for_text("Type your name")
        await browser.forget_text()
        await browser.type("Rater 02")
        await browser.press_enter()
        await browser.wait_for_text(r"0 of 5 scored")
        for done, key in enumerate(("3", "n", "2", "n", "4"), start=1):
            await browser.forget_text()
            await browser.type(key)
            if key != "n":
                await browser.wait_for_text(rf"(?<!\d){(done + 1) // 2} of 5 scored")
        await asyncio.sleep(0.5)  # let the last frame reach the canvas
        shot = ARTIFACTS / "browser-scoring.png"
        await browser.screenshot(shot)
        assert shot.stat().st_size > 10_000  # a drawn screen, not a blank page
        rater = room.store.rater_by_name("Rater 02")
        assert rater is not None
        scores = room.store.scores(room.session_id)
        assert [(s.rater_id, s.criterion_key, s.level) for s in scores] == [
            (rater.id, "claim", 3),
            (rater.id, "evidence", 2),
            (rater.id, "reasoning", 4),
        ]
        # the page closes: its app process goes
        tabs_before = len(processes_naming(str(room.path)))
        await browser.close_page()
        deadline = time.monotonic() + 10
        while len(processes_naming(str(room.path))) >= tabs_before:
            assert time.monotonic() < deadline, (
                f"the closed page's app process is still running {tabs_before} "
                f"{processes_naming(str(room.path))} {server.pid}"
            )
            await asyncio.sleep(0.2)
    finally:
        await browser.close()
        out = stop_server(server)
    assert "Traceback" not in out, out
