"""The layers point inward: stats and domain never load Textual, sqlite-utils or click."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "calibrate"


@pytest.mark.parametrize("package", ["calibrate.stats", "calibrate.domain"])
def test_pure_packages_load_no_ui_or_database_library(package: str) -> None:
    modules = sorted(
        f"{package}.{p.stem}"
        for p in (SRC / package.split(".")[1]).glob("*.py")
        if p.stem != "__init__"
    )
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert len(modules) >= 2
    for forbidden in ("textual", "sqlite_utils", "sqlite3", "click", "rich"):
        assert forbidden not in loaded, f"{package} loads {forbidden}"


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_only_storage_imports_sqlite_utils() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "sqlite_utils" in p.read_text(encoding="utf-8") and "storage" not in p.parts
    ]
    assert offenders == []


def test_no_module_is_a_big_room() -> None:
    """House rule: no module over ~400 lines."""
    big = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert big == {}
