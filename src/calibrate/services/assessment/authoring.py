"""Writing a test blueprint in the app: two short texts a teacher types quickly.

Learning targets, one per line, ``key: I can …``::

    subtract: I can subtract 3-digit numbers with regrouping.
    fractions: I can add fractions with unlike denominators.

Items, one per line, ``item target [points]``, where the item may be a range of numbers::

    1-4 subtract
    5 fractions 2

A problem is a :class:`BlueprintTextError` naming the box and the line; a rubric criterion
link is written in a blueprint file (TOML or CSV), not here.
"""

from __future__ import annotations

import dataclasses
import re

from calibrate.domain.assessment import STATEMENT_START, Blueprint, Item, LearningTarget
from calibrate.domain.errors import CalibrateError

MAX_RANGE = 200
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RANGE = re.compile(r"(\d+)-(\d+)")
_NOT_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


class BlueprintTextError(CalibrateError):
    """A line of the targets or items text that cannot be read; ``field`` is ``"title"``,
    ``"targets"`` or ``"items"`` so a form can point at the box."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def key_from_title(title: str) -> str:
    """``"Unit 3 quiz!"`` -> ``"unit-3-quiz"``."""
    return _NOT_KEY.sub("-", title.strip().casefold()).strip("-.") or "test"


def parse_targets(text: str) -> tuple[LearningTarget, ...]:
    targets: list[LearningTarget] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        key, colon, statement = line.partition(":")
        key, statement = key.strip(), statement.strip()
        where = f"Learning targets, line {n}"
        if not colon or not _KEY.fullmatch(key):
            raise BlueprintTextError(
                "targets", f"{where}: write “key: I can …”, e.g. “subtract: I can subtract …”."
            )
        if not statement.startswith(STATEMENT_START):
            raise BlueprintTextError(
                "targets", f"{where}: start the statement with “{STATEMENT_START}”."
            )
        if any(t.key == key for t in targets):
            raise BlueprintTextError("targets", f"{where}: “{key}” is already a target.")
        targets.append(LearningTarget(key, statement))
    if not targets:
        raise BlueprintTextError("targets", "Learning targets: write at least one.")
    return tuple(targets)


def parse_items(text: str, targets: tuple[LearningTarget, ...]) -> tuple[Item, ...]:
    keys = {t.key for t in targets}
    items: list[Item] = []
    for n, raw in enumerate(text.splitlines(), 1):
        words = raw.split()
        if not words:
            continue
        where = f"Items, line {n}"
        if len(words) not in (2, 3):
            raise BlueprintTextError(
                "items",
                f"{where}: write “item target [points]”, e.g. “1-4 subtract” or “5 fractions 2”.",
            )
        item, target = words[0], words[1]
        if target not in keys:
            raise BlueprintTextError(
                "items", f"{where}: “{target}” is not one of the learning targets above."
            )
        points = 1
        if len(words) == 3:
            if not words[2].isdigit() or not 1 <= int(words[2]) <= 1000:
                raise BlueprintTextError(
                    "items", f"{where}: points are a whole number from 1 to 1000."
                )
            points = int(words[2])
        if match := _RANGE.fullmatch(item):
            first, last = int(match.group(1)), int(match.group(2))
            if not first <= last or last - first >= MAX_RANGE:
                raise BlueprintTextError("items", f"{where}: “{item}” is not a range of items.")
            item_keys = [str(k) for k in range(first, last + 1)]
        elif _KEY.fullmatch(item):
            item_keys = [item]
        else:
            raise BlueprintTextError("items", f"{where}: “{item}” is not an item key.")
        for key in item_keys:
            if any(i.key == key for i in items):
                raise BlueprintTextError("items", f"{where}: item {key} is already listed.")
            items.append(Item(key, target, points))
    if not items:
        raise BlueprintTextError("items", "Items: write at least one.")
    unused = [t.key for t in targets if not any(i.target_key == t.key for i in items)]
    if unused:
        raise BlueprintTextError(
            "items", f"Items: no item tests “{unused[0]}”; give it one or take it out."
        )
    return tuple(items)


def blueprint_from_text(title: str, targets_text: str, items_text: str) -> Blueprint:
    """A new blueprint from the three things typed (nothing stored). Raises
    BlueprintTextError naming the box and line of the first problem."""
    title = " ".join(title.split())
    if not title:
        raise BlueprintTextError("title", "Title: give the test a title.")
    targets = parse_targets(targets_text)
    return Blueprint(key_from_title(title), title, targets, parse_items(items_text, targets))


def blueprint_texts(blueprint: Blueprint) -> tuple[str, str]:
    """A stored test as the two texts the editor shows: its targets, and its items with runs
    of numbered items on one target at the same points written as a range (``1-4 subtract``)."""
    targets = "\n".join(f"{t.key}: {t.statement}" for t in blueprint.targets)
    lines: list[str] = []
    run: list[Item] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        item = first.key if first is last else f"{first.key}-{last.key}"
        points = "" if first.points == 1 else f" {first.points}"
        lines.append(f"{item} {first.target_key}{points}")
        run.clear()

    for item in blueprint.items:
        previous = run[-1] if run else None
        follows = (
            previous is not None
            and item.key.isdigit()
            and previous.key.isdigit()
            and int(item.key) == int(previous.key) + 1
            and str(int(item.key)) == item.key
            and (previous.target_key, previous.points) == (item.target_key, item.points)
        )
        if not follows:
            flush()
        run.append(item)
    flush()
    return targets, "\n".join(lines)


def edited_blueprint(
    stored: Blueprint, title: str, targets_text: str, items_text: str
) -> Blueprint:
    """The stored test as edited in the three boxes (nothing stored): what the boxes do not
    show is kept, a target's rubric-criterion link by its key, an item's prompt by its key, and
    the subject, grade and description. Raises BlueprintTextError naming the box and line."""
    typed = blueprint_from_text(title, targets_text, items_text)
    links = {t.key: t.criterion for t in stored.targets}
    prompts = {i.key: i.prompt for i in stored.items}
    return dataclasses.replace(
        stored,
        title=typed.title,
        targets=tuple(dataclasses.replace(t, criterion=links.get(t.key)) for t in typed.targets),
        items=tuple(dataclasses.replace(i, prompt=prompts.get(i.key, "")) for i in typed.items),
    )
