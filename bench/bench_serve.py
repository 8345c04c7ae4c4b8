"""A served meeting under a full room (issue 5's targets).

    .venv/bin/python bench/bench_serve.py [--raters 40] [--samples 8] [--think 3] [--cold]

Starts ``calibrate serve`` on 127.0.0.1 (with its spares, as a meeting would), lets the spares
settle (the facilitator starts the server before the room arrives), then 40 simulated browser
tabs (websocket sessions speaking textual-serve's protocol) open at the same moment, join,
pick their names and score every item of an 8-sample × 5-criterion session, pausing a random
0–2×``--think`` seconds between items as people do. ``--think 0`` scores flat out (a stress
test: far more keys per second than a room produces). ``--cold`` turns the spares off.

Measured:
- memory per rater session: RSS of each tab's app process once everyone has scored
  (targets ≤ 60 MB); PSS (shared pages split between processes) is shown beside it;
- time to first screen: from opening the tab's connection to the join screen (≤ 3 s);
- key → committed score: from sending the level's key to the screen confirming the score,
  which it does only after the score is committed (p95 ≤ 100 ms). The room starts scoring
  once everyone has joined (the join storm is what "first screen" measures).
Every score is checked in the database afterwards, and that no app process outlives its tab.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the simulated tab lives with the tests

from tests.serve.conftest import make_room  # noqa: E402
from tests.serve.rater_client import (  # noqa: E402
    RaterRun,
    Tab,
    cpu_seconds,
    free_port,
    processes_naming,
    rss_mib,
    start_server,
    stop_server,
    wait_for_spares,
)

TARGETS = {"rss_mb": 60.0, "first_screen_s": 3.0, "key_p95_ms": 100.0}


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def one_rater(
    http: aiohttp.ClientSession,
    url: str,
    *,
    code: str,
    name: str,
    levels: list[int],
    think: float,
    rng: random.Random,
    everyone_in: asyncio.Barrier,
) -> tuple[RaterRun, Tab]:
    run = RaterRun(name)
    tab = Tab(http, url)
    start = time.perf_counter()
    await tab.open()
    await tab.expect("Join the calibration meeting", timeout=120)
    run.first_screen = time.perf_counter() - start
    tab.mark()
    await tab.send(code + "\r")
    await tab.expect("Type your name", timeout=60)
    tab.mark()
    await tab.send(name + "\r")
    total = len(levels)
    await tab.expect(rf"(?<!\d)0 of {total} scored", timeout=60)
    await everyone_in.wait()  # the room scores together once everyone has joined
    await asyncio.sleep(1.0)  # the first essay appears; nobody scores it unread
    for done, level in enumerate(levels, start=1):
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        tab.mark()
        sent = time.perf_counter()
        await tab.send(str(level))
        await tab.expect(rf"(?<!\d){done} of {total} scored", timeout=60)
        run.key_to_score.append(time.perf_counter() - sent)
        await tab.send("n")
    return run, tab


async def bench(raters: int, samples: int, think: float, cold: bool) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="calibrate-bench-serve-"))
    room = make_room(folder / "room.db", raters=raters, samples=samples)
    rubric = room.store.get_rubric(room.store.get_session(room.session_id).rubric_id)
    n_items = samples * len(rubric.criteria)
    port = free_port()
    server = start_server(room.path, room.session_id, port, spares=0 if cold else None)
    out = ""
    try:
        if not cold:
            settle = time.perf_counter()
            await wait_for_spares(server.pid, raters + 1, timeout=300)
            print(f"spares ready in {time.perf_counter() - settle:.1f} s")
        before = {p: cpu_seconds(p) for p in processes_naming(str(room.path)) if p != server.pid}
        rng = random.Random(5)
        plans = {
            f"Rater {n:02d}": [rng.randint(1, 4) for _ in range(n_items)]
            for n in range(1, raters + 1)
        }
        started = time.perf_counter()
        server_cpu = cpu_seconds(server.pid)
        client_cpu = time.process_time()
        everyone_in = asyncio.Barrier(raters)
        async with aiohttp.ClientSession() as http:
            results = await asyncio.gather(
                *(
                    one_rater(
                        http,
                        f"http://127.0.0.1:{port}",
                        code=room.join_code,
                        name=name,
                        levels=levels,
                        think=think,
                        rng=random.Random(name),
                        everyone_in=everyone_in,
                    )
                    for name, levels in plans.items()
                )
            )
            wall = time.perf_counter() - started
            server_cpu = cpu_seconds(server.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            tabs_cpu = sum(
                cpu_seconds(p) - before.get(p, 0.0)
                for p in processes_naming(str(room.path))
                if p != server.pid
            )
            # memory of the tabs' processes, all still open, everyone having scored
            await asyncio.sleep(1.0)
            # a tab's process has used the CPU since the tabs opened; an idle spare has not
            sessions = [
                p
                for p in processes_naming(str(room.path))
                if p != server.pid
                and (cold or p in before)
                and cpu_seconds(p) - before.get(p, 0.0) > 0.05
            ]
            rss = [rss_mib(p) for p in sessions]
            pss = [pss_mib(p) for p in sessions]
            for _, tab in results:
                await tab.close()
        closed = time.perf_counter()
        while (left := [p for p in processes_naming(str(room.path)) if p in sessions]) and (
            time.perf_counter() - closed < 15
        ):
            await asyncio.sleep(0.2)
    finally:
        out = stop_server(server)
    runs = [r for r, _ in results]
    names = {r.id: r.name for r in room.store.list_raters()}
    stored = {
        (names[s.rater_id], s.sample_id, s.criterion_key): s.level
        for s in room.store.scores(room.session_id)
    }
    expected_count = raters * n_items
    firsts = [r.first_screen for r in runs]
    keys = [k * 1000 for r in runs for k in r.key_to_score]
    return {
        "raters": raters,
        "items_per_rater": n_items,
        "think_s": think,
        "spares": not cold,
        "wall_s": round(wall, 1),
        "cpu_s_tabs": round(tabs_cpu, 1),
        "cpu_s_server": round(server_cpu, 1),
        "cpu_s_bench_client": round(client_cpu, 1),
        "scores_stored": len(stored),
        "scores_expected": expected_count,
        "sessions_measured": len(rss),
        "rss_mb_mean": round(statistics.mean(rss), 1) if rss else None,
        "rss_mb_max": round(max(rss), 1) if rss else None,
        "pss_mb_mean": round(statistics.mean(pss), 1) if pss else None,
        "first_screen_s_p50": round(percentile(firsts, 0.5), 2),
        "first_screen_s_p95": round(percentile(firsts, 0.95), 2),
        "first_screen_s_max": round(max(firsts), 2),
        "key_ms_p50": round(percentile(keys, 0.5), 1),
        "key_ms_p95": round(percentile(keys, 0.95), 1),
        "key_ms_max": round(max(keys), 1),
        "processes_left_after_close": len(left),
        "killed_after_close": out.count("did not quit"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=40)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--think", type=float, default=3.0)
    parser.add_argument("--cold", action="store_true", help="no spares")
    args = parser.parse_args()
    result = asyncio.run(bench(args.raters, args.samples, args.think, args.cold))
    for key, value in result.items():
        print(f"{key:28} {value}")
    figure = {k: float(v) for k, v in result.items() if isinstance(v, int | float)}
    verdict = {
        "rss ≤ 60 MB (largest session)": figure["rss_mb_max"] <= TARGETS["rss_mb"],
        "first screen ≤ 3 s (p95)": figure["first_screen_s_p95"] <= TARGETS["first_screen_s"],
        "key → committed score p95 ≤ 100 ms": figure["key_ms_p95"] <= TARGETS["key_p95_ms"],
        "every score stored": result["scores_stored"] == result["scores_expected"],
        "no process left": result["processes_left_after_close"] == 0,
    }
    for what, ok in verdict.items():
        print(f"{'ok  ' if ok else 'MISS'} {what}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "serve.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
