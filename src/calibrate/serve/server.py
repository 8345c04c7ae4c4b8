"""Serving the app to browsers: textual-serve, with calibrate's own page and process reaping.

Each browser tab gets its own app process, started with ``exec`` so that the process the server
holds *is* the app (not a shell around it). When a tab's connection closes the server asks the
app to quit, and kills it outright if it is still alive a few seconds later: some disconnects
leave textual-serve's app process spinning at high CPU, deaf to the polite request.

This module knows nothing of calibrate's screens or database; it runs a command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import sys
from asyncio.subprocess import Process
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from calibrate.serve.spares import SparePool

TEMPLATES = Path(__file__).parent / "templates"
REAP_AFTER = 3.0  # seconds a closed tab's app gets to quit before it is killed

log = logging.getLogger("calibrate.serve")


def join_command(db_path: Path, *, session_id: int | None = None, spare: bool = False) -> str:
    """The shell command each tab runs (:mod:`calibrate.serve.tab`), exec'd. A spare
    (``--spare``) imports everything and then waits for its tab (see :mod:`.spares`)."""
    parts = [sys.executable, "-m", "calibrate.serve.tab", "--db", str(db_path.resolve())]
    if session_id is not None:
        parts += ["--session", str(session_id)]
    if spare:
        parts.append("--spare")
    return "exec " + shlex.join(parts)


class ReapingAppService(AppService):
    """One tab's app process, which never outlives its connection by more than ``reap_after``
    seconds."""

    reap_after = REAP_AFTER
    pool: SparePool | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """A ready spare if the pool has one (woken by the tab's size), else a cold start."""
        spare = self.pool.take() if self.pool is not None else None
        if spare is None:
            return await super()._open_app_process(width, height)
        assert spare.stdin is not None
        self._process, self._stdin = spare, spare.stdin
        await self.set_terminal_size(width, height)
        return spare

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def run(self) -> None:
        await super().run()
        # The app's output ended (it quit or died): end the tab's connection too, so that a
        # crashed app does not leave a silent page behind.
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not gone within ``reap_after`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reap_after
        try:
            await asyncio.wait_for(super().stop(), timeout=self.reap_after)
            if self._process is not None:
                left = max(0.1, deadline - loop.time())
                await asyncio.wait_for(self._process.wait(), timeout=left)
        except (TimeoutError, ConnectionError, RuntimeError):
            pass
        finally:
            await self.reap()

    async def reap(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        log.info("app process %s did not quit after its tab closed: killing it", process.pid)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(process.wait(), timeout=self.reap_after)


class CalibrateServer(Server):
    """textual-serve's server with calibrate's offline page and reaped app processes."""

    def __init__(
        self,
        command: str,
        *,
        host: str = "localhost",
        port: int = 8000,
        public_url: str | None = None,
        title: str = "calibrate",
        reap_after: float = REAP_AFTER,
        spare_command: str | None = None,
        expected_tabs: int = 0,
    ) -> None:
        """``spare_command`` starts a spare (a process that waits for its tab); with it, spares
        are kept ready for ``expected_tabs`` tabs (see :class:`SparePool`)."""
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=public_url,
            templates_path=TEMPLATES,
        )
        self.reap_after = reap_after
        self.services: set[ReapingAppService] = set()
        self.spare_command = spare_command
        self.expected_tabs = expected_tabs
        self.pool: SparePool | None = None

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # a line per tab: noise

    async def on_startup(self, app: web.Application) -> None:
        """Start the spares. (Prints nothing: ``calibrate serve`` prints the address and codes.)"""
        if self.spare_command is not None and self.expected_tabs > 0:
            probe = AppService(
                self.command,
                write_bytes=_nothing,
                write_str=_nothing,
                close=_nothing_more,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.pool = SparePool(
                self.spare_command,
                expected=self.expected_tabs,
                environment=probe._build_environment(),
            )
            self.pool.fill()

    async def on_shutdown(self, app: web.Application) -> None:
        """End every tab's process and the spares."""
        if self.pool is not None:
            await self.pool.close()
        for service in list(self.services):
            await service.reap()

    def app_pids(self) -> list[int]:
        """Process ids of the tabs' app processes still running."""
        return sorted(s.pid for s in self.services if s.alive and s.pid is not None)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its app process, relay its input, and reap the process at the end."""
        websocket = web.WebSocketResponse(heartbeat=15)

        async def close() -> None:
            await websocket.close()

        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        service = ReapingAppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        service.reap_after = self.reap_after
        service.pool = self.pool
        try:
            await websocket.prepare(request)
            self.services.add(service)
            await service.start(width, height)
            await self._relay(websocket, service)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception:
            log.exception("a tab's session failed")
        finally:
            await service.stop()
            self.services.discard(service)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
        """The browser's messages: keys (``stdin``), size, focus, and pings."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope: Any = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    _int(data.get("width"), 80), _int(data.get("height"), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def start(self) -> web.AppRunner:
        """Start serving on the running event loop (for tests and benchmarks); stop with
        ``await runner.cleanup()``."""
        runner = web.AppRunner(await self._make_app())
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        return runner


async def _nothing(data: object) -> None:
    """A writer for an app service that never runs (used only to build the environment)."""


async def _nothing_more() -> None:
    """A closer for the same."""


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default
