"""A full room on the served meeting (issue 12's targets).

    .venv/bin/python bench/bench_serve.py [--raters 40] [--samples 8] [--think 1.0] [--no-restart]

Starts the real ``calibrate serve`` on 127.0.0.1 over a database whose session has ``--raters``
raters and ``--samples`` essays of the demo kit (5 criteria each). Then every rater, an HTTP
client doing what the page does, arrives at once: opens the join page, types the code, claims
their seat with a PIN and opens the scoring page; then scores every item, pausing a random
0–2×``--think`` seconds before each tap, as people do. A save that fails (server gone) is sent
again until it is stored, as the page's queue does.

Run twice: a plain meeting, then (unless ``--no-restart``) the same with the server killed
(SIGKILL) halfway and started again; raters resend, nothing may be lost or doubled.

Measured, and printed as one JSON line:
- join → scoring page: from opening the join page to the scoring page loaded (p95 ≤ 1 s);
- save acknowledged: from sending a score to the server's answer (p95 ≤ 100 ms);
- server memory: peak RSS of the one server process (≤ 300 MB for the whole room);
- stored: scores in the database afterwards (must be raters × items), ``integrity_check``,
  and history rows (0: a resend of the same value changes nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the room fixtures live with the tests

from tests.serve.conftest import make_room  # noqa: E402
from tests.serve.room_process import free_port, start_server, stop_server  # noqa: E402

TARGETS = {"join_p95_s": 1.0, "save_p95_ms": 100.0, "server_rss_mb": 300.0}
SAMPLE = re.compile(r'data-sample="(\d+)"')
CRITERION = re.compile(r'<fieldset class="criterion" data-key="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Tally:
    join_s: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    resends: int = 0
    refused: list[str] = field(default_factory=list)


async def rater(
    url: str, code: str, rater_id: int, samples: int, think: float, tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    headers = {"Origin": url}
    jar = aiohttp.CookieJar(unsafe=True)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(base_url=url, cookie_jar=jar, timeout=timeout) as http:
        start = time.perf_counter()
        (await http.get("/")).release()
        (await http.post("/join", data={"code": code}, headers=headers)).release()
        pin = f"{1000 + rater_id}"
        seat = await http.post("/seat", data={"rater": str(rater_id), "pin": pin}, headers=headers)
        page = await seat.text()
        if not str(seat.url).endswith("/score"):
            raise RuntimeError(f"rater {rater_id} could not claim a seat: {page[:200]}")
        tally.join_s.append(time.perf_counter() - start)
        for position in range(1, samples + 1):
            html = await _get(http, f"/score?at={position}", tally)
            sample_id = int(SAMPLE.search(html).group(1))  # type: ignore[union-attr]
            for key in CRITERION.findall(html):
                await asyncio.sleep(rng.uniform(0, 2 * think))
                payload = {
                    "sample_id": sample_id,
                    "criterion": key,
                    "level": rng.randint(1, 4),
                    "round": 1,
                    "note": "",
                }
                await _save(http, payload, headers, tally)


async def _get(http: aiohttp.ClientSession, path: str, tally: Tally) -> str:
    while True:
        try:
            async with http.get(path) as response:
                if response.status == 200:
                    return await response.text()
        except (TimeoutError, aiohttp.ClientError):
            pass
        tally.resends += 1
        await asyncio.sleep(0.5)


async def _save(
    http: aiohttp.ClientSession, payload: dict[str, object], headers: dict[str, str], tally: Tally
) -> None:
    while True:  # as the page's queue: send again until the server says it is stored
        sent = time.perf_counter()
        try:
            async with http.post("/api/score", json=payload, headers=headers) as response:
                answer = await response.json()
                if response.status == 200:
                    tally.save_ms.append((time.perf_counter() - sent) * 1000)
                    return
                if response.status < 500:
                    tally.refused.append(str(answer.get("error")))
                    return
        except (TimeoutError, aiohttp.ClientError):
            pass
        tally.resends += 1
        await asyncio.sleep(0.5)


async def meeting(raters: int, samples: int, think: float, restart: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "room.db"
        room = make_room(path, raters=raters, samples=samples)
        rater_ids = room.rater_ids()
        code, session_id = room.join_code, room.session_id
        items = samples * 5
        room.store.close()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(path, port, "--session", str(session_id))
        peaks = []
        tally = Tally()
        tasks = [
            asyncio.create_task(rater(url, code, rid, samples, think, tally, n))
            for n, rid in enumerate(rater_ids)
        ]
        started = time.perf_counter()
        if restart:
            expected = raters * items
            while len(tally.save_ms) < expected // 2:
                await asyncio.sleep(0.05)
            peaks.append(peak_rss_mb(server.pid))
            stop_server(server, kill=True)
            await asyncio.sleep(1.0)  # the room notices: saves fail and are kept for later
            server = start_server(path, port, "--session", str(session_id))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        peaks.append(peak_rss_mb(server.pid))
        stop_server(server)
        db = sqlite3.connect(path)
        stored = db.execute(
            "SELECT COUNT(*) FROM scores WHERE session_id = ? AND round = 1", (session_id,)
        ).fetchone()[0]
        history = db.execute("SELECT COUNT(*) FROM score_history").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
    return {
        "restart": restart,
        "raters": raters,
        "join_p50_s": round(statistics.median(tally.join_s), 3),
        "join_p95_s": round(percentile(tally.join_s, 0.95), 3),
        "save_p50_ms": round(statistics.median(tally.save_ms), 1),
        "save_p95_ms": round(percentile(tally.save_ms, 0.95), 1),
        "server_rss_mb": round(max(peaks), 1),
        "stored": f"{stored}/{raters * items}",
        "history_rows": history,
        "integrity": integrity,
        "resends": tally.resends,
        "refused": len(tally.refused),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=40)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--no-restart", action="store_true")
    args = parser.parse_args()
    runs = [asyncio.run(meeting(args.raters, args.samples, args.think, restart=False))]
    if not args.no_restart:
        runs.append(asyncio.run(meeting(args.raters, args.samples, args.think, restart=True)))
    met = all(
        run["join_p95_s"] <= TARGETS["join_p95_s"]  # type: ignore[operator]
        and run["save_p95_ms"] <= TARGETS["save_p95_ms"]  # type: ignore[operator]
        and run["server_rss_mb"] <= TARGETS["server_rss_mb"]  # type: ignore[operator]
        and run["stored"] == f"{args.raters * args.samples * 5}/{args.raters * args.samples * 5}"
        and run["history_rows"] == 0
        and run["integrity"] == "ok"
        for run in runs
    )
    print(json.dumps({"bench": "serve", "targets": TARGETS, "runs": runs, "met": met}))


if __name__ == "__main__":
    main()
