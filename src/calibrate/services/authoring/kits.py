"""Workshop kits from inside the app: export a rubric (with its samples, raters, master key and
anchors) or a whole session as one scenario TOML file, the same format as ``scenarios/``, and load
such a file back (all or nothing; loading the same file twice adds nothing).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from calibrate.domain.errors import CalibrateError, InvalidOperationError
from calibrate.domain.model import AnchorStatus, Sample, Scenario, ScenarioAnchor, ScenarioScore
from calibrate.services.records.database import LoadedKit, load_scenario_file, load_summary
from calibrate.storage.scenario_export import export_session, rubric_content
from calibrate.storage.scenario_files import dump_scenario
from calibrate.storage.store import Store

__all__ = [
    "export_kit_file",
    "kit_from_rubric",
    "kit_from_session",
    "load_kit_file",
    "rubric_raters",
    "rubric_samples",
]


def kit_from_session(store: Store, session_id: int) -> Scenario:
    """The session as a kit: its rubric version, samples, raters, scores of every round, the
    master key of its samples and its anchors. Raises NotFoundError if there is no such session."""
    return export_session(store, session_id)


def rubric_samples(store: Store, rubric_id: int) -> list[int]:
    """The samples that belong with a rubric: scored in a session of any of its versions, given
    a master-key level on one of its criteria, or kept as an anchor of this version (in the
    order they were added)."""
    rubric = store.get_rubric(rubric_id)
    family = {v.id for v in store.rubric_versions(rubric.family_id or rubric_id)}
    wanted: set[int] = set()
    for session in store.list_sessions():
        if session.rubric_id in family:
            wanted.update(session.sample_ids)
    wanted.update(r.sample_id for r in store.reference_scores(rubric_id=rubric_id))
    wanted.update(a.sample_id for a in store.anchors(rubric_id=rubric_id))
    return [s.id for s in store.list_samples() if s.id in wanted]


def rubric_raters(store: Store, rubric_id: int) -> list[int]:
    """The raters who belong with a rubric: the active raters of the sessions of any of its
    versions, and active raters in no session yet (nobody else's either); by name. Raters who
    have only met over other rubrics are left out."""
    rubric = store.get_rubric(rubric_id)
    family = {v.id for v in store.rubric_versions(rubric.family_id or rubric_id)}
    own: set[int] = set()
    seated: set[int] = set()
    for session in store.list_sessions():
        seated.update(session.rater_ids)
        if session.rubric_id in family:
            own.update(session.rater_ids)
    return [
        r.id
        for r in store.list_raters(active_only=True)
        if r.id is not None and (r.id in own or r.id not in seated)
    ]


def kit_from_rubric(
    store: Store,
    rubric_id: int,
    *,
    name: str,
    description: str = "",
    sample_ids: list[int] | None = None,
    rater_ids: list[int] | None = None,
) -> Scenario:
    """A kit without a recorded session: the rubric version, the samples (default: those of
    :func:`rubric_samples` and those loaded from a kit of the same name), the raters (default:
    :func:`rubric_raters`), the master key of those samples on this rubric (set against any of its
    versions, where the level is still on this one) and the anchors of this version among them
    (retired ones left out).

    Raises InvalidOperationError if the name is empty or holds a "/"; NotFoundError if the
    rubric, a sample or a rater does not exist.
    """
    name = name.strip()
    if not name or "/" in name:
        raise InvalidOperationError("A kit needs a name without “/” (e.g. “Grade 8 argument”).")
    rubric = store.get_rubric(rubric_id)
    if sample_ids is None:
        wanted = set(rubric_samples(store, rubric_id))
        ids = [
            s.id
            for s in store.list_samples()
            if s.id is not None and (s.id in wanted or s.key.startswith(f"{name}/"))
        ]
    else:
        ids = sample_ids
    samples = [store.get_sample(i) for i in ids]
    raters = [
        store.get_rater(i)
        for i in (rubric_raters(store, rubric_id) if rater_ids is None else rater_ids)
    ]
    keys = kit_sample_keys(samples, name)
    criteria = {c.key: c for c in rubric.criteria}
    order = {key: n for n, key in enumerate(criteria)}
    position = {s.id: n for n, s in enumerate(samples)}
    master = sorted(
        store.reference_scores(ids, rubric_id=rubric_id),
        key=lambda r: (position[r.sample_id], order[r.criterion_key]),
    )
    anchors: dict[ScenarioAnchor, None] = {}  # in stored order, each content once
    for a in store.anchors(rubric_id=rubric_id):
        if a.sample_id in keys and a.status is not AnchorStatus.RETIRED:
            anchor = ScenarioAnchor(
                keys[a.sample_id], a.criterion_key, a.level, a.annotation, a.status
            )
            anchors.setdefault(anchor, None)
    return Scenario(
        name=name,
        description=description.strip() or f"The rubric “{rubric.name}” with its samples.",
        rubric=rubric_content(rubric),
        samples=tuple(replace(s, key=keys[s.id or 0], id=None) for s in samples),
        raters=tuple(replace(r, id=None, active=True) for r in raters),
        master_key=tuple(
            ScenarioScore(keys[r.sample_id], r.criterion_key, r.level, set_by=r.set_by)
            for r in master
        ),
        anchors=tuple(anchors),
    )


def kit_sample_keys(samples: list[Sample], name: str) -> dict[int, str]:
    """Each sample's key within the kit: its stored key without any ``"<kit>/"`` prefix, else
    one made from its title ("Essay 3: Later start" -> ``essay-3-later-start``); unique."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for sample in samples:
        assert sample.id is not None
        base = sample.key.removeprefix(f"{name}/").rpartition("/")[2]
        if not base:
            base = re.sub(r"[^a-z0-9]+", "-", sample.title.lower()).strip("-")[:40].strip("-")
        base = base or f"sample-{sample.id}"
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        keys[sample.id] = key
        taken.add(key)
    return keys


def export_kit_file(store: Store, kit: Scenario, path: Path, *, overwrite: bool = False) -> Path:
    """Write the kit to ``path`` as scenario TOML (written beside it, then moved into place, so
    a failed export never leaves half a file). Raises InvalidOperationError if the file exists
    (unless ``overwrite``) or is a folder, CalibrateError if it cannot be written."""
    path = path.expanduser()
    if path.is_dir():
        raise InvalidOperationError(f"{path} is a folder; give the name of the kit file.")
    if path.suffix.lower() != ".toml":
        raise InvalidOperationError(f"{path}: a kit file's name ends in .toml.")
    if path.exists() and not overwrite:
        raise InvalidOperationError(f"{path} already exists; choose another name.")
    if not path.parent.is_dir():
        raise InvalidOperationError(f"The folder {path.parent} does not exist.")
    text = dump_scenario(kit)
    try:
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, path)
    except OSError as exc:
        raise CalibrateError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    finally:
        if "partial" in locals():
            Path(partial).unlink(missing_ok=True)
    return path


def load_kit_file(store: Store, path: Path) -> str:
    """Load a scenario TOML file (all or nothing); returns one line saying what it added.
    Raises ScenarioError naming the line and field of every problem."""
    kit: LoadedKit = load_scenario_file(store, path.expanduser())
    return load_summary(kit)
