"""Authoring rubrics: save a draft (a new version once a session or anchor uses the old one),
copy a rubric as a starting point, and the version history — what changed between two versions,
descriptor by descriptor, and which sessions and anchors use each version.

Drafts and their field-by-field checks are in :mod:`calibrate.services.authoring.drafts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from calibrate.domain.model import AnchorStatus, Rubric
from calibrate.services.authoring.drafts import (
    DraftError,
    FieldProblem,
    RubricDraft,
    copy_draft,
    draft_from_rubric,
    draft_to_rubric,
    new_draft,
)
from calibrate.storage.store import Store

__all__ = [
    "Change",
    "ChangeKind",
    "DraftError",
    "FieldProblem",
    "SavedRubric",
    "VersionUse",
    "compare_versions",
    "copy_draft",
    "draft_from_rubric",
    "new_draft",
    "open_draft",
    "save_draft",
    "version_history",
]


@dataclass(frozen=True)
class SavedRubric:
    rubric: Rubric  # what is stored now
    new_version: bool  # True when the old version was in use and a new one was added
    changed: bool  # False when the draft matched the stored version (nothing was written)

    @property
    def message(self) -> str:
        r = self.rubric
        if not self.changed:
            return f"No changes to save in “{r.name}” (version {r.version})."
        if self.new_version:
            return (
                f"Saved “{r.name}” as version {r.version}: the earlier version is used by a "
                "session or an anchor, so it keeps its wording."
            )
        return f"Saved “{r.name}” (version {r.version})."


def open_draft(store: Store, rubric_id: int | None) -> RubricDraft:
    """A draft of the stored version ``rubric_id``, or of a new rubric when None.
    Raises NotFoundError if there is no such rubric."""
    return new_draft() if rubric_id is None else draft_from_rubric(store.get_rubric(rubric_id))


def save_draft(store: Store, draft: RubricDraft) -> SavedRubric:
    """Check and store the draft, all or nothing.

    A new draft (or a copy) becomes a new rubric. A draft opened from a stored version updates
    that version in place while no session or anchor uses it; once one does, the draft is stored
    as a new version of the same rubric and the old version is left exactly as it was. A draft
    identical to its stored version writes nothing. After saving, ``draft.source_id`` points at
    the stored version, so saving again continues from it.

    Raises DraftError (with every problem at its field) if the draft is incomplete, NotFoundError
    if the version it was opened from no longer exists; nothing is written then.
    """
    candidate = draft_to_rubric(draft)
    if draft.source_id is None:
        stored = store.add_rubric(candidate)
        draft.source_id = stored.id
        return SavedRubric(stored, new_version=False, changed=True)
    current = store.get_rubric(draft.source_id)
    if same_content(current, candidate):
        return SavedRubric(current, new_version=False, changed=False)
    stored = store.save_rubric(candidate)
    draft.source_id = stored.id
    return SavedRubric(stored, new_version=stored.id != current.id, changed=True)


def same_content(a: Rubric, b: Rubric) -> bool:
    """Whether two rubrics say the same thing (ignoring ids, version numbers and dates)."""
    fields = ("name", "subject", "grade_band", "kind", "criteria")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


# --- differences between versions ---------------------------------------------------------------


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    MOVED = "moved"


@dataclass(frozen=True)
class Change:
    """One difference between two versions. ``criterion`` is the criterion key ("" for the
    rubric's own fields), ``level`` the level score (None for a criterion's own fields),
    ``field`` the field that changed ("" when a whole criterion or level was added, removed or
    moved)."""

    kind: ChangeKind
    criterion: str
    level: int | None
    field: str
    before: str
    after: str

    @property
    def where(self) -> str:
        """Where the change is, in words: ``claim, level 3, descriptor``."""
        parts = [self.criterion] if self.criterion else ["rubric"]
        if self.level is not None:
            parts.append(f"level {self.level}")
        if self.field:
            parts.append(self.field.replace("_", " "))
        return ", ".join(parts)


_RUBRIC_FIELDS = ("name", "subject", "grade_band", "kind")
_CRITERION_FIELDS = ("name", "description", "student_wording")
_LEVEL_FIELDS = ("label", "descriptor", "student_wording")


def compare_versions(old: Rubric, new: Rubric) -> list[Change]:
    """What changed from ``old`` to ``new``: the rubric's own fields, then criteria in the new
    order (matched by key; then the ones removed), each with its own fields and its levels
    (matched by score), descriptor by descriptor. Empty when they say the same thing."""
    changes: list[Change] = []
    for name in _RUBRIC_FIELDS:
        before, after = str(getattr(old, name)), str(getattr(new, name))
        if before != after:
            changes.append(Change(ChangeKind.CHANGED, "", None, name, before, after))
    old_criteria = {c.key: c for c in old.criteria}
    old_order = [c.key for c in old.criteria]
    kept_old = [k for k in old_order if new.criterion(k) is not None]
    kept_new = [c.key for c in new.criteria if c.key in old_criteria]
    for criterion in new.criteria:
        before_c = old_criteria.get(criterion.key)
        if before_c is None:
            changes.append(Change(ChangeKind.ADDED, criterion.key, None, "", "", criterion.name))
            continue
        if kept_old.index(criterion.key) != kept_new.index(criterion.key):
            changes.append(
                Change(
                    ChangeKind.MOVED,
                    criterion.key,
                    None,
                    "",
                    f"position {old_order.index(criterion.key) + 1}",
                    f"position {[c.key for c in new.criteria].index(criterion.key) + 1}",
                )
            )
        for name in _CRITERION_FIELDS:
            before, after = getattr(before_c, name), getattr(criterion, name)
            if before != after:
                changes.append(Change(ChangeKind.CHANGED, criterion.key, None, name, before, after))
        old_levels = {lv.score: lv for lv in before_c.levels}
        new_scores = set(criterion.scores)
        for level in criterion.levels:
            before_l = old_levels.get(level.score)
            if before_l is None:
                changes.append(
                    Change(ChangeKind.ADDED, criterion.key, level.score, "", "", level.label)
                )
                continue
            for name in _LEVEL_FIELDS:
                before, after = getattr(before_l, name), getattr(level, name)
                if before != after:
                    changes.append(
                        Change(ChangeKind.CHANGED, criterion.key, level.score, name, before, after)
                    )
        for score, level in old_levels.items():
            if score not in new_scores:
                changes.append(
                    Change(ChangeKind.REMOVED, criterion.key, score, "", level.label, "")
                )
    for key in old_order:
        if new.criterion(key) is None:
            changes.append(Change(ChangeKind.REMOVED, key, None, "", old_criteria[key].name, ""))
    return changes


# --- version history ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionUse:
    session_id: int
    title: str
    date: str
    phase: str


@dataclass(frozen=True)
class AnchorUse:
    anchor_id: int
    sample_title: str
    criterion: str
    level: int
    status: AnchorStatus


@dataclass(frozen=True)
class VersionUse:
    """One version of a rubric, who uses it, and what changed since the version before it."""

    rubric: Rubric
    sessions: tuple[SessionUse, ...]
    anchors: tuple[AnchorUse, ...]
    changes: tuple[Change, ...]  # from the previous version (empty for the first)

    @property
    def in_use(self) -> bool:
        return bool(self.sessions or self.anchors)

    @property
    def summary(self) -> str:
        """``2 sessions, 1 anchor`` or ``not used yet``."""
        parts = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in ((len(self.sessions), "session"), (len(self.anchors), "anchor"))
            if n
        ]
        return ", ".join(parts) if parts else "not used yet"


def version_history(store: Store, family_id: int) -> list[VersionUse]:
    """Every version of a rubric, oldest first, with the sessions (newest first) and anchors
    that use it and the changes from the version before. Raises NotFoundError if there is no
    such rubric."""
    versions = store.rubric_versions(family_id)
    ids = {v.id for v in versions}
    sessions = [s for s in store.list_sessions() if s.rubric_id in ids]
    titles = {s.id: s.title for s in store.list_samples()}
    anchors = [a for a in store.anchors() if a.rubric_id in ids]
    out: list[VersionUse] = []
    previous: Rubric | None = None
    for version in versions:
        out.append(
            VersionUse(
                rubric=version,
                sessions=tuple(
                    SessionUse(s.id or 0, s.title, s.date, s.phase.value)
                    for s in sessions
                    if s.rubric_id == version.id
                ),
                anchors=tuple(
                    AnchorUse(
                        a.id or 0, titles.get(a.sample_id, "?"), a.criterion_key, a.level, a.status
                    )
                    for a in anchors
                    if a.rubric_id == version.id
                ),
                changes=tuple(compare_versions(previous, version)) if previous else (),
            )
        )
        previous = version
    return out
