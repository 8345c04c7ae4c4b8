"""Reading a CSV file's bytes as text, and where one stops being text, for a message that names
the line, column and field.

Excel for Mac's "CSV (Macintosh)" is MacRoman with CR line ends and no LF at all: such a file
is read as MacRoman (:func:`mac_csv_text`), since that shape names its encoding. Any other file
that is not UTF-8 (Windows-1252 with CRLF, say) is refused at its first bad byte, and a
spreadsheet or another kind of file given by mistake at its first NUL byte, counting CR, LF
and CRLF as line ends, so the teacher can find the cell.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class BadBytes:
    line: int
    column: int
    field: str  # the column's name in the header row ("" on the header itself or past it)
    binary: bool  # NUL bytes: not a text file at all
    byte: int  # the first byte that cannot be read

    @property
    def place(self) -> str:
        """``line 2, column 5 (note)``."""
        named = f" ({self.field})" if self.field else ""
        return f"line {self.line}, column {self.column}{named}"


def find_bad_bytes(raw: bytes, error: UnicodeDecodeError) -> BadBytes:
    """Where ``raw`` (which failed to decode with ``error``) goes wrong: its first NUL byte if
    it has one (binary data), else the first byte that is not UTF-8."""
    binary = b"\x00" in raw
    where = raw.index(b"\x00") if binary else error.start
    lines = _LINE_END.split(raw[:where])
    before = lines[-1].decode("utf-8", errors="replace")
    column = _cells(before) if before else 1
    field = ""
    if len(lines) > 1:
        header = _LINE_END.split(raw, maxsplit=1)[0].decode("utf-8-sig", errors="replace")
        names = _row(header)
        if column <= len(names):
            field = names[column - 1].strip()
    return BadBytes(len(lines), column, field, binary, raw[where])


def mac_csv_text(raw: bytes) -> str | None:
    """``raw`` as MacRoman text when it is shaped like Excel for Mac's "CSV (Macintosh)": CR
    line ends and no LF, no NUL byte, and not UTF-8. None for anything else (the caller says
    where it stops being text)."""
    if b"\n" in raw or b"\r" not in raw or b"\x00" in raw:
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("mac_roman")
    return None  # UTF-8 after all: the caller reads it as such


def _row(text: str) -> list[str]:
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        return text.split(",")


def _cells(text: str) -> int:
    return max(1, len(_row(text)))
