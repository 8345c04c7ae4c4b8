"""The room's server as a user runs it: ``calibrate serve`` in its own process, on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    db: Path, port: int, *extra: str, command: tuple[str, ...] = ("serve",)
) -> subprocess.Popen[bytes]:
    """``calibrate serve --db DB --port PORT`` (or another ``command`` that serves) started and
    answering, or the test fails."""
    process = subprocess.Popen(
        [sys.executable, "-m", "calibrate", *command, "--db", str(db), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"calibrate serve stopped: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("calibrate serve did not answer within 20 s")


def stop_server(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    process.wait(timeout=10)


def printed_join_code(process: subprocess.Popen[bytes]) -> str:
    """The join code `calibrate serve` printed for the room (a new one at each start: codes
    are kept hashed, so none can be read back from the database)."""
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.decode()
        if "type the join code" in line:
            return line.split()[-1]
    raise AssertionError("calibrate serve printed no join code")
