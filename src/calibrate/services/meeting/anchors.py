"""The anchor library: the agreed picture of each level of each criterion, rubric by rubric.

Grouped rubric version → criterion → level, every level listed (so the team sees which levels
still have no anchor), each anchor with its sample, the session that agreed it (if any) and the
date. Plain data in and out.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.model import Anchor, AnchorStatus, Criterion, Level, Rubric, Sample, Session
from calibrate.storage.store import Store


@dataclass(frozen=True)
class AnchorEntry:
    """One anchor with what it refers to."""

    anchor: Anchor
    sample: Sample
    session: Session | None  # the session that agreed it; None for anchors loaded from a kit

    @property
    def id(self) -> int:
        assert self.anchor.id is not None
        return self.anchor.id

    @property
    def origin(self) -> str:
        """Where it comes from, in words: the session that agreed it, or a workshop kit."""
        return f"agreed in “{self.session.title}”" if self.session else "from a workshop kit"

    @property
    def date(self) -> str:
        """The session's date, else the day the anchor was stored (ISO)."""
        return self.session.date if self.session else self.anchor.created_at[:10]


@dataclass(frozen=True)
class LevelShelf:
    level: Level
    anchors: tuple[AnchorEntry, ...]  # the anchors shown (retired ones only if asked for)
    hidden_retired: int = 0  # retired anchors of this level left out

    @property
    def missing(self) -> bool:
        """No anchor (other than retired ones) shows this level yet."""
        return not any(e.anchor.status is not AnchorStatus.RETIRED for e in self.anchors)


@dataclass(frozen=True)
class CriterionShelf:
    criterion: Criterion
    levels: tuple[LevelShelf, ...]  # every level of the criterion, ascending

    @property
    def n_missing(self) -> int:
        return sum(shelf.missing for shelf in self.levels)


@dataclass(frozen=True)
class RubricShelf:
    rubric: Rubric
    criteria: tuple[CriterionShelf, ...]

    @property
    def label(self) -> str:
        return f"{self.rubric.name} v{self.rubric.version}"

    @property
    def n_anchors(self) -> int:
        return sum(len(lv.anchors) for c in self.criteria for lv in c.levels)


def anchor_library(
    store: Store, *, rubric_id: int | None = None, include_retired: bool = False
) -> list[RubricShelf]:
    """The library of one rubric version, or of every rubric.

    Without ``rubric_id`` it lists the newest version of each rubric plus every older version
    that has anchors. Raises NotFoundError if ``rubric_id`` does not exist.
    """
    anchors = store.anchors(rubric_id=rubric_id)
    if rubric_id is not None:
        rubrics = [store.get_rubric(rubric_id)]
    else:
        with_anchors = {a.rubric_id for a in anchors}
        newest = {r.id for r in store.list_rubrics()}
        rubrics = [
            r
            for r in store.list_rubrics(all_versions=True)
            if r.id in newest or r.id in with_anchors
        ]
    samples: dict[int, Sample] = {}
    sessions: dict[int, Session] = {}

    def entry(anchor: Anchor) -> AnchorEntry:
        if anchor.sample_id not in samples:
            samples[anchor.sample_id] = store.get_sample(anchor.sample_id)
        session = None
        if anchor.session_id is not None:
            if anchor.session_id not in sessions:
                sessions[anchor.session_id] = store.get_session(anchor.session_id)
            session = sessions[anchor.session_id]
        return AnchorEntry(anchor, samples[anchor.sample_id], session)

    shelves = []
    for rubric in rubrics:
        criteria = []
        for criterion in rubric.criteria:
            levels = []
            for level in criterion.levels:
                here = [
                    a
                    for a in anchors
                    if a.rubric_id == rubric.id
                    and a.criterion_key == criterion.key
                    and a.level == level.score
                ]
                shown = [a for a in here if include_retired or a.status is not AnchorStatus.RETIRED]
                levels.append(
                    LevelShelf(
                        level,
                        tuple(entry(a) for a in shown),
                        hidden_retired=len(here) - len(shown),
                    )
                )
            criteria.append(CriterionShelf(criterion, tuple(levels)))
        shelves.append(RubricShelf(rubric, tuple(criteria)))
    return shelves


def approve_anchor(store: Store, anchor_id: int) -> Anchor:
    """Make an anchor part of the agreed library. Raises NotFoundError if there is none."""
    return store.set_anchor_status(anchor_id, AnchorStatus.APPROVED)


def retire_anchor(store: Store, anchor_id: int) -> Anchor:
    """Take an anchor out of use (kept on record). Raises NotFoundError if there is none."""
    return store.set_anchor_status(anchor_id, AnchorStatus.RETIRED)
