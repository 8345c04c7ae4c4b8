"""The installed ``calibrate demo`` in a real terminal (tmux), driven through a whole meeting.

Three raters score, the facilitator reveals from the board, the team agrees one consensus and
keeps it as an anchor. The test reads the screen as a person would, then the database.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

CALIBRATE = Path(sys.executable).parent / "calibrate"
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, command: str) -> None:
        self.name = f"calibrate-e2e-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "120",
                "-y",
                "40",
                "-e",
                "COLORTERM=truecolor",
                command,
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-t", self.name, "-p"], capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, *, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str, pause: float = 0.0) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)
        if pause:
            time.sleep(pause)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    db = tmp_path / "meeting.db"
    term = Terminal(f"{CALIBRATE} demo --keep {db}")
    try:
        yield term, db
    finally:
        term.close()


LEVELS = ["4", "3", "3", "2", "3"] * 8  # one rater's 40 scores (8 essays × 5 criteria)


def score_everything(term: Terminal, levels: list[str]) -> None:
    for done, level in enumerate(levels, start=1):
        term.keys(level)
        term.wait_for(f" {done} of 40 scored")  # committed and shown before the next key
        term.keys("n")


def test_a_whole_meeting_in_a_real_terminal(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    # The demo opens on the fresh session, asking who is scoring.
    screen = term.wait_for("Who is scoring?")
    assert "Amara Okafor" in screen and "0/40 scored" in screen
    term.keys("Enter")
    screen = term.wait_for("0 of 40 scored")
    time.sleep(0.3)
    assert "Claim" in screen and "criterion 1 of 5" in screen
    score_everything(term, LEVELS)

    # The second and third raters take the keyboard in turn ("w": who is scoring).
    for downs, shift in ((1, 1), (2, -1)):
        term.keys("w")
        term.wait_for("Who is scoring?")
        term.keys(*["Down"] * downs, "Enter")
        term.wait_for("0 of 40 scored")
        time.sleep(0.3)  # let the picker finish closing, as a person's pause would
        shifted = [
            str(min(4, max(1, int(v) + (shift if n % 4 == 0 else 0)))) for n, v in enumerate(LEVELS)
        ]
        score_everything(term, shifted)

    # Back home, open the facilitator's board: who has finished, and no score values.
    term.keys("Escape", pause=0.3)
    term.wait_for("Sessions")
    term.keys("b")
    board = term.wait_for("Board — Demo meeting")
    for name in ("Amara Okafor", "Erik Lindqvist", "Linh Tran"):
        assert name in board
    term.keys("r")
    term.wait_for("[y]")
    time.sleep(0.3)
    term.keys("y")

    # The reveal: the agreement panel in plain words, the discussion queue.
    term.wait_for("Reveal — Demo meeting")
    reveal = term.wait_for("Exact agreement", timeout=30)
    for text in ("Within one level", "Gwet's AC2", "Discussion queue", "95% CI"):
        assert text in reveal, text

    # Consensus on the first item of the queue, kept as an anchor.
    term.keys("c")
    term.wait_for("Consensus — ")
    time.sleep(0.3)
    term.keys("3")
    term.wait_for("Choosing: 3")
    term.keys("r", pause=0.3)
    term.type("Position is clear but only stated at the end.")
    term.wait_for("only stated at the end.")
    term.keys("Enter")
    term.wait_for("(saved)")
    term.keys("a")
    term.wait_for("Enter saves")
    time.sleep(0.3)
    term.type("Shows a clear claim held to the end.")
    term.keys("Enter", pause=0.3)
    term.keys("Escape", pause=0.3)
    term.wait_for("Exact agreement")
    term.keys("C-q")
    time.sleep(0.5)

    with sqlite3.connect(db) as conn:
        session_id, phase = conn.execute(
            "SELECT id, phase FROM sessions WHERE title LIKE 'Demo meeting%'"
        ).fetchone()
        assert phase == "consensus"
        assert conn.execute(
            "SELECT COUNT(*) FROM scores WHERE session_id = ?", (session_id,)
        ).fetchone() == (120,)
        [(level, rationale)] = conn.execute(
            "SELECT level, rationale FROM consensus WHERE session_id = ?", (session_id,)
        ).fetchall()
        assert (level, rationale) == (3, "Position is clear but only stated at the end.")
        [(annotation, status)] = conn.execute(
            "SELECT annotation, status FROM anchors WHERE session_id = ?", (session_id,)
        ).fetchall()
        assert (annotation, status) == ("Shows a clear claim held to the end.", "proposed")
