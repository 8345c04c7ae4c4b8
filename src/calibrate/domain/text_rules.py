"""What text calibrate keeps: no control characters, names on one line and of a sensible
length, no text longer than a book chapter. Kits, the authoring forms and imports share these
rules so that what one front end refuses another does not accept."""

from __future__ import annotations

import re

NAME_LIMIT = 200  # characters in a name, title or key
TEXT_LIMIT = 1_000_000  # characters in any text (a long essay is ~20,000)
# Control characters have no place in a record (NUL bytes break exports and other programs);
# tabs and line breaks are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be kept as text (e.g. "must not contain control characters"), or
    None."""
    if _CONTROL.search(value):
        return "must not contain control characters (e.g. NUL)"
    if len(value) > TEXT_LIMIT:
        return f"is too long (at most {TEXT_LIMIT:,} characters)"
    return None


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be kept as a name, title or key, or None."""
    if (problem := text_problem(value)) is not None:
        return problem
    if not value.strip():
        return "must not be empty or only spaces"
    if "\n" in value or "\r" in value or "\t" in value:
        return "must be one line"
    if len(value) > NAME_LIMIT:
        return f"is too long (at most {NAME_LIMIT} characters)"
    return None
