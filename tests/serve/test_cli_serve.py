"""`calibrate serve`, `calibrate codes` and `calibrate join` on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.cli.serve import is_loopback, public_address
from calibrate.domain.model import Phase
from calibrate.serve.server import CalibrateServer
from calibrate.services.room import access as serve
from tests.serve.conftest import Served


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_codes_prints_the_sessions_codes(served: Served) -> None:
    result = run("codes", "--db", str(served.path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "session": served.session_id,
        "join_code": served.join_code,
        "facilitator_code": served.lead_code,
    }
    text = run("codes", "--db", str(served.path), "--session", str(served.session_id))
    assert text.exit_code == 0
    assert f"join code:         {served.join_code}" in text.stdout


def test_codes_rotate_makes_new_codes_and_the_old_ones_stop(served: Served) -> None:
    result = run("codes", "--db", str(served.path), "--rotate", "--json")
    assert result.exit_code == 0, result.output
    new = json.loads(result.stdout)
    assert new["join_code"] != served.join_code
    assert new["facilitator_code"] != served.lead_code
    with pytest.raises(Exception, match="not right"):
        serve.join(served.store, served.join_code)
    assert serve.join(served.store, new["join_code"]).session_id == served.session_id


def test_codes_refuses_a_missing_database(tmp_path: Path) -> None:
    result = run("codes", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: there is no calibrate database")


def test_serve_refuses_when_it_cannot_tell_which_session(served: Served) -> None:
    other = next(s for s in served.store.list_sessions() if s.id != served.session_id)
    assert other.id is not None
    served.store.set_phase(other.id, Phase.SCORING)
    result = run("serve", "--db", str(served.path))
    assert result.exit_code == 2
    assert "Several sessions are being scored" in result.stderr
    assert "choose one with --session" in result.stderr


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[CalibrateServer]:
    """Build the server as `calibrate serve` does, but do not start it."""
    built: list[CalibrateServer] = []
    monkeypatch.setattr(CalibrateServer, "serve", lambda self, debug=False: built.append(self))
    return built


def test_serving_the_room_prints_a_reachable_address_the_codes_and_a_qr_code(
    served: Served, no_serving: list[CalibrateServer]
) -> None:
    result = run("serve", "--db", str(served.path), "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    (server,) = no_serving
    assert server.host == "0.0.0.0"
    assert "0.0.0.0" not in server.public_url and server.public_url.endswith(":8123")
    assert f"at  {server.public_url}" in result.stdout
    assert served.join_code in result.stdout and served.lead_code in result.stdout
    assert "█" in result.stdout or "▀" in result.stdout  # the QR code (segno)
    # one spare per rater and one for the facilitator; each tab runs `calibrate join`
    assert server.expected_tabs == 6 + 1
    assert server.command.startswith("exec ") and " -m calibrate.serve.tab " in server.command
    assert server.command.endswith(f" --session {served.session_id}")
    assert server.spare_command is not None and server.spare_command.endswith(" --spare")


def test_serving_on_loopback_says_only_this_computer_can_join(
    served: Served, no_serving: list[CalibrateServer]
) -> None:
    result = run(
        "serve", "--db", str(served.path), "--port", "8124", "--spares", "0", "--rotate-codes"
    )
    assert result.exit_code == 0, result.output
    (server,) = no_serving
    assert server.public_url == "http://127.0.0.1:8124"
    assert "Only this computer can join" in result.stdout
    assert served.join_code not in result.stdout  # rotated
    assert server.expected_tabs == 0
    codes = served.store.session_codes(served.session_id)
    assert f"join code   {codes.join_code}" in result.stdout


def test_the_public_address_is_never_the_wildcard() -> None:
    assert public_address("127.0.0.1", 8000, None) == "http://127.0.0.1:8000"
    assert public_address("0.0.0.0", 8000, "http://10.0.0.5:8000/") == "http://10.0.0.5:8000"
    assert not public_address("0.0.0.0", 8000, None).startswith("http://0.0.0.0")
    assert public_address("::1", 9000, None) == "http://[::1]:9000"
    assert is_loopback("localhost") and is_loopback("127.0.0.2") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_join_refuses_a_missing_database(tmp_path: Path) -> None:
    result = run("join", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert "there is no calibrate database" in result.stderr
