"""The installed ``calibrate demo`` in a real terminal (tmux), driven through a whole meeting.

Three raters score, the facilitator reveals from the board, the team agrees one consensus and
keeps it as an anchor. The test reads the screen as a person would, then the database.
"""

from __future__ import annotations

import os
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


# The environment the tmux server (and so the app) starts with. Under pytest, GNU readline is
# loaded early and exports COLUMNS=80 and LINES=24 at the C level (not in os.environ), which a
# child process inherits; Textual believes COLUMNS/LINES over the window, and would draw 80 × 24
# in a 120 × 40 window. Passing os.environ explicitly leaves them out.
TMUX_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}


class Terminal:
    """A detached tmux window of a known size, on a tmux server of its own.

    A private socket (-L) and no configuration file (-f /dev/null) keep the test away from
    whatever tmux server or settings the machine already has: on a shared server a detached
    session may take another client's size instead of the one asked for.
    """

    def __init__(self, command: str, *, width: int, height: int) -> None:
        self.name = f"calibrate-e2e-{uuid.uuid4().hex[:8]}"
        self.size = (width, height)
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                  "-e", "COLORTERM=truecolor", command)  # fmt: skip
        self.tmux("set-option", "-t", self.name, "window-size", "manual")
        self.tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))
        shown = self.tmux(
            "display-message", "-p", "-t", self.name, "#{window_width}x#{window_height}"
        )
        assert shown.strip() == f"{width}x{height}", f"tmux gave a {shown.strip()} window"

    def tmux(self, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-L", self.name, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            env=TMUX_ENV,
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", self.name, "-p", check=False)

    def wait_for(self, text: str, *, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        window = self.tmux(
            "display-message", "-p", "-t", self.name, "#{window_width}x#{window_height}"
        )
        raise AssertionError(
            f"{text!r} never appeared in the {window.strip()} window; the screen shows:\n"
            f"{self.screen()}"
        )

    def keys(self, *keys: str, pause: float = 0.0) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)
        if pause:
            time.sleep(pause)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def close(self) -> None:
        self.tmux("kill-server", check=False)


# A terminal's default size (80 × 24), where the reveal shows one pane at a time, and a roomy
# one where everything sits side by side.
@pytest.fixture(params=[(80, 24), (120, 40)], ids=["80x24", "120x40"])
def terminal(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Terminal, Path]]:
    db = tmp_path / "meeting.db"
    width, height = request.param
    term = Terminal(f"{CALIBRATE} demo --db {db}", width=width, height=height)
    try:
        yield term, db
    finally:
        term.close()


LEVELS = ["4", "3", "3", "2", "3"] * 8  # one rater's 40 scores (8 essays × 5 criteria)


def score_everything(term: Terminal, levels: list[str]) -> None:
    for done, level in enumerate(levels, start=1):
        term.keys(level)
        # Committed and shown before the next key. On a loaded machine the first key after the
        # picker closes can reach the closing picker; pressing the level again (as a person
        # would) sets the same level, so it is never counted twice.
        for attempt in range(3):
            try:
                term.wait_for(f" {done} of 40 scored", timeout=8.0 if attempt < 2 else 20.0)
                break
            except AssertionError:
                if attempt == 2:
                    raise
                term.keys(level)
        term.keys("n")


def test_a_whole_meeting_in_a_real_terminal(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    # The demo opens on the fresh session, asking who is scoring.
    screen = term.wait_for("Who is scoring?")
    assert "Amara Okafor" in screen and "0/40 scored" in screen
    # Behind the picker the scoring screen is blank (the previous teacher's levels stay hidden).
    assert "criterion 1 of 5" not in screen
    term.keys("Enter")
    screen = term.wait_for("0 of 40 scored")
    # The app fills the window it was given: once drawn, its frame reaches the right edge.
    widest = 0
    for _ in range(200):
        widest = max(len(line) for line in term.screen().splitlines())
        if widest >= term.size[0]:
            break
        time.sleep(0.05)
    assert widest == term.size[0]
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
    reveal = term.wait_for("Reveal — Demo meeting")
    narrow = term.size[0] < 112
    if narrow:  # the grid first, the whole width; f shows the figures instead
        reveal = term.wait_for("f Figures")
        assert "Conventions" in reveal
        assert "Discussion queue" not in reveal
        term.keys("f")
    # Only the headline; every other figure is one key away.
    reveal = term.wait_for("You agree within one level", timeout=30)
    for text in ("Agreement · all criteria", "Left out: Marcus"):
        assert text in reveal, text
    assert "Gwet's AC2" not in reveal
    term.keys("d")
    details = term.wait_for("Every figure · all criteria")
    assert "Exact agreement:" in details  # the headline's figures first, then every other
    term.keys("End")
    term.wait_for("Kendall's W (same order of samples)")  # the last coefficient
    term.keys("Escape", pause=0.3)
    term.wait_for("You agree within one level")
    if narrow:  # back to the grid, as a facilitator would before opening the item
        term.keys("f")
        term.wait_for("green all agree")

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
    term.wait_for("You agree within one level" if not narrow else "green all agree")
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
