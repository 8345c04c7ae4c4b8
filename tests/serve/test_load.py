"""A room of raters scoring at once through the real server (``calibrate serve``), each tab a
websocket session speaking textual-serve's protocol, as the browser page does. Loopback only.

40 raters score one sample on all five criteria (200 scores), each as fast as the screen
confirms (much harder on the machine than people are). Spares are off, so that every process
the server starts belongs to a tab and every one must be gone once the tabs close. The bench
(bench/bench_serve.py) runs the whole eight-sample session with spares, as a meeting would.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import aiohttp

from tests.serve.conftest import make_room
from tests.serve.rater_client import (
    free_port,
    processes_naming,
    score_everything,
    start_server,
    stop_server,
)

RATERS = 40


async def test_forty_raters_score_a_whole_session_at_once(tmp_path: Path) -> None:
    room = make_room(tmp_path / "room.db", raters=RATERS, samples=1)
    context_ids = room.store.get_session(room.session_id)
    criteria = [c.key for c in room.store.get_rubric(context_ids.rubric_id).criteria]
    rng = random.Random(20261123)
    plans = {f"Rater {n:02d}": [rng.randint(1, 4) for _ in criteria] for n in range(1, RATERS + 1)}
    port = free_port()
    server = start_server(room.path, room.session_id, port, spares=0)
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession() as http:
            runs = await asyncio.gather(
                *(
                    score_everything(
                        http,
                        f"http://127.0.0.1:{port}",
                        code=room.join_code,
                        name=name,
                        levels=levels,
                        timeout=120,
                    )
                    for name, levels in plans.items()
                )
            )
        assert len(runs) == RATERS
        # every tab has closed: no app process may be left (they are reaped within ~3 s)
        deadline = time.monotonic() + 15
        while (left := processes_naming(str(room.path))) != [server.pid]:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert left == [server.pid]
    finally:
        out = stop_server(server)
    elapsed = time.monotonic() - started
    assert "Traceback" not in out, out
    assert processes_naming(str(room.path)) == []
    names = {r.id: r.name for r in room.store.list_raters()}
    stored = {
        (names[s.rater_id], s.criterion_key): s.level for s in room.store.scores(room.session_id)
    }
    expected = {
        (name, key): level
        for name, levels in plans.items()
        for key, level in zip(criteria, levels, strict=True)
    }
    assert stored == expected
    assert elapsed < 150, f"the room took {elapsed:.0f} s"
