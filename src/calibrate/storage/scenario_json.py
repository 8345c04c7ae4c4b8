"""Scenario files written as JSON (what ``calibrate export session --format json`` writes): the
same structure and checks as the TOML format, with every problem named by file, line and field.

``json`` reports no positions for values, so :class:`JsonLocator` walks the (already valid)
text once and notes the line on which each value starts; a path missing from the file falls back
to its nearest written ancestor, as for TOML.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from calibrate.domain.errors import ScenarioError
from calibrate.storage.scenario_schema import Problem, TomlPath
from calibrate.storage.toml_locator import show_path

_WHITESPACE = " \t\r\n"


def load_json(text: str, source: str) -> dict[str, Any]:
    """The file's top-level object. Raises ScenarioError naming the line and column of a
    syntax error, or saying the file is not one object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"{source}, line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg})"
        ) from None
    except RecursionError:
        raise ScenarioError(
            f"{source}, line 1: this is not valid JSON (nested too deeply)"
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}, line 1: a kit in JSON is one object {{ … }}")
    return data


def located(problems: list[Problem], text: str, source: str, limit: int) -> ScenarioError:
    locator = JsonLocator(text)
    placed = sorted(
        ((locator.line_of(p.path), show_path(p.path), p.message) for p in problems),
        key=lambda item: item[0],
    )
    lines = [f"{source}, line {line}, {path}: {message}" for line, path, message in placed]
    if len(lines) > limit:
        lines = [*lines[:limit], f"{source}: … and {len(lines) - limit} more problems"]
    return ScenarioError("\n".join(lines))


class JsonLocator:
    """The line (from 1) on which the value at each path of a valid JSON text starts."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[TomlPath, int] = {}
        with contextlib.suppress(IndexError, ValueError, RecursionError):  # the text is valid
            self._value(self._skip(0), ())

    def line_of(self, path: TomlPath) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return 1

    def _line(self, pos: int) -> int:
        return self._text.count("\n", 0, pos) + 1

    def _skip(self, pos: int) -> int:
        while pos < len(self._text) and self._text[pos] in _WHITESPACE:
            pos += 1
        return pos

    def _value(self, pos: int, path: TomlPath) -> int:
        self._lines[path] = self._line(pos)
        char = self._text[pos]
        if char == "{":
            return self._object(pos + 1, path)
        if char == "[":
            return self._array(pos + 1, path)
        if char == '"':
            return self._string(pos)[1]
        end = pos
        while end < len(self._text) and self._text[end] not in ",]}" + _WHITESPACE:
            end += 1
        return end

    def _string(self, pos: int) -> tuple[str, int]:
        end = pos + 1
        while self._text[end] != '"':
            end += 2 if self._text[end] == "\\" else 1
        return json.loads(self._text[pos : end + 1]), end + 1

    def _object(self, pos: int, path: TomlPath) -> int:
        pos = self._skip(pos)
        while self._text[pos] != "}":
            key, pos = self._string(pos)
            pos = self._skip(self._skip(pos) + 1)  # past the colon
            pos = self._skip(self._value(pos, (*path, key)))
            if self._text[pos] == ",":
                pos = self._skip(pos + 1)
        return pos + 1

    def _array(self, pos: int, path: TomlPath) -> int:
        pos = self._skip(pos)
        index = 0
        while self._text[pos] != "]":
            pos = self._skip(self._value(pos, (*path, index)))
            index += 1
            if self._text[pos] == ",":
                pos = self._skip(pos + 1)
        return pos + 1
