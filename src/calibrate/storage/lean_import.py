"""Loading sqlite-utils without its optional pandas and numpy support, for processes that must
stay small and start fast (the app, each served tab, `calibrate agree`).

The storage modules take ``sqlite_utils`` and ``Migrations`` from here, so sqlite-utils is
loaded lean the first time a module that needs it is imported, and not at all by those that
don't (the ratings-file reader behind `calibrate agree`).

sqlite-utils imports pandas and numpy whenever they are installed, to map their value types.
The store never hands it such values, and the two would cost every tab ~45 MB and 0.2 s. They
are hidden only while sqlite-utils loads: numpy stays importable for whoever needs it later
(the reveal's statistics).
"""

from __future__ import annotations

import sys

OPTIONAL = ("pandas", "numpy")


def load_storage_lean() -> None:
    """Import sqlite-utils now, without pandas and numpy (no effect if already imported)."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


load_storage_lean()

import sqlite_utils  # noqa: E402  (bound only after the lean load above, on purpose)
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Migrations", "load_storage_lean", "sqlite_utils"]
