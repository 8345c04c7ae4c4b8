"""Find the line of a TOML path in a file's text (``tomllib`` reports no positions).

A path is a tuple of keys and array indexes, e.g. ``("samples", 3, "kind")`` for ``kind`` in the
fourth ``[[samples]]`` table, or ``("session", "scores", 7, "levels", "claim")``, which lands on
the line of ``levels = { claim = … }``. A path that is not written in the file (a missing key)
falls back to its nearest written ancestor, usually the header of its table.
"""

from __future__ import annotations

import re
import tomllib

TomlPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\]|\\.)*"')
_LITERAL = re.compile(r"'[^']*'")


def _read_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """Read a (dotted) key starting at ``pos``; returns its parts and the position after it."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        match = _BARE.match(text, pos) or _BASIC.match(text, pos) or _LITERAL.match(text, pos)
        if match is None:
            return None
        token = match.group(0)
        if token[0] == '"':
            try:
                parts.append(str(tomllib.loads(f"k = {token}")["k"]))
            except tomllib.TOMLDecodeError:
                return None
        elif token[0] == "'":
            parts.append(token[1:-1])
        else:
            parts.append(token)
        pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _value_end(lines: list[str], start: int, value: str) -> int:
    """The index of the last line of a value that begins on line ``start`` (multi-line strings
    and arrays span several lines; their inner lines must not be read as keys or headers)."""
    chunk = "k = " + value
    for end in range(start, len(lines)):
        if end > start:
            chunk += "\n" + lines[end]
        try:
            tomllib.loads(chunk)
        except tomllib.TOMLDecodeError:
            continue
        return end
    return start


class TomlLocator:
    """Maps TOML paths to 1-based line numbers in one document."""

    def __init__(self, text: str) -> None:
        self._lines: dict[TomlPath, int] = {}
        self._arrays: dict[TomlPath, int] = {}  # array-of-tables path -> number of elements
        lines = text.splitlines()
        table: TomlPath = ()
        index = 0
        while index < len(lines):
            stripped = lines[index].lstrip()
            if stripped.startswith("["):
                table = self._header(stripped, index + 1) or table
            elif stripped and not stripped.startswith("#"):
                found = _read_key(stripped, 0)
                if found is not None and found[1] < len(stripped) and stripped[found[1]] == "=":
                    keys, pos = found
                    self._note((*table, *keys), index + 1)
                    index = _value_end(lines, index, stripped[pos + 1 :])
            index += 1

    def _note(self, path: TomlPath, line: int) -> None:
        self._lines.setdefault(path, line)

    def _resolve(self, keys: list[str]) -> TomlPath:
        """A header's keys as an indexed path: array-of-tables parts point at their last element."""
        path: TomlPath = ()
        for key in keys:
            path = (*path, key)
            if path in self._arrays:
                path = (*path, self._arrays[path] - 1)
        return path

    def _header(self, stripped: str, line: int) -> TomlPath | None:
        double = stripped.startswith("[[")
        found = _read_key(stripped, 2 if double else 1)
        if found is None:
            return None
        keys, _ = found
        if not double:
            path = self._resolve(keys)
            self._note(path, line)
            return path
        parent = self._resolve(keys[:-1])
        array = (*parent, keys[-1])
        self._note(array, line)
        count = self._arrays.get(array, 0)
        self._arrays[array] = count + 1
        path = (*array, count)
        self._note(path, line)
        return path

    def line_of(self, path: TomlPath) -> int:
        """The line of ``path``, or of its nearest ancestor written in the file (else 1)."""
        for cut in range(len(path), 0, -1):
            line = self._lines.get(path[:cut])
            if line is not None:
                return line
        return 1


_SHOWN_KEY = 40


def show_path(path: TomlPath) -> str:
    """``("samples", 2, "kind")`` -> ``samples[3].kind``: array positions counted from 1."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            if len(part) > _SHOWN_KEY:  # a 100,000-character key would flood the message
                part = part[: _SHOWN_KEY - 3] + "..."
            key = part if _BARE.fullmatch(part) else _quote(part)
            text += f".{key}" if text else key
    return text or "(the whole file)"


def _quote(key: str) -> str:
    """A key in double quotes, with quotes, backslashes and invisible characters escaped."""
    return '"' + "".join(_escape(c) for c in key) + '"'


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    return char if char.isprintable() else char.encode("unicode_escape").decode()
