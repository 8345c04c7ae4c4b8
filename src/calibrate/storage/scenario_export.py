"""Export a stored session as a scenario (workshop kit); see ``scenario_store``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from calibrate.domain.model import (
    Rubric,
    Sample,
    Scenario,
    ScenarioAnchor,
    ScenarioConsensus,
    ScenarioRoundItem,
    ScenarioScore,
    ScenarioSession,
    Session,
)

if TYPE_CHECKING:
    from calibrate.storage.store import Store


def rubric_content(rubric: Rubric) -> Rubric:
    """The rubric without what the store assigns (ids, timestamp): what a kit can hold."""
    return replace(rubric, id=None, family_id=None, created_at="")


def rubric_difference(stored: Rubric, kit: Rubric) -> str:
    """How a kit's rubric differs from the stored one of the same name and version, in words."""
    for name in ("subject", "grade_band", "kind"):
        if getattr(stored, name) != getattr(kit, name):
            return f"its {name.replace('_', ' ')} differs"
    stored_keys = [c.key for c in stored.criteria]
    kit_keys = [c.key for c in kit.criteria]
    if stored_keys != kit_keys:
        return (
            f"the stored criteria are {', '.join(stored_keys)}; the kit's are {', '.join(kit_keys)}"
        )
    for old, new in zip(stored.criteria, kit.criteria, strict=True):
        if old != new:
            return f'the criterion "{new.key}" is worded or scaled differently'
    return "they differ"


def export_session(store: Store, session_id: int) -> Scenario:
    """The stored session ``session_id`` as a kit: its rubric version, samples (with their kit
    keys), raters, the current scores of every round with their notes, the round it is in, the
    consensus decisions with their rationales, the master key of its samples and the anchors
    taken from it (with their status). Timestamps are not part of a kit (loading sets them),
    nor are the earlier values of a changed score. Raises NotFoundError if there is no such
    session."""
    session = store.get_session(session_id)
    rubric = store.get_rubric(session.rubric_id)
    samples = [store.get_sample(i) for i in session.sample_ids]
    raters = [store.get_rater(i) for i in session.rater_ids]
    name = kit_name(samples, session)
    keys = kit_keys(samples, name)
    names = {r.id: r.name for r in raters}
    criteria = {c.key: c for c in rubric.criteria}
    rater_order = {r_id: n for n, r_id in enumerate(session.rater_ids)}
    sample_order = {s_id: n for n, s_id in enumerate(session.sample_ids)}
    criterion_order = {key: n for n, key in enumerate(criteria)}
    scores = sorted(
        (s for s in store.scores(session_id) if s.criterion_key in criteria),
        key=lambda s: (
            rater_order[s.rater_id],
            sample_order[s.sample_id],
            s.round,
            criterion_order[s.criterion_key],
        ),
    )
    master = sorted(
        store.reference_scores(session.sample_ids, rubric_id=session.rubric_id),
        key=lambda r: (sample_order[r.sample_id], criterion_order[r.criterion_key]),
    )
    consensus = [c for c in store.consensus_for(session_id) if c.sample_id in keys]
    anchors: dict[ScenarioAnchor, None] = {}  # in stored order, each content once
    for a in store.anchors(rubric_id=rubric.id):
        if a.session_id == session_id and a.sample_id in keys:
            anchor = ScenarioAnchor(
                keys[a.sample_id], a.criterion_key, a.level, a.annotation, a.status
            )
            anchors.setdefault(anchor, None)
    return Scenario(
        name=name,
        description=f'Exported from the session "{session.title}" of {session.date}.',
        rubric=rubric_content(rubric),
        samples=tuple(replace(s, key=keys[s.id], id=None) for s in samples if s.id is not None),
        raters=tuple(replace(r, id=None, active=True) for r in raters),
        session=ScenarioSession(
            title=session.title,
            date=session.date,
            facilitator=session.facilitator,
            blind=session.blind,
            cut_score=session.cut_score,
            phase=session.phase,
            scores=tuple(
                ScenarioScore(
                    sample=keys[s.sample_id],
                    criterion=s.criterion_key,
                    level=s.level,
                    rater=names[s.rater_id],
                    note=s.note,
                    round=s.round,
                )
                for s in scores
            ),
            consensus=tuple(
                ScenarioConsensus(keys[c.sample_id], c.criterion_key, c.level, c.rationale)
                for c in consensus
                if c.criterion_key in criteria
            ),
            round=session.round,
            round_items=tuple(
                ScenarioRoundItem(round_, keys[sample_id], criterion_key)
                for round_ in range(2, session.round + 1)
                for sample_id, criterion_key in sorted(
                    store.round_items(session_id, round_) or (),
                    key=lambda item: (sample_order[item[0]], criterion_order[item[1]]),
                )
            ),
        ),
        master_key=tuple(
            ScenarioScore(keys[r.sample_id], r.criterion_key, r.level, set_by=r.set_by)
            for r in master
        ),
        anchors=tuple(anchors),
    )


def kit_name(samples: list[Sample], session: Session) -> str:
    """The kit the session's samples came from (the prefix of their stored keys), else a name
    made from the session's title."""
    for sample in samples:
        prefix, slash, _ = sample.key.partition("/")
        if slash and prefix:
            return prefix
    return session.title.replace("/", "-")


def kit_keys(samples: list[Sample], name: str) -> dict[int, str]:
    """Each sample's key within the kit: its stored key without ``"<name>/"``; samples without
    a key (or whose key would repeat) get ``sample-<id>``."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for sample in samples:
        assert sample.id is not None
        key = sample.key.removeprefix(f"{name}/")
        if not key or key in taken:
            key = f"sample-{sample.id}"
        keys[sample.id] = key
        taken.add(key)
    return keys
