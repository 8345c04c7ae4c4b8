"""Integer options take the digits 0-9 only: `--session ٣` (Arabic-Indic three) or `1_0` is a
one-line usage error, never read as a session id (issue 14)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from calibrate.cli._common import WholeNumber
from calibrate.cli.main import cli as main


@pytest.mark.parametrize("text", ["٣", "３", "1_0", "", "+", "3.0", "1e3", "0x10"])
def test_a_number_not_written_with_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(click.BadParameter, match="0-9"):
        WholeNumber().convert(text, None, None)


@pytest.mark.parametrize(("text", "number"), [("3", 3), (" 12 ", 12), ("-4", -4), ("+7", 7)])
def test_ascii_digits_are_read(text: str, number: int) -> None:
    assert WholeNumber().convert(text, None, None) == number


def test_bounds_are_kept() -> None:
    with pytest.raises(click.BadParameter, match="below 1"):
        WholeNumber(min=1).convert("0", None, None)
    with pytest.raises(click.BadParameter, match="above 3"):
        WholeNumber(1, 3).convert("4", None, None)
    assert WholeNumber(1, 3).convert("3", None, None) == 3


def test_an_arabic_indic_session_id_is_a_one_line_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = CliRunner().invoke(main, ["--db", str(db), "rasch", "--session", "٣"])
    assert result.exit_code == 2
    assert "is not a whole number written with 0-9" in result.output
    assert "Traceback" not in result.output
    assert not db.exists()  # nothing was opened or written


def test_an_ascii_session_id_still_reaches_the_command(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = CliRunner().invoke(main, ["--db", str(db), "rasch", "--session", "3"])
    # past the option parsing: the command itself says the database does not exist yet
    assert "is not a whole number" not in result.output
    assert "no calibrate database" in result.output
