"""Start-up of the app against a bare Textual app started the same way (issue 15's target).

    .venv/bin/python bench/bench_start.py [--runs 7]

Each program is started in a private tmux server (120 × 40) and the screen is polled until its
first whole screen is there (its footer's keys). Runs are interleaved (bare, app on a database,
``calibrate demo``) so the machine's noise falls on all three alike; the figures are medians
and the ratios against the bare app. Target: ``calibrate demo`` to its first whole screen
≤ 2× the bare app. Prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit"), ("f1", "help", "Help")]

    def compose(self):
        yield Header()
        yield Static("Hello")
        yield Footer()


Bare().run()
"""


def first_screen(command: str, ready: str, *, env: dict[str, str], socket: str) -> float:
    """Seconds from starting ``command`` to ``ready`` on its screen."""
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "b", "-x", "120", "-y", "40", command],
        check=True,
        env=env,
    )
    try:
        while time.perf_counter() - start < 20:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-t", "b", "-p"], capture_output=True, text=True
            ).stdout
            if ready in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"{command!r} showed no {ready!r} in 20 s")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("bench_start needs tmux")
    folder = Path(tempfile.mkdtemp(prefix="bench-start-"))
    bare = folder / "bare.py"
    bare.write_text(BARE, encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "CALIBRATE_HOME": str(folder / "home"),
    }
    db = folder / "meeting.db"
    subprocess.run(
        [str(BIN / "calibrate"), "--db", str(db), "load", "scenarios/grade8-argument.toml"],
        check=True,
        capture_output=True,
    )
    times: dict[str, list[float]] = {"bare": [], "app": [], "demo": []}
    for n in range(args.runs):
        times["bare"].append(
            first_screen(f"{sys.executable} {bare}", "Quit", env=env, socket=f"bs{n}a")
        )
        times["app"].append(
            first_screen(f"{BIN / 'calibrate'} --db {db}", "palette", env=env, socket=f"bs{n}b")
        )
        demo_db = folder / f"demo{n}.db"
        times["demo"].append(
            first_screen(
                f"{BIN / 'calibrate'} demo --db {demo_db}",
                "palette",
                env=env,
                socket=f"bs{n}c",
            )
        )
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(
            f"{k:5} median {v * 1000:6.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in times[k])})"
        )
    result = {
        "bench": "start",
        "runs": args.runs,
        "bare_ms": round(med["bare"] * 1000),
        "app_ms": round(med["app"] * 1000),
        "demo_ms": round(med["demo"] * 1000),
        "app_ratio": round(med["app"] / med["bare"], 2),
        "demo_ratio": round(med["demo"] / med["bare"], 2),
        "target_demo_ratio": 2.0,
    }
    result["met"] = result["demo_ratio"] <= 2.0
    print(json.dumps(result))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
