"""How people's names are compared. Its own module, so a ratings file can be read (``calibrate
agree``) without building every dataclass of :mod:`calibrate.domain.model` (15 ms at import)."""

from __future__ import annotations


def name_key(name: str) -> str:
    """What two people's names are compared by: "Ann  Lee" and "ann lee" are one person (the
    served picker, the CLI and the store all match names this way)."""
    return " ".join(name.split()).casefold()
