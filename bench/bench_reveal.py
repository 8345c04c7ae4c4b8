"""Speed of the reveal (issue 4's target: 40 raters × 30 samples × 6 criteria ≤ 300 ms to the
first paint; the agreement report may arrive later from its worker thread).

    .venv/bin/python bench/bench_reveal.py      (also run by bench/bench_meeting.py)

Measures, on a generated revealed session of that size:
- building the reveal from the database (scores, consensus, master key → heat-map data);
- in-process (Pilot): push of the reveal screen → its first paint, and → the agreement report;
- in a real terminal (tmux, if installed): the reveal key on the home screen → the heat map and
  the discussion queue on screen, and → the agreement figures on screen.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RATERS, SAMPLES, CRITERIA = 40, 30, 6


def build(db: Path) -> int:
    """A revealed session of RATERS × SAMPLES × CRITERIA with noisy 1–4 scores; returns its id."""
    from calibrate.domain.model import Criterion, Level, Rater, Rubric, Sample
    from calibrate.services.meeting import sessions as meeting
    from calibrate.storage.store import Store

    rng = random.Random(1)
    with Store.open(db) as store:
        levels = tuple(Level(k, f"Level {k}", f"what level {k} shows") for k in range(1, 5))
        rubric = store.add_rubric(
            Rubric(
                "Bench rubric",
                criteria=tuple(
                    Criterion(f"c{j}", f"Criterion {j + 1}", levels=levels) for j in range(CRITERIA)
                ),
            )
        )
        samples = [store.add_sample(Sample(f"Bench sample {i + 1}", "…")) for i in range(SAMPLES)]
        raters = [store.add_rater(Rater(f"Bench rater {i + 1}")) for i in range(RATERS)]
        assert rubric.id is not None
        session = meeting.create_session(
            store,
            title="Bench reveal",
            date="2026-11-23",
            rubric_id=rubric.id,
            sample_ids=[s.id for s in samples if s.id is not None],
            rater_ids=[r.id for r in raters if r.id is not None],
            cut_score=3,
        )
        assert session.id is not None
        with store.transaction():
            for sample in samples:
                assert sample.id is not None
                true = rng.randint(1, 4)
                for criterion in rubric.criteria:
                    for rater in raters:
                        assert rater.id is not None
                        level = min(4, max(1, true + rng.choice((-1, 0, 0, 0, 1))))
                        store.record_score(session.id, sample.id, criterion.key, rater.id, level)
        meeting.reveal(store, session.id)
        return session.id


def build_times(db: Path, session_id: int, runs: int = 5) -> list[float]:
    from calibrate.services.meeting.board import load_reveal
    from calibrate.storage.store import Store

    times = []
    with Store.open(db) as store:
        for _ in range(runs):
            start = time.perf_counter()
            load_reveal(store, session_id)
            times.append((time.perf_counter() - start) * 1000)
    return times


async def paint_times(db: Path, session_id: int) -> tuple[float, float]:
    """Milliseconds from pushing the reveal screen to its first paint, and to the report."""
    from calibrate.storage.store import Store
    from calibrate.tui.app import CalibrateApp
    from calibrate.tui.screens.meeting.reveal import RevealScreen

    painted: dict[str, float] = {}

    class TimedReveal(RevealScreen):
        def on_mount(self) -> None:  # runs besides RevealScreen.on_mount (Textual calls both)
            self.call_after_refresh(lambda: painted.setdefault("at", time.perf_counter()))

    with Store.open(db) as store:
        app = CalibrateApp(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            screen = TimedReveal(session_id)
            await app.push_screen(screen)
            while "at" not in painted:
                await asyncio.sleep(0.001)
            await app.workers.wait_for_complete()
            while screen.report is None:
                await asyncio.sleep(0.001)
            ready = time.perf_counter()
    return (painted["at"] - start) * 1000, (ready - start) * 1000


def tmux_times(db: Path) -> tuple[float, float]:
    """Milliseconds from the reveal key (home screen) to the heat map and queue on screen, and
    to the agreement figures on screen, as a person sees it."""
    name = "benchreveal"
    command = f"{BIN / 'calibrate'} --db {db}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command], check=True
    )

    def screen() -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-t", name, "-p"], capture_output=True, text=True
        ).stdout

    def wait_for(*texts: str, limit: float = 10.0) -> None:
        begin = time.perf_counter()
        while not all(t in screen() for t in texts):
            if time.perf_counter() - begin > limit:
                raise TimeoutError(texts)
            time.sleep(0.001)

    try:
        wait_for("palette", "Bench reveal")
        subprocess.run(["tmux", "send-keys", "-t", name, "Tab"], check=True)
        time.sleep(0.3)
        start = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", name, "v"], check=True)
        wait_for("Criterion 1", "Bench sample 1", "split at the cut")
        heat_map = (time.perf_counter() - start) * 1000
        wait_for("You ")  # the headline: "You agree within one level…"
        figures = (time.perf_counter() - start) * 1000
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    return heat_map, figures


def reveal_timing() -> None:
    folder = Path(tempfile.mkdtemp(prefix="calibrate-bench-reveal-"))
    db = folder / "reveal.db"
    session_id = build(db)
    size = f"{RATERS} raters × {SAMPLES} samples × {CRITERIA} criteria"
    builds = build_times(db, session_id)
    print(f"reveal of {size}: reading and building it: median {statistics.median(builds):.0f} ms")
    paints = [asyncio.run(paint_times(db, session_id)) for _ in range(7)]  # noisy machine
    print(
        "  push of the reveal screen → first paint (Pilot): "
        f"median {statistics.median(p for p, _ in paints):.0f} ms   (target ≤ 300 ms); "
        f"→ agreement report from its worker: {statistics.median(r for _, r in paints):.0f} ms"
    )
    if shutil.which("tmux"):
        heat_map, figures = tmux_times(db)
        print(
            f"  in a real terminal (tmux): reveal key → heat map and queue on screen "
            f"{heat_map:.0f} ms; → agreement figures on screen {figures:.0f} ms"
        )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    reveal_timing()
