"""``calibrate sync``: a school's records as one file in a folder a coach collects from (a shared
drive, a USB stick), to be merged with ``calibrate merge``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.database import DB_FILENAME
from calibrate.storage.merge_sources import record_uuids
from calibrate.storage.store import Store

#: The default database file's name without ".db": it names no school.
DEFAULT_STEM = Path(DB_FILENAME).stem


@dataclass(frozen=True)
class SyncWritten:
    """Where the file went, how many records it holds, and how many of those the previous file
    in that folder did not have."""

    path: Path
    records: int
    new: int


def school_file_name(school: str) -> str:
    """The file name for a school: its name with anything but letters, digits, ``.``, ``_``
    and ``-`` turned into ``-``. Raises InvalidOperationError if nothing is left."""
    slug = re.sub(r"[^\w.-]+", "-", school.strip()).strip("-.")
    if not slug:
        raise InvalidOperationError(f"“{school}” cannot name a file; give the school a name.")
    return f"{slug}.db"


def sync_to_folder(store: Store, folder: Path, *, school: str | None = None) -> SyncWritten:
    """Write the whole database (less the room's codes, seats and key) to ``folder/SCHOOL.db``,
    its own sessions marked as held at ``school`` (default: the database file's name),
    replacing the file there only once the new one is complete. Raises OSError if the folder
    cannot be written, InvalidOperationError for a school name that cannot name a file, or
    when no name is given and the database file has the default name."""
    name = (school or "").strip()
    if not name:
        if store.path.stem == DEFAULT_STEM:
            raise InvalidOperationError(
                "Say which school this is with --school NAME (the database file's name, "
                f"“{store.path.name}”, names no school)."
            )
        name = store.path.stem
    dest = folder / school_file_name(name)
    folder.mkdir(parents=True, exist_ok=True)
    before = record_uuids(dest)
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        store.write_sync_copy(partial, school=name)
        now = record_uuids(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return SyncWritten(dest, len(now), len(now - before))
