"""`calibrate serve`, `calibrate codes` and `calibrate join` on the command line."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.cli.serve import is_loopback, public_address
from calibrate.domain.model import Phase
from calibrate.services.room import access as serve
from calibrate.storage.store_serve import ServedStore
from tests.serve.conftest import Served


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def printed_code(stdout: str) -> str:
    """The join code `calibrate serve` printed."""
    line = next(line for line in stdout.splitlines() if "type the join code" in line)
    return line.split()[-1]


def test_codes_are_shown_only_when_made_since_both_are_kept_hashed(served: Served) -> None:
    """Issue 14: both codes are kept hashed; each is shown when it is made."""
    result = run("codes", "--db", str(served.path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "session": served.session_id,
        "join_code": None,
        "facilitator_code": None,
    }
    text = run("codes", "--db", str(served.path), "--session", str(served.session_id))
    assert text.exit_code == 0
    assert served.join_code not in text.stdout and served.lead_code not in text.stdout
    assert text.stdout.count("kept hashed so it cannot be shown again") == 2
    assert "`calibrate serve` shows a new one when it starts" in text.stdout
    # --facilitator makes a new one and shows it; the join code and joined tabs stay
    made = run("codes", "--db", str(served.path), "--facilitator")
    assert made.exit_code == 0, made.output
    lead = made.stdout.split("facilitator code:")[1].split()[0]
    assert lead != served.lead_code and "not shown again" in made.stdout
    assert serve.join(served.store, lead).facilitator
    with pytest.raises(Exception, match="not right"):
        serve.join(served.store, served.lead_code)
    assert not serve.join(served.store, served.join_code).facilitator
    # --join makes a new join code; the facilitator's stays
    joined = run("codes", "--db", str(served.path), "--join", "--json")
    new_join = json.loads(joined.stdout)["join_code"]
    assert new_join not in (None, served.join_code)
    assert json.loads(joined.stdout)["facilitator_code"] is None
    assert not serve.join(served.store, new_join).facilitator
    assert serve.join(served.store, lead).facilitator
    with pytest.raises(Exception, match="not right"):
        serve.join(served.store, served.join_code)


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


@dataclass
class Built:
    app: Any
    sock: socket.socket
    ssl_context: Any


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Built]]:
    """Build the server as `calibrate serve` does (socket bound), but do not run it."""
    from calibrate.serve import app as room_app

    built: list[Built] = []

    def fake_run(app: Any, sock: socket.socket, *, ssl_context: Any) -> None:
        built.append(Built(app, sock, ssl_context))

    monkeypatch.setattr(room_app, "run", fake_run)
    yield built
    for server in built:
        server.sock.close()


def test_serving_the_room_prints_the_address_and_join_code_but_not_the_facilitators(
    served: Served, no_serving: list[Built]
) -> None:
    port = free_port()
    result = run("serve", "--db", str(served.path), "--host", "0.0.0.0", "--port", str(port))
    assert result.exit_code == 0, result.output
    (server,) = no_serving
    assert server.sock.getsockname()[1] == port
    assert "0.0.0.0" not in result.stdout
    join_code = printed_code(result.stdout)  # a new one at each start (kept hashed)
    assert join_code != served.join_code and len(join_code) == 6
    assert not serve.join(served.store, join_code).facilitator
    assert served.lead_code not in result.stdout  # the QR code may be projected
    assert "calibrate codes" in result.stdout
    assert "█" in result.stdout or "▀" in result.stdout  # the QR code (segno)
    assert "Warning: anyone on this network" in result.stdout
    assert "not encrypted" in result.stdout


def test_serving_on_loopback_says_only_this_computer_can_join(
    served: Served, no_serving: list[Built]
) -> None:
    port = free_port()
    result = run("serve", "--db", str(served.path), "--port", str(port), "--rotate-codes")
    assert result.exit_code == 0, result.output
    assert f"at  http://127.0.0.1:{port}" in result.stdout
    assert "Only this computer can join" in result.stdout
    assert served.join_code not in result.stdout  # rotated
    with pytest.raises(Exception, match="not right"):
        serve.join(served.store, served.lead_code)  # --rotate-codes: the facilitator's too
    assert serve.join(served.store, printed_code(result.stdout)).session_id == served.session_id


def test_a_busy_port_is_one_line_before_any_code_is_printed(served: Served) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run("serve", "--db", str(served.path), "--port", str(port))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert f"cannot listen on 127.0.0.1:{port}: is in use" in result.stderr
    assert served.join_code not in result.stderr


def test_serve_on_a_new_database_says_how_to_start(tmp_path: Path) -> None:
    result = run("serve", "--db", str(tmp_path / "new.db"), "--port", str(free_port()))
    assert result.exit_code == 2
    assert "calibrate serve --demo" in result.stderr


def test_serve_demo_serves_the_demo_meeting_ready_to_score(
    tmp_path: Path, no_serving: list[Built]
) -> None:
    path = tmp_path / "new.db"
    result = run("serve", "--demo", "--db", str(path), "--port", str(free_port()))
    assert result.exit_code == 0, result.output
    assert "Serving “Demo meeting" in result.stdout
    store = ServedStore.open(path)
    try:
        scoring = [s for s in store.list_sessions() if s.phase is Phase.SCORING]
        assert len(scoring) == 1 and scoring[0].title.startswith("Demo meeting")
        seat = serve.join(store, printed_code(result.stdout))
        assert seat.session_id == scoring[0].id and not seat.facilitator
    finally:
        store.close()


def test_tls_needs_both_files(served: Served, tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    result = run("serve", "--db", str(served.path), "--tls-cert", str(cert))
    assert result.exit_code == 2 and "--tls-cert and --tls-key go together" in result.stderr
    result = run("serve", "--db", str(served.path), "--tls-cert", str(cert), "--tls-key", str(cert))
    assert result.exit_code == 2 and "cannot be used as a certificate" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def test_seats_lists_who_is_seated_and_frees_a_seat(served: Served) -> None:
    from calibrate.services.room.seats import claim_seat

    amara = served.rater_ids()[0]
    name = served.store.get_rater(amara).name
    claim_seat(served.store, serve.join(served.store, served.join_code), amara, "4821")
    listed = run("seats", "--db", str(served.path))
    assert listed.exit_code == 0, listed.output
    assert f"{name}: seated since" in listed.stdout and ": free" in listed.stdout
    freed = run("seats", "--db", str(served.path), "--release", name.upper())
    assert freed.exit_code == 0 and f"{name}'s seat is free" in freed.stdout
    assert served.store.seat_row(served.session_id, amara)["pin_hash"] is None  # type: ignore[index]
    again = run("seats", "--db", str(served.path), "--release", name)
    assert again.exit_code == 0 and "holds no seat" in again.stdout
    nobody = run("seats", "--db", str(served.path), "--release", "Nobody")
    assert nobody.exit_code == 2 and "'Nobody' is not a rater of this session" in nobody.stderr


def test_the_server_has_no_child_process_and_a_sigkill_leaves_nothing(served: Served) -> None:
    import urllib.request

    from tests.serve.room_process import start_server, stop_server

    port = free_port()
    server = start_server(served.path, port, "--session", str(served.session_id))
    try:
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
                assert response.status == 200
        tasks = Path(f"/proc/{server.pid}/task")
        children = [
            child for task in tasks.iterdir() for child in (task / "children").read_text().split()
        ]
        assert children == []
    finally:
        stop_server(server, kill=True)
    with socket.create_server(("127.0.0.1", port)):  # the port is free again at once
        pass


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_tls_serves_https_with_a_secure_seat_cookie(served: Served, tmp_path: Path) -> None:
    import http.client
    import ssl
    import subprocess

    from tests.serve.room_process import printed_join_code, start_server, stop_server

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = start_server(
        served.path,
        port,
        "--session",
        str(served.session_id),
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
    )
    join_code = printed_join_code(server)
    try:
        context = ssl.create_default_context(cafile=str(cert))
        page = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
        page.request("GET", "/")
        assert page.getresponse().status == 200
        join = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
        join.request(
            "POST",
            "/join",
            body=f"code={join_code}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://127.0.0.1:{port}",
            },
        )
        answer = join.getresponse()
        assert answer.status == 303
        cookie = answer.getheader("Set-Cookie") or ""
        assert "Secure" in cookie and "HttpOnly" in cookie
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/")
        try:
            refused = plain.getresponse().status
        except (ConnectionError, http.client.HTTPException):
            refused = 0
        assert refused != 200  # nothing is served in the clear
    finally:
        stop_server(server)
