"""The server: an offline page, the public address, reaping app processes, spares. Loopback only."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import textual_serve

from calibrate.serve.server import TEMPLATES, CalibrateServer
from tests.serve.conftest import make_room
from tests.serve.rater_client import (
    Tab,
    children,
    free_port,
    processes_naming,
    start_server,
    stop_server,
    wait_for_spares,
)

STOCK_TEMPLATE = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def outside_references(page: str, own: str) -> list[str]:
    """Every URL the page would load that is not on ``own`` (scheme://host:port)."""
    found = [a or b for a, b in REFERENCE.findall(page)]
    absolute = re.findall(r"""(?:https?:|wss?:)?//[^\s"'<>)]+""", page)
    return [
        url
        for url in found + absolute
        if re.match(r"(https?:|wss?:)?//", url) and not re.match(rf"(https?:|wss?:)?//{own}/", url)
    ]


@pytest.fixture
async def server() -> AsyncIterator[tuple[CalibrateServer, str]]:
    port = free_port()
    serving = CalibrateServer("exec true", host="127.0.0.1", port=port)
    runner = await serving.start()
    yield serving, f"127.0.0.1:{port}"
    await runner.cleanup()


async def test_the_page_loads_nothing_from_outside_the_server(
    server: tuple[CalibrateServer, str],
) -> None:
    _, own = server
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://{own}/") as response:
            assert response.status == 200
            page = await response.text()
        assert outside_references(page, own) == []
        # every asset it names is served, the fonts included
        assets = sorted({a or b for a, b in REFERENCE.findall(page)})
        assert any(a.endswith("RobotoMono-VariableFont_wght.ttf") for a in assets)
        assert any(a.endswith("textual.js") for a in assets)
        for asset in assets:
            async with http.get(asset) as response:
                assert response.status == 200, asset
    assert f'data-session-websocket-url="ws://{own}/ws"' in page
    # the check is not vacuous: textual-serve's own page links a font on a CDN
    assert outside_references(STOCK_TEMPLATE.read_text(), own) != []
    assert (TEMPLATES / "app_index.html").exists()


async def test_the_page_names_the_public_address_not_the_listening_one() -> None:
    port = free_port()
    serving = CalibrateServer(
        "exec true", host="127.0.0.1", port=port, public_url="http://192.0.2.7:8000"
    )
    runner = await serving.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/") as response,
        ):
            page = await response.text()
    finally:
        await runner.cleanup()
    assert "ws://192.0.2.7:8000/ws" in page and "0.0.0.0" not in page
    assert outside_references(page, "192.0.2.7:8000") == []


STUBBORN = (
    "import signal, sys\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\n"
    "while True: pass\n"  # deaf to the quit message, spinning: what some disconnects leave
)


async def test_an_app_that_ignores_quit_is_killed_soon_after_its_tab_closes() -> None:
    port = free_port()
    command = f"exec {shlex.quote(sys.executable)} -c {shlex.quote(STUBBORN)}"
    serving = CalibrateServer(command, host="127.0.0.1", port=port, reap_after=1.0)
    runner = await serving.start()
    try:
        async with aiohttp.ClientSession() as http:
            tab = Tab(http, f"http://127.0.0.1:{port}")
            await tab.open()
            for _ in range(50):
                if serving.app_pids():
                    break
                await asyncio.sleep(0.1)
            (pid,) = serving.app_pids()
            # exec: the process the server holds is the app itself, not a shell around it
            assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[1] == b"-c"
            closed = time.monotonic()
            await tab.close()
            while Path(f"/proc/{pid}").exists() and time.monotonic() - closed < 10:
                await asyncio.sleep(0.1)
            gone_after = time.monotonic() - closed
    finally:
        await runner.cleanup()
    assert not Path(f"/proc/{pid}").exists()
    assert 0.9 <= gone_after < 4.0
    assert serving.app_pids() == []


async def test_spares_open_a_tab_at_once_and_nothing_outlives_the_server(
    tmp_path: Path,
) -> None:
    room = make_room(tmp_path / "room.db", raters=2, samples=1)
    port = free_port()
    process = start_server(room.path, room.session_id, port, spares=3)
    try:
        spares = set(await wait_for_spares(process.pid, 3))
        async with aiohttp.ClientSession() as http:
            tab = Tab(http, f"http://127.0.0.1:{port}")
            started = time.perf_counter()
            await tab.open()
            await tab.expect("Join the calibration meeting", timeout=10)
            first_screen = time.perf_counter() - started
            await tab.close()
        # the tab's process (one of the spares) is gone; the pool keeps a couple in reserve
        for _ in range(50):
            if not spares <= set(children(process.pid)):
                break
            await asyncio.sleep(0.1)
        assert not spares <= set(children(process.pid))
    finally:
        out = stop_server(process)
    assert first_screen < 2.0, out
    assert processes_naming(str(room.path)) == []
    assert "Traceback" not in out
