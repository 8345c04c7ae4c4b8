"""Headless Chromium driven through the DevTools protocol (a websocket, via aiohttp).

Just what the browser check needs: open a page, type, press Enter, read what the terminal
was sent, take a screenshot. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.serve.rater_client import free_port


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


# Before the page's own scripts run: keep a copy of the text the server sends the terminal
# (escape sequences removed), so the check can wait for what a person would wait for.
RECORD_SCREEN_TEXT = r"""
(() => {
  window.__screenText = "";
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  const escapes = new RegExp(
    "\\x1b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)" +
      "|[P_^X][^\\x1b]*\\x1b\\\\|.)",
    "g"
  );
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        const text = decoder.decode(new Uint8Array(event.data), { stream: true });
        window.__screenText += text.replace(escapes, "");
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 860) -> None:
        self.executable = executable
        self.size = (width, height)
        self.process: subprocess.Popen[bytes] | None = None
        # Chromium's helper processes can still write into the profile for a moment after
        # the browser exits: cleanup must not fail the test over that.
        self.profile = tempfile.TemporaryDirectory(
            prefix="calibrate-chromium-", ignore_cleanup_errors=True
        )
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [
                self.executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile.name}",
                f"--remote-debugging-port={port}",
                "--remote-debugging-address=127.0.0.1",
                f"--window-size={self.size[0]},{self.size[1]}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.http = aiohttp.ClientSession()
        page_ws = await self._page_websocket(f"http://127.0.0.1:{port}")
        self.ws = await self.http.ws_connect(page_ws, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        await self.call("Page.enable")
        await self.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_SCREEN_TEXT)

    async def _page_websocket(self, base: str) -> str:
        assert self.http is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with self.http.get(f"{base}/json/list") as response:
                    targets = await response.json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            await asyncio.sleep(0.2)
        raise TimeoutError("Chromium's DevTools endpoint did not come up")

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            data = json.loads(message.data)
            future = self._pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        assert self.ws is not None
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        await self.ws.send_json({"id": number, "method": method, "params": params})
        reply = await asyncio.wait_for(future, timeout=30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        reply = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply.get("result", {}).get("value")

    async def open(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def screen_text(self) -> str:
        return str(await self.evaluate("window.__screenText || ''"))

    async def wait_for_text(self, pattern: str, *, timeout: float = 30) -> None:
        import re

        wanted = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not wanted.search(await self.screen_text()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pattern!r} did not appear on the page")
            await asyncio.sleep(0.1)

    async def forget_text(self) -> None:
        await self.evaluate("window.__screenText = ''")

    async def focus_terminal(self) -> None:
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")

    async def type(self, text: str) -> None:
        for char in text:
            await self.call("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
            await self.call("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def press_enter(self) -> None:
        enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **enter)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **enter)

    async def close_page(self) -> None:
        """Close the tab, as a person does when they leave."""
        assert self.ws is not None
        await self.ws.send_json({"id": next(self._ids), "method": "Page.close", "params": {}})

    async def screenshot(self, path: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        if self.http is not None:
            await self.http.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for _ in range(20):  # give the helpers up to 2 s to let go of the profile
            self.profile.cleanup()
            if not os.path.exists(self.profile.name):
                break
            await asyncio.sleep(0.1)
