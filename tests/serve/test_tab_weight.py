"""A rater's tab stays light: joining and scoring load no statistics (numpy, scipy) and no
pandas, whatever the machine has installed (each is another ~12–80 MB per tab)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.serve.conftest import Served

SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from calibrate.storage.lean_import import load_storage_lean
load_storage_lean()  # as run_tab does first
from calibrate.storage.store_serve import ServedStore
from calibrate.tui.served import ServedApp

async def main(db, code):
    store = ServedStore.open(db)
    app = ServedApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*code, "enter")
        await pilot.pause()
        await pilot.press(*"linh", "enter")
        await pilot.pause()
        await pilot.press("3", "n", "2")
        await pilot.pause()
        screen = type(app.screen).__name__
    store.close()
    heavy = sorted(m for m in ("numpy", "scipy", "pandas") if sys.modules.get(m) is not None)
    print(json.dumps({"screen": screen, "heavy": heavy}))

asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
"""


def test_joining_and_scoring_load_no_statistics(served: Served) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(served.path), served.join_code],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"screen": "ServedScoringScreen", "heavy": []}
    assert len(served.store.scores(served.session_id)) == 2
