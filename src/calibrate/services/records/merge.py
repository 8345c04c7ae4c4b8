"""Bringing other schools' records into a coach's database: ``calibrate merge``.

A source is another calibrate database (a school's file, or one written by ``calibrate sync``)
or a workshop kit (a scenario TOML file, loaded with the kit loader). Each source is merged all
or nothing; merging one twice changes nothing. What cannot be decided safely is reported, never
overwritten: see :mod:`calibrate.storage.merge_tables` for the rules.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from calibrate.domain.errors import CalibrateError
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.merge_tables import MergeError, MergeOutcome, MergePolicy
from calibrate.storage.store import Store

__all__ = [
    "MergeError",
    "MergeOutcome",
    "RaterMapError",
    "counted",
    "merge_source",
    "merge_summary",
    "read_rater_map",
    "report_json",
]

_KIT_KINDS = {
    "rubrics": "rubric versions",
    "samples": "samples",
    "raters": "raters",
    "sessions": "sessions",
    "scores": "scores",
    "reference_scores": "master-key levels",
    "anchors": "anchors",
}


class RaterMapError(CalibrateError):
    """A rater map file that cannot be read."""


def read_rater_map(path: Path) -> dict[str, str]:
    """Read a rater map: CSV lines ``their_name,our_name`` (a first line
    ``other_name,our_name`` is a header). Raises RaterMapError naming the line of a mistake."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RaterMapError(f"{path}: the rater map cannot be read ({exc}).") from exc
    mapping: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and [c.lower() for c in cells] in (
            ["other_name", "our_name"],
            ["their_name", "our_name"],
        ):
            continue
        if len(cells) != 2 or not all(cells):
            raise RaterMapError(
                f"{path}, line {number}: expected two names, their_name,our_name; "
                f"got {len(cells)} cell{'' if len(cells) == 1 else 's'}."
            )
        if cells[0] in mapping and mapping[cells[0]] != cells[1]:
            raise RaterMapError(
                f"{path}, line {number}: “{cells[0]}” is already mapped to “{mapping[cells[0]]}”."
            )
        mapping[cells[0]] = cells[1]
    return mapping


def merge_source(
    store: Store,
    path: Path,
    *,
    rater_names: Mapping[str, str] | None = None,
    as_separate: bool = False,
) -> MergeOutcome:
    """Merge one source into ``store`` (all or nothing) and say what came in.

    A path ending in ``.toml`` is a kit; anything else a calibrate database. Raises MergeError,
    ScenarioError or another CalibrateError naming the file if it cannot be merged; nothing was
    written then.
    """
    label = path.stem or path.name
    if path.suffix.lower() == ".toml":
        if not path.is_file():
            raise MergeError(f"{path} cannot be merged: there is no such file. Nothing was merged.")
        loaded = load_scenario_file(store, path)
        report = loaded.report
        added = {
            kind: getattr(report, f"{field}_created", 0)
            + getattr(report, f"{field}_recorded", 0)
            + getattr(report, f"{field}_set", 0)
            for field, kind in _KIT_KINDS.items()
        }
        skipped = {
            kind: getattr(report, f"{field}_reused", 0) + getattr(report, f"{field}_unchanged", 0)
            for field, kind in _KIT_KINDS.items()
        }
        return MergeOutcome(
            source=f"the kit “{loaded.name}”",
            added={k: v for k, v in added.items() if v},
            skipped={k: v for k, v in skipped.items() if v},
            conflicts=(),
        )
    policy = MergePolicy(label=label, rater_names=dict(rater_names or {}), as_separate=as_separate)
    return store.merge_from(path, policy)


def merge_summary(path: Path, report: MergeOutcome) -> str:
    """The summary a coach reads: what came in, what was already here, every conflict."""
    added = ", ".join(counted(n, kind) for kind, n in report.added.items() if n) or "nothing new"
    lines = [f"{path}: merged {added}."]
    if skipped := sum(report.skipped.values()):
        lines.append(f"  {skipped} record{'' if skipped == 1 else 's'} already here, skipped.")
    if report.conflicts:
        n = len(report.conflicts)
        lines.append(f"  {n} conflict{'' if n == 1 else 's'}:")
        lines.extend(f"  - {conflict}" for conflict in report.conflicts)
    return "\n".join(lines)


def counted(n: int, kind: str) -> str:
    """``counted(1, "criteria")`` -> ``"1 criterion"``; other counts keep the plural."""
    if n != 1:
        return f"{n} {kind}"
    if kind.endswith("criteria"):
        return f"1 {kind[: -len('criteria')]}criterion"
    if kind.endswith("ies"):
        return f"1 {kind[:-3]}y"
    return f"1 {kind.removesuffix('s')}"


def report_json(path: Path, report: MergeOutcome) -> dict[str, object]:
    """The same as :func:`merge_summary`, as data."""
    return {
        "source": str(path),
        "added": dict(report.added),
        "skipped": dict(report.skipped),
        "conflicts": list(report.conflicts),
    }
