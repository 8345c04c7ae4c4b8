"""calibrate.stats.rasch is pure: importing it loads no UI, database or CLI library."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_rasch_loads_no_ui_or_database_library() -> None:
    code = "import json, sys, calibrate.stats.rasch\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    for forbidden in ("textual", "sqlite_utils", "sqlite3", "click", "rich"):
        assert forbidden not in loaded
