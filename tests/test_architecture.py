"""The layers point inward: stats and domain never load Textual, sqlite-utils or click."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tempfile
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


def _import_graph() -> dict[str, set[str]]:
    """Which calibrate modules each calibrate module imports, anywhere in it: function-level
    imports count (a circle is a circle even when it only bites later); names imported only for
    type hints (under ``if TYPE_CHECKING:``) do not, since they are never imported."""
    modules = {
        ".".join(("calibrate", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): p
        for p in SRC.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hints = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in hints:
                continue
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for target in found:
                if target in modules and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def test_no_import_cycle_anywhere() -> None:
    graph = _import_graph()
    assert len(graph) > 100
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_every_package_says_what_it_is_for() -> None:
    undocumented = [
        str(init.relative_to(SRC))
        for init in SRC.rglob("__init__.py")
        if not (ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or "").strip()
    ]
    assert undocumented == []


def test_the_app_starts_without_the_statistics_stack() -> None:
    """Nothing heavy before the first screen: the CLI, the app, Home and the store load no
    numpy, pandas, scipy or pydantic, and opening an up-to-date file needs no sqlite-utils
    (only migrating one does) (issue 15; bench/bench_start.py has the timing)."""
    from calibrate.storage.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cal.db"
        Store.open(path).close()  # made and migrated here
        code = (
            "import json, sys\n"
            "import calibrate.cli.main, calibrate.tui.app, calibrate.tui.screens.home\n"
            "from calibrate.storage.store import Store\n"
            f"Store.open({str(path)!r}).list_sessions()\n"
            "print(json.dumps(sorted(sys.modules)))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert "textual" in loaded
    assert loaded.isdisjoint({"numpy", "pandas", "scipy", "pydantic", "sqlite_utils"})


def test_the_cli_spells_the_levels_of_measurement_as_the_domain_does() -> None:
    from calibrate.cli.agreement import LEVELS
    from calibrate.domain.ratings import Measurement

    assert tuple(m.value for m in Measurement) == LEVELS
