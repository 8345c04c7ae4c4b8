"""Spare app processes, started before anyone needs them.

Starting Python and importing Textual and calibrate takes about half a second of CPU per tab;
when a whole room of 40 opens the page at once on a two-core laptop, the last tab would wait
ten seconds or more. So the server starts the processes ahead of time: each spare imports
everything, opens the database, says it is ready (one byte on stderr) and then sleeps until
the server hands it a tab (its stdin becomes readable: the tab's first message is its size).
Only then does it start the app and draw the join screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import sys
from asyncio.subprocess import Process
from collections import deque
from collections.abc import Mapping
from typing import Final

READY: Final = b"\x06"  # written by a spare on stderr once it has imported everything
MIN_SPARES: Final = 2  # kept even when everyone expected has joined (reconnects, late comers)


def wait_for_tab() -> None:
    """In a spare process: say ready, then block (without using the CPU) until the server
    sends the first message of a tab. Exits quietly if the server has gone away."""
    parent = os.getppid()
    os.write(2, READY)
    while True:
        readable, _, _ = select.select([sys.stdin], [], [], 5.0)
        if os.getppid() != parent:
            sys.exit(0)
        if readable:
            return


class SparePool:
    """Keeps ready app processes so that a tab opens without waiting for imports.

    ``expected`` is how many tabs the meeting will have (the raters and the facilitator);
    spares are kept for those who have not opened theirs yet, and at least ``MIN_SPARES`` (a
    reconnecting rater, a late comer). So a room of 40 starts about 42 processes in all, not a
    fresh 40 whenever the room's tabs close.
    """

    def __init__(
        self, command: str, *, expected: int, environment: Mapping[str, str], parallel: int = 2
    ) -> None:
        self.command = command
        self.expected = expected
        self.environment = dict(environment)
        self.parallel = parallel
        self.ready: deque[Process] = deque()
        self.starting = 0
        self.taken = 0  # tabs opened so far
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def wanted(self) -> int:
        return max(MIN_SPARES, self.expected - self.taken)

    def fill(self) -> None:
        """Start spares (a few at a time) until there are as many as wanted."""
        while (
            not self._closed
            and self.starting < self.parallel
            and len(self.ready) + self.starting < self.wanted
        ):
            self.starting += 1
            task = asyncio.create_task(self._start_one())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        process: Process | None = None
        try:
            process = await asyncio.create_subprocess_shell(
                self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self.environment,
            )
            assert process.stderr is not None
            signal = await asyncio.wait_for(process.stderr.readexactly(1), timeout=60)
            if signal != READY or self._closed:
                raise ConnectionError("the spare did not start")
            self.ready.append(process)
            process = None
        except (OSError, ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            self.starting -= 1
            if process is not None:
                await _kill(process)
        self.fill()

    def take(self) -> Process | None:
        """A ready spare for a new tab (None if there is none: the caller starts one cold)."""
        self.taken += 1
        process = None
        while self.ready and process is None:
            candidate = self.ready.popleft()
            if candidate.returncode is None:
                process = candidate
        self.fill()
        return process

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        while self.ready:
            await _kill(self.ready.popleft())


async def _kill(process: Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(process.wait(), timeout=5)
