"""Use cases on the records: load a workshop kit, set up the demo, back up the database."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.domain.errors import (
    CalibrateError,
    InvalidOperationError,
    NotFoundError,
    ScenarioError,
)
from calibrate.domain.model import Phase, Rubric, Scenario
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.catalog import bundled_scenario_dir
from calibrate.storage.store import Store

if TYPE_CHECKING:
    from calibrate.storage.scenario_store import LoadReport

# The kit reader (pydantic) and loader are imported where a kit is read: reopening the demo
# needs neither, so its start stays light.

DEMO_KIT = "grade8-argument.toml"


@dataclass(frozen=True)
class LoadedKit:
    name: str
    report: LoadReport


def load_scenario_file(store: Store, path: Path) -> LoadedKit:
    """Validate a scenario file and store it, all or nothing (loading twice adds nothing)."""
    return load_checked_kit(store, check_scenario_file(path), source=path)


def check_scenario_file(path: Path) -> Scenario:
    """The kit at ``path``, read and checked without a database (so a bad file creates none).
    Raises ScenarioError naming the file, line and field of each problem."""
    from calibrate.storage.scenario_files import read_scenario

    return read_scenario(path)


def load_checked_kit(store: Store, scenario: Scenario, *, source: Path | None = None) -> LoadedKit:
    """Store a kit read by :func:`check_scenario_file`, all or nothing. Raises ScenarioError
    (naming ``source``, the kit's file, if given) when it conflicts with what is stored."""
    from calibrate.storage.scenario_store import load_scenario

    try:
        return LoadedKit(scenario.name, load_scenario(store, scenario))
    except ScenarioError as exc:
        if source is None:
            raise
        raise ScenarioError(f"{source}: {exc.message}") from exc


DEMO_TITLE = "Demo meeting: {name}"


def prepare_demo(store: Store, *, today: date | None = None, fresh: bool = False) -> int:
    """Load the grade-8 kit into ``store`` and return the demo session's id, ready to score.

    The demo lives in the database it was given (the teacher's own, for ``calibrate demo``), so
    plain ``calibrate`` finds it again. A second run reopens the newest demo session that is not
    closed, with every score kept; ``fresh`` (or a closed one) starts a new demo session.
    """
    path = bundled_scenario_dir() / DEMO_KIT
    if not path.exists():
        raise NotFoundError(f"The demo kit {path} is missing from this installation.")
    if not fresh and (name := _kit_name(path)) is not None:
        earlier = _open_demo(store, DEMO_TITLE.format(name=name))
        if earlier is not None:  # reopened as it is: the kit was loaded when it was made
            return earlier
    from calibrate.storage.scenario_files import read_scenario
    from calibrate.storage.scenario_store import load_scenario

    scenario = read_scenario(path)
    report = load_scenario(store, scenario)
    title = DEMO_TITLE.format(name=scenario.name)
    if not fresh and (earlier := _open_demo(store, title)) is not None:
        return earlier
    sample_ids = [report.sample_ids[sample.key] for sample in scenario.samples]
    rater_ids = []
    for rater in scenario.raters:
        stored_rater = store.rater_by_name(rater.name)
        assert stored_rater is not None and stored_rater.id is not None
        rater_ids.append(stored_rater.id)
    cut = scenario.session.cut_score if scenario.session else None
    session = meeting.create_session(
        store,
        title=title,
        date=(today or date.today()).isoformat(),
        rubric_id=report.rubric_id,
        sample_ids=sample_ids,
        rater_ids=rater_ids,
        facilitator=scenario.session.facilitator if scenario.session else "",
        cut_score=cut,
    )
    assert session.id is not None
    return session.id


def _kit_name(path: Path) -> str | None:
    """A kit's ``[scenario] name``, read without checking the kit (None if it cannot be)."""
    try:
        with path.open("rb") as file:
            name = tomllib.load(file).get("scenario", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def _open_demo(store: Store, title: str) -> int | None:
    """The newest demo session called ``title`` that is not closed, if there is one."""
    for earlier in store.list_sessions():
        if earlier.title == title and earlier.phase is not Phase.CLOSED:
            assert earlier.id is not None
            return earlier.id
    return None


def load_summary(kit: LoadedKit) -> str:
    """One line saying what loading ``kit`` created and what was already stored."""
    r = kit.report
    where = f" (session id {r.session_id})" if r.session_id is not None else ""
    if r.created == 0 and not r.samples_matched:
        return f'"{kit.name}"{where}: already loaded, nothing changed.'
    created = _counted(
        [
            (r.rubrics_created, "rubric"),
            (r.samples_created, "sample"),
            (r.raters_created, "rater"),
            (r.sessions_created, "session"),
            (r.scores_recorded, "score"),
            (r.consensus_set, "consensus decision"),
            (r.reference_scores_set, "master-key score"),
            (r.anchors_created, "anchor"),
        ]
    )
    there = _counted(
        [
            (r.rubrics_reused, "rubric"),
            (r.samples_reused, "sample"),
            (r.raters_reused, "rater"),
            (r.sessions_reused, "session"),
            (r.scores_unchanged, "score"),
            (r.consensus_unchanged, "consensus decision"),
            (r.reference_scores_unchanged, "master-key score"),
            (r.anchors_reused, "anchor"),
        ]
    )
    matched = ""
    if r.samples_matched:
        n = r.samples_matched
        matched = (
            f" {n} of the kit's samples {'was' if n == 1 else 'were'} already stored with the "
            f"same text (from another kit or made here) and {'is' if n == 1 else 'are'} used "
            "as they are, not stored twice."
        )
    return f'Loaded "{kit.name}"{where}: created {created}; already there: {there}.{matched}'


def _counted(counts: list[tuple[int, str]]) -> str:
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts if n]
    return ", ".join(parts) if parts else "nothing"


def import_scores_file(store: Store, path: Path, session_id: int) -> int:
    """Record the scores in the CSV file ``path`` in session ``session_id``, all or nothing;
    returns how many. Raises ScoreImportError naming the line and column of the first problem."""
    from calibrate.storage.score_import import import_scores_csv

    return import_scores_csv(store, path, session_id)


def backup_database(store: Store, dest: Path, *, force: bool = False) -> Path:
    """Copy the whole database to ``dest`` (SQLite's online backup: safe while the app or
    other processes use it); returns ``dest``.

    The copy is written beside ``dest`` and moved into place only once complete, so a failed
    backup never damages an earlier one. Raises CalibrateError if ``dest`` exists (unless
    ``force``), is the database itself or a folder, or its folder does not exist, or the copy
    cannot be written.
    """
    if dest.is_dir():
        raise InvalidOperationError(f"{dest} is a folder; give the name of the backup file.")
    if dest.exists() and dest.resolve() == store.path.resolve():
        raise InvalidOperationError("A backup cannot overwrite the database it copies.")
    if dest.exists() and not force:
        raise InvalidOperationError(
            f"{dest} already exists; choose another name, or add --force to replace it."
        )
    if not dest.parent.is_dir():
        raise NotFoundError(f"The folder {dest.parent} does not exist.")
    try:
        fd, partial = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise CalibrateError(f"{dest}: cannot be written ({exc.strerror or exc}).") from None
    try:
        store.backup(partial)
        os.replace(partial, dest)
    except (OSError, sqlite3.Error) as exc:
        raise CalibrateError(f"{dest}: the backup could not be written ({exc}).") from None
    finally:
        Path(partial).unlink(missing_ok=True)
    return dest


@dataclass(frozen=True)
class VersionUse:
    """How much one version of a rubric is used."""

    rubric_id: int
    version: int
    n_sessions: int  # sessions scored with this version
    n_anchors: int  # anchors of this version, every status


@dataclass(frozen=True)
class RubricSummary:
    rubric: Rubric
    n_sessions: int  # sessions scored with this version
    n_anchors: int  # anchors of this version, every status
    versions: tuple[VersionUse, ...] = ()  # every version of the rubric, oldest first

    @property
    def n_levels(self) -> int:
        """The most levels any criterion has."""
        return max((len(c.levels) for c in self.rubric.criteria), default=0)

    @property
    def other_versions(self) -> tuple[VersionUse, ...]:
        return tuple(v for v in self.versions if v.rubric_id != self.rubric.id)

    @property
    def other_use_text(self) -> str:
        """The use of the other versions, e.g. "v1: 3 sessions, 1 anchor" ("" if unused)."""
        parts = []
        for v in self.other_versions:
            if v.n_sessions or v.n_anchors:
                used = _counted([(v.n_sessions, "session"), (v.n_anchors, "anchor")])
                parts.append(f"v{v.version}: {used}")
        return "; ".join(parts)


def list_rubrics(store: Store, *, all_versions: bool = False) -> list[RubricSummary]:
    """The newest version of each rubric (every version with ``all_versions``), by name, with
    how many sessions and anchors use that version, and how many use each of its versions (so
    a new version with no session yet does not hide the sessions of the older ones)."""
    sessions = Counter(s.rubric_id for s in store.list_sessions())
    anchors = Counter(a.rubric_id for a in store.anchors())
    out = []
    for rubric in store.list_rubrics(all_versions=all_versions):
        assert rubric.id is not None
        versions = tuple(
            VersionUse(v.id, v.version, sessions[v.id], anchors[v.id])
            for v in store.rubric_versions(rubric.family_id or rubric.id)
            if v.id is not None
        )
        out.append(RubricSummary(rubric, sessions[rubric.id], anchors[rubric.id], versions))
    return out
