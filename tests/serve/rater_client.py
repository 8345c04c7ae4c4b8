"""A simulated browser tab: speaks textual-serve's websocket protocol the way textual.js does
(keys as ``["stdin", text]``, screen output as binary frames) and reads the screen's text.

Used by the load test and by bench/bench_serve.py. Loopback only.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

# Escape sequences (CSI, OSC, DCS/APC strings, two-byte escapes): stripped to leave the text.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[P_^X][^\x1b]*\x1b\\|.)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Tab:
    """One browser tab's connection to the server."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http = http
        self.base_url = base_url
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.text = ""  # the screen's text since the last mark()
        self._changed = asyncio.Event()
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        self._reader: asyncio.Task[None] | None = None
        self.closed = False

    async def open(self, *, width: int = 120, height: int = 40) -> None:
        url = self.base_url.replace("http", "ws", 1) + f"/ws?width={width}&height={height}"
        self.ws = await self.http.ws_connect(url, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.text += _ESCAPES.sub("", self._decode(message.data))
                self._changed.set()
        self.closed = True
        self._changed.set()

    def mark(self) -> None:
        """Forget the text seen so far: the next expect() looks only at newer output."""
        self.text = ""

    async def expect(self, pattern: str, *, timeout: float = 30.0) -> None:
        """Wait until the screen shows ``pattern`` (a regular expression)."""
        wanted = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not wanted.search(self.text):
            if self.closed:
                raise ConnectionError(f"the tab closed while waiting for {pattern!r}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} did not appear; last text: {self.text[-300:]!r}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=left)

    async def send(self, keys: str) -> None:
        assert self.ws is not None
        await self.ws.send_json(["stdin", keys])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await self._reader


@dataclass
class RaterRun:
    """What one simulated rater measured."""

    name: str
    first_screen: float = 0.0  # seconds from connecting to the join screen
    key_to_score: list[float] = field(default_factory=list)  # seconds, one per score


async def score_everything(
    http: aiohttp.ClientSession,
    base_url: str,
    *,
    code: str,
    name: str,
    levels: list[int],
    keep_open: bool = False,
    timeout: float = 30.0,
) -> tuple[RaterRun, Tab]:
    """Join as ``name`` and score every item with ``levels`` (one per item, in order), waiting
    for the screen to confirm each score before the next key, as a person would."""
    run = RaterRun(name)
    tab = Tab(http, base_url)
    start = time.perf_counter()
    await tab.open()
    await tab.expect("Join the calibration meeting", timeout=timeout)
    run.first_screen = time.perf_counter() - start
    tab.mark()
    await tab.send(code + "\r")
    await tab.expect("Type your name", timeout=timeout)
    tab.mark()
    await tab.send(name + "\r")
    total = len(levels)
    await tab.expect(rf"(?<!\d)0 of {total} scored", timeout=timeout)
    for done, level in enumerate(levels, start=1):
        tab.mark()
        sent = time.perf_counter()
        await tab.send(str(level))
        await tab.expect(rf"(?<!\d){done} of {total} scored", timeout=timeout)
        run.key_to_score.append(time.perf_counter() - sent)
        await tab.send("n")
    if not keep_open:
        await tab.close()
    return run, tab


# --------------------------------------------------------------------------- the server process


def start_server(
    db: Path, session_id: int, port: int, *, spares: int | None = None
) -> subprocess.Popen[bytes]:
    """``calibrate serve`` on loopback, as the facilitator would run it."""
    command = [str(Path(sys.executable).parent / "calibrate"), "--db", str(db), "serve"]
    command += ["--port", str(port), "--session", str(session_id)]
    if spares is not None:
        command += ["--spares", str(spares)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"calibrate serve stopped: {out}")
        time.sleep(0.1)
    process.kill()
    raise TimeoutError("calibrate serve did not start listening")


def stop_server(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode(errors="replace")


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def processes_naming(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (e.g. a database path)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text.encode() in cmdline and state != "Z":
            found.append(int(entry))
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_for_spares(pid: int, count: int, *, timeout: float = 120) -> list[int]:
    """Wait until the server ``pid`` has ``count`` children and they have stopped using the
    CPU (their imports are done: they sleep until a tab comes)."""
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline:
        kids = children(pid)
        try:
            used = sum(cpu_seconds(k) for k in kids)
        except OSError:
            used = -1.0
        if len(kids) >= count and used == last:
            return kids
        last = used
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the spares did not settle ({len(children(pid))} of {count})")


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_until_gone(pid: int, *, timeout: float) -> list[int]:
    """Wait until ``pid`` has no live children; returns those left after ``timeout``."""
    deadline = time.monotonic() + timeout
    while (left := children(pid)) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return left
