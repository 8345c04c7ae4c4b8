"""Every command has --help, and every command is named in README.md's "## Commands" section."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
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
