"""Every command has --help, and every command is named in README.md's "## Commands" section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from calibrate.cli.main import COMMAND_MODULES, cli

ROOT = Path(__file__).resolve().parents[2]


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path, asked of click as `--help` would (the top group loads lazily)."""
    paths = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += walk(command, (*prefix, name))
    return paths


COMMANDS = walk(cli)


def commands_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Commands\n")
    end = text.find("\n## ", start + 1)
    return text[start : None if end == -1 else end]


def test_every_lazy_command_is_found_where_it_is_said_to_be() -> None:
    """A command named in COMMAND_MODULES but missing from its module's tuple would list in
    --help and then fail to run."""
    ctx = click.Context(cli)
    for name in COMMAND_MODULES:
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name


def test_agree_loads_only_what_it_needs() -> None:
    """`calibrate agree` imports neither the server, the app nor the contracts (issue 15)."""
    code = (
        "import sys\n"
        "from calibrate.cli.main import cli\n"
        "cli.get_command(__import__('click').Context(cli), 'agree')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('calibrate.cli.', 'calibrate.tui',"
        " 'calibrate.serve', 'textual', 'aiohttp', 'sqlite_utils'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "['calibrate.cli._common', 'calibrate.cli.agreement', 'calibrate.cli.main']"
    )


def test_the_records_commands_are_registered() -> None:
    names = {path[0] for path in COMMANDS}
    assert {"load", "import-scores", "export", "sessions", "rubrics", "backup"} <= names
    assert {"agree", "demo"} <= names


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "calibrate")
def test_help_exits_cleanly(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    assert f"{' '.join(('cli', *path))} [OPTIONS]" in result.stdout


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_is_listed_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"`calibrate {' '.join(path)}" in commands_section()


def test_export_help_documents_every_combination() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0
    for words in ("[[scores]]", "[[anchors]]", "toml: the session as a workshop kit", "csv: the"):
        assert words in result.stdout
