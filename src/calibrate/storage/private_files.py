"""Files that hold student work or a rater's results, written readable by their owner only.

Exports, reports, private rater pages and contract documents carry scores, notes and student
codes: each is written 0600 (an existing file is tightened too), like the database itself.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600


def write_private_text(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path``, replacing it, readable and writable by its owner only.

    ``newline`` is as for :func:`open` (``""`` keeps the text's own line ends, e.g. CSV's CRLF).
    Raises OSError as :func:`open` does."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as out:
        out.write(text)
