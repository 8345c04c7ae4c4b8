"""Test blueprints (TOML) read into domain objects, all or nothing, and written back.

A blueprint file has an ``[assessment]`` table (``key``, ``title``, optional ``subject``,
``grade``, ``description``, ``format = 1``), then ``[[targets]]`` (``key``, ``statement``
starting "I can", optional ``criterion = { rubric = "…", key = "…", level = 3 }``) and
``[[items]]`` (``key``, ``target``, optional ``points`` (1) and ``prompt``). Every problem found
is reported at once in one :class:`AssessmentFileError`, each line naming the file, the line and
the field (``targets[2].statement``).

:func:`dump_blueprint` writes the same format back (``parse_blueprint(dump_blueprint(b))``
gives ``b`` again, without its ids). Results files are read by :mod:`calibrate.storage.results_csv`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from calibrate.domain.assessment import (
    STATEMENT_START,
    Blueprint,
    CriterionLink,
    Item,
    LearningTarget,
)
from calibrate.domain.errors import AssessmentFileError
from calibrate.storage.csv_bytes import mac_csv_text
from calibrate.storage.toml_locator import TomlLocator, TomlPath, show_path

FORMAT_VERSION = 1
MAX_PROBLEMS_SHOWN = 10
MAX_TEXT = 2000
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class BlueprintFile:
    """A blueprint as read from a file, with where each learning target's criterion link is
    written (``"file, line 12, targets[2].criterion"``)."""

    blueprint: Blueprint
    source: str
    link_places: dict[str, str]

    def where(self, target_key: str) -> str:
        return self.link_places.get(target_key, self.source)


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise AssessmentFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _text(raw: bytes, source: str) -> str:
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise AssessmentFileError(f"{source}, line {line}: this is a binary file, not text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        mac = mac_csv_text(raw) if source.casefold().endswith(".csv") else None
        if mac is not None:  # Excel for Mac's "CSV (Macintosh)": a gradebook export
            return mac
        line = raw[: exc.start].count(b"\n") + 1
        raise AssessmentFileError(
            f"{source}, line {line}: this is not UTF-8 text (save the file as UTF-8)."
        ) from None


# --- blueprints --------------------------------------------------------------------------------


def read_text(path: str | os.PathLike[str]) -> str:
    """A text file's text (UTF-8, with or without a byte-order mark); AssessmentFileError
    naming the file (and the line) if it cannot be read, is binary or is not UTF-8."""
    return _text(_read(path), str(path))


def read_blueprint(path: str | os.PathLike[str]) -> BlueprintFile:
    """Read and check the blueprint TOML file at ``path``."""
    return parse_blueprint(read_text(path), source=str(path))


def parse_blueprint(text: str, *, source: str = "<blueprint>") -> BlueprintFile:
    """Check blueprint TOML text; raises AssessmentFileError naming every problem's line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        where = f"line {found.group(1)}, column {found.group(2)}" if found else "line 1"
        message = message[: found.start()] if found else message
        raise AssessmentFileError(
            f"{source}, {where}: this is not valid TOML ({message})"
        ) from None
    reader = _Reader(data)
    blueprint = reader.blueprint()
    locator = TomlLocator(text)
    if reader.problems:
        placed = sorted((locator.line_of(p), show_path(p), m) for p, m in reader.problems)
        lines = [f"{source}, line {line}, {path}: {message}" for line, path, message in placed]
        if len(lines) > MAX_PROBLEMS_SHOWN:
            more = len(lines) - MAX_PROBLEMS_SHOWN
            lines = [*lines[:MAX_PROBLEMS_SHOWN], f"{source}: … and {more} more problems"]
        raise AssessmentFileError("\n".join(lines))
    assert blueprint is not None
    places = {}
    for n, target in enumerate(blueprint.targets):
        path = ("targets", n, "criterion")
        places[target.key] = f"{source}, line {locator.line_of(path)}, {show_path(path)}"
    return BlueprintFile(blueprint, source, places)


class _Reader:
    """Turns parsed TOML into a Blueprint, noting each problem with its path."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[TomlPath, str]] = []

    def fail(self, path: TomlPath, message: str) -> None:
        self.problems.append((path, message))

    def text(self, table: dict[str, Any], path: TomlPath, key: str, *, required: bool) -> str:
        value = table.get(key)
        where = (*path, key)
        if value is None:
            if required:
                self.fail(where, "is missing")
            return ""
        if not isinstance(value, str):
            self.fail(where, f"must be text (got {type(value).__name__})")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, "is empty")
        elif len(value) > MAX_TEXT:
            self.fail(where, f"is too long ({len(value)} characters; at most {MAX_TEXT})")
        elif any(not c.isprintable() and c not in "\n\t" for c in value):
            self.fail(where, "contains a control character")
        return value

    def key(self, table: dict[str, Any], path: TomlPath, name: str = "key") -> str:
        value = table.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # items = 7 is as good as "7"
            table = {**table, name: value}
        key = self.text(table, path, name, required=True)
        if key and not KEY_PATTERN.fullmatch(key):
            self.fail((*path, name), f"“{key}” must be letters, digits, “-”, “_” or “.”")
        return key

    def tables(self, name: str) -> list[tuple[TomlPath, dict[str, Any]]]:
        value = self.data.get(name)
        if value is None:
            self.fail((name,), f"is missing: add at least one [[{name}]] table")
            return []
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.fail((name,), f"must be [[{name}]] tables")
            return []
        return [((name, n), t) for n, t in enumerate(value)]

    def blueprint(self) -> Blueprint | None:
        head = self.data.get("assessment")
        if not isinstance(head, dict):
            self.fail(("assessment",), "is missing: start the file with an [assessment] table")
            head = {}
        fmt = head.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.fail(("assessment", "format"), f"must be {FORMAT_VERSION} (got {fmt!r})")
        at: TomlPath = ("assessment",)
        key = self.key(head, at) if head else ""
        title = self.text(head, at, "title", required=True) if head else ""
        subject = self.text(head, at, "subject", required=False)
        grade = self.text(head, at, "grade", required=False)
        description = self.text(head, at, "description", required=False)
        for unknown in sorted(set(head) - {"key", "title", "subject", "grade", "description"}):
            if unknown != "format":
                self.fail((*at, unknown), "is not a field of [assessment]")
        targets = [self.target(p, t) for p, t in self.tables("targets")]
        keys = [t.key for t in targets]
        self.twice("targets", keys)
        items = [self.item(p, t, set(keys)) for p, t in self.tables("items")]
        self.twice("items", [i.key for i in items])
        used = {i.target_key for i in items}
        for n, target in enumerate(targets):
            if target.key and target.key not in used and items:
                self.fail(("targets", n, "key"), f"no item tests “{target.key}”")
        if self.problems:
            return None
        return Blueprint(
            key,
            title,
            tuple(targets),
            tuple(items),
            subject=subject,
            grade=grade,
            description=description,
        )

    def twice(self, name: str, keys: list[str]) -> None:
        seen: set[str] = set()
        for n, key in enumerate(keys):
            if key and key in seen:
                self.fail((name, n, "key"), f"“{key}” is used twice")
            seen.add(key)

    def target(self, path: TomlPath, table: dict[str, Any]) -> LearningTarget:
        key = self.key(table, path)
        statement = self.text(table, path, "statement", required=True)
        if statement and not statement.startswith(STATEMENT_START):
            self.fail(
                (*path, "statement"),
                f"write it as the student would say it, starting “{STATEMENT_START}”, "
                "e.g. “I can subtract 3-digit numbers with regrouping.”",
            )
        for unknown in sorted(set(table) - {"key", "statement", "criterion"}):
            self.fail((*path, unknown), "is not a field of a learning target")
        return LearningTarget(key, statement, self.link((*path, "criterion"), table))

    def link(self, path: TomlPath, table: dict[str, Any]) -> CriterionLink | None:
        value = table.get("criterion")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(path, 'must be a table: { rubric = "…", key = "…", level = 3 }')
            return None
        rubric = self.text(value, path, "rubric", required=True)
        key = self.text(value, path, "key", required=True)
        level = value.get("level")
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
            self.fail((*path, "level"), f"must be a whole number (got {level!r})")
            level = None
        for unknown in sorted(set(value) - {"rubric", "key", "level"}):
            self.fail((*path, unknown), "is not a field of a criterion link")
        return CriterionLink(rubric, key, level)

    def item(self, path: TomlPath, table: dict[str, Any], targets: set[str]) -> Item:
        key = self.key(table, path)
        target = self.key(table, path, "target")
        if target and targets and target not in targets:
            self.fail((*path, "target"), f"“{target}” is not one of the [[targets]] keys")
        points = table.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= 1000:
            self.fail((*path, "points"), f"must be a whole number from 1 to 1000 (got {points!r})")
            points = 1
        prompt = self.text(table, path, "prompt", required=False)
        for unknown in sorted(set(table) - {"key", "target", "points", "prompt"}):
            self.fail((*path, unknown), "is not a field of an item")
        return Item(key, target, points, prompt)


def dump_blueprint(blueprint: Blueprint) -> str:
    """The blueprint as TOML in the format :func:`parse_blueprint` reads (ids left out)."""
    head: dict[str, Any] = {"key": blueprint.key, "title": blueprint.title}
    for name in ("subject", "grade", "description"):
        if value := getattr(blueprint, name):
            head[name] = value
    head["format"] = FORMAT_VERSION
    targets = []
    for t in blueprint.targets:
        target: dict[str, Any] = {"key": t.key, "statement": t.statement}
        if t.criterion is not None:
            link: dict[str, Any] = {
                "rubric": t.criterion.rubric_name,
                "key": t.criterion.criterion_key,
            }
            if t.criterion.level is not None:
                link["level"] = t.criterion.level
            target["criterion"] = link
        targets.append(target)
    items = []
    for i in blueprint.items:
        item: dict[str, Any] = {"key": i.key, "target": i.target_key, "points": i.points}
        if i.prompt:
            item["prompt"] = i.prompt
        items.append(item)
    return tomli_w.dumps({"assessment": head, "targets": targets, "items": items})
