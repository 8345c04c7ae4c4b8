"""Put a scenario (workshop kit) into a store, and take a stored session back out as one.

``load_scenario`` is all or nothing (one transaction) and idempotent: what is already stored is
reused, so loading the same kit twice creates nothing. Identity rules:

- a rater is the rater of the same name;
- a sample is the sample whose key is ``"<scenario name>/<sample key>"``, or else a stored
  sample with the same content (title, body and details: the same work brought by another kit,
  or made in the app), so that the same texts are never stored twice (counted as matched);
- the rubric is the stored one of the same name and version (which must have the same content);
- the session is the stored one with the same title, date and rubric version.

A rater or session a kit creates gets an identity derived from the kit (:func:`kit_uuid`), so the
same kit loaded in two schools' databases merges as one.

``export_session`` builds the kit back from a stored session, so that exporting, loading the
export into a fresh database and exporting again gives the same file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

from calibrate.domain.errors import InvalidOperationError, NotFoundError, ScenarioError
from calibrate.domain.model import (
    Anchor,
    Consensus,
    Phase,
    ReferenceScore,
    Rubric,
    Sample,
    Scenario,
    ScenarioAnchor,
    ScenarioScore,
    Session,
)
from calibrate.storage.scenario_export import export_session, rubric_content, rubric_difference
from calibrate.storage.stable_ids import derived_uuid
from calibrate.storage.store_district import KIT_SCHOOL

if TYPE_CHECKING:
    from calibrate.storage.store import Store

__all__ = ["LoadReport", "export_session", "load_scenario", "stored_key"]


@dataclass(frozen=True)
class LoadReport:
    """What ``load_scenario`` did: records created versus found already stored (reused)."""

    rubric_id: int
    session_id: int | None
    sample_ids: dict[str, int] = field(default_factory=dict)  # kit key -> stored sample id
    rubrics_created: int = 0
    rubrics_reused: int = 0
    samples_created: int = 0
    samples_reused: int = 0
    samples_matched: int = 0  # reused because another kit (or the app) stored the same text
    raters_created: int = 0
    raters_reused: int = 0
    sessions_created: int = 0
    sessions_reused: int = 0
    scores_recorded: int = 0
    scores_unchanged: int = 0
    reference_scores_set: int = 0
    reference_scores_unchanged: int = 0
    anchors_created: int = 0
    anchors_reused: int = 0
    consensus_set: int = 0
    consensus_unchanged: int = 0
    round_items_added: int = 0  # items a re-score round asked for

    @property
    def created(self) -> int:
        """How many records were written (created, or recorded anew)."""
        return (
            self.rubrics_created
            + self.samples_created
            + self.raters_created
            + self.sessions_created
            + self.scores_recorded
            + self.reference_scores_set
            + self.anchors_created
            + self.consensus_set
            + self.round_items_added
        )


def kit_uuid(scenario: Scenario, kind: str, *names: object) -> str:
    """The identity of a rater or session a kit brings: the same in every database that loads
    the kit, so that their records merge as one (see :mod:`calibrate.storage.stable_ids`).
    Rubrics, samples, scores and the rest are found by what they say instead."""
    return derived_uuid("kit", scenario.name, kind, *names)


def stored_key(scenario_name: str, sample_key: str) -> str:
    """The ``samples.key`` under which a kit's sample is stored."""
    return f"{scenario_name}/{sample_key}"


def load_scenario(store: Store, scenario: Scenario) -> LoadReport:
    """Store ``scenario`` (see the module docstring); everything or nothing.

    Raises ScenarioError if the kit conflicts with what is stored (a rubric or sample of the
    same identity with different content) or refers to a sample, rater or criterion it does not
    define; nothing is written then.
    """
    counts: Counter[str] = Counter()
    try:
        with store.transaction():
            rubric = _rubric(store, scenario, counts)
            assert rubric.id is not None
            raters = {
                r.name: _rater(store, scenario, i, counts) for i, r in enumerate(scenario.raters)
            }
            samples: dict[str, int] = {}
            for sample in scenario.samples:
                samples[sample.key] = _sample(store, scenario, sample, samples, counts)
            session_id = None
            if scenario.session is not None:
                session_id = _session(store, scenario, rubric.id, samples, raters, counts)
            for ref in scenario.master_key:
                _reference(store, scenario, ref, rubric, samples, counts)
            for anchor in scenario.anchors:
                _anchor(store, scenario, anchor, rubric, samples, session_id, counts)
    except (InvalidOperationError, NotFoundError) as exc:
        raise ScenarioError(
            f'The kit "{scenario.name}" cannot be loaded: {exc.message} Nothing was loaded.'
        ) from exc
    return LoadReport(rubric_id=rubric.id, session_id=session_id, sample_ids=samples, **counts)


def _missing(scenario: Scenario, what: str, name: str, where: str) -> ScenarioError:
    return ScenarioError(
        f'The kit "{scenario.name}" refers to {what} "{name}" in {where}, '
        f"but does not define it; nothing was loaded."
    )


def _rubric(store: Store, scenario: Scenario, counts: Counter[str]) -> Rubric:
    kit = scenario.rubric
    stored = store.find_rubric(kit.name, kit.version)
    if stored is None:
        counts["rubrics_created"] += 1
        return store.add_rubric(rubric_content(kit))
    if rubric_content(stored) != rubric_content(kit):
        raise ScenarioError(
            f'The kit "{scenario.name}" has the rubric "{kit.name}" version {kit.version}, but '
            f"a different rubric with that name and version is already stored "
            f"({rubric_difference(stored, kit)}). Give the kit's rubric a new version number; "
            f"nothing was loaded."
        )
    counts["rubrics_reused"] += 1
    return stored


def _rater(store: Store, scenario: Scenario, index: int, counts: Counter[str]) -> int:
    rater = scenario.raters[index]
    stored = store.rater_by_name(rater.name)
    if stored is None and (like := store.rater_like(rater.name)) is not None:
        raise ScenarioError(
            f'raters[{index + 1}].name: the kit "{scenario.name}" has the rater '
            f'"{rater.name}", and the database already has "{like.name}": names that differ '
            f'only in case or spacing are one person. Write it "{like.name}" in the kit; '
            "nothing was loaded."
        )
    if stored is None:
        stored = store.add_rater(replace(rater, id=None))
        assert stored.id is not None
        store.name_record("raters", stored.id, kit_uuid(scenario, "rater", rater.name))
        counts["raters_created"] += 1
    else:
        counts["raters_reused"] += 1
    assert stored.id is not None
    return stored.id


def _sample(
    store: Store,
    scenario: Scenario,
    sample: Sample,
    taken: dict[str, int],
    counts: Counter[str],
) -> int:
    key = stored_key(scenario.name, sample.key)
    stored = store.sample_by_key(key)
    if stored is None:
        # Not a sample this load already uses, nor one stored under another key of this kit.
        mine = {stored_key(scenario.name, s.key) for s in scenario.samples}
        claimed = set(taken.values())
        stored = next(
            (s for s in store.samples_like(sample) if s.id not in claimed and s.key not in mine),
            None,
        )
        if stored is not None:
            counts["samples_matched"] += 1
        else:
            stored = store.add_sample(replace(sample, key=key, id=None))
            counts["samples_created"] += 1
    else:
        differs = [
            f.name
            for f in fields(Sample)
            if f.name not in ("key", "id") and getattr(stored, f.name) != getattr(sample, f.name)
        ]
        if differs:
            raise ScenarioError(
                f'The kit "{scenario.name}" has a sample "{sample.key}" whose '
                f"{', '.join(d.replace('_', ' ') for d in differs)} differs from the sample "
                f"already stored under that key. Stored work is not overwritten: give the "
                f"changed sample a new key; nothing was loaded."
            )
        counts["samples_reused"] += 1
    assert stored.id is not None
    return stored.id


def _session(
    store: Store,
    scenario: Scenario,
    rubric_id: int,
    samples: dict[str, int],
    raters: dict[str, int],
    counts: Counter[str],
) -> int:
    kit = scenario.session
    assert kit is not None
    found = next(
        (
            s
            for s in store.list_sessions()
            if (s.title, s.date, s.rubric_id) == (kit.title, kit.date, rubric_id)
        ),
        None,
    )
    if found is None:
        found = store.create_session(
            Session(
                title=kit.title,
                date=kit.date,
                rubric_id=rubric_id,
                facilitator=kit.facilitator,
                sample_ids=tuple(samples.values()),
                rater_ids=tuple(raters.values()),
                phase=kit.phase,
                blind=kit.blind,
                round=kit.current_round,
                cut_score=kit.cut_score,
            )
        )
        assert found.id is not None
        store.name_record("sessions", found.id, kit_uuid(scenario, "session", kit.title, kit.date))
        store.set_session_school(found.id, f"{KIT_SCHOOL}{scenario.name}")
        counts["sessions_created"] += 1
    else:
        counts["sessions_reused"] += 1
        more_samples = tuple(i for i in samples.values() if i not in found.sample_ids)
        more_raters = tuple(i for i in raters.values() if i not in found.rater_ids)
        if (more_samples or more_raters) and store.scores(found.id or 0):
            raise ScenarioError(
                f'The session "{kit.title}" of {kit.date} is already stored with scores, and the '
                f'kit "{scenario.name}" adds samples or raters it does not have. Give the kit\'s '
                f"session another title or date; nothing was loaded."
            )
        if more_samples or more_raters:
            found = store.update_session(
                replace(
                    found,
                    sample_ids=found.sample_ids + more_samples,
                    rater_ids=found.rater_ids + more_raters,
                )
            )
    assert found.id is not None
    asked: dict[int, list[tuple[int, str]]] = {}
    for i, item in enumerate(kit.round_items, start=1):
        if item.sample not in samples:
            raise _missing(scenario, "a sample", item.sample, f"session round item {i}")
        asked.setdefault(item.round, []).append((samples[item.sample], item.criterion))
    # Before the scores: a partial round's scores are only taken for the items it asked for.
    counts["round_items_added"] += store.restore_rounds(found.id, kit.current_round, asked)
    _scores(store, scenario, found, samples, raters, counts)
    _consensus(store, scenario, found, samples, counts)
    return found.id


def _scores(
    store: Store,
    scenario: Scenario,
    session: Session,
    samples: dict[str, int],
    raters: dict[str, int],
    counts: Counter[str],
) -> None:
    kit = scenario.session
    assert kit is not None and session.id is not None
    stored = {
        (s.round, s.sample_id, s.criterion_key, s.rater_id): (s.level, s.note)
        for s in store.scores(session.id)
    }
    todo: list[tuple[int, int, ScenarioScore]] = []
    for i, row in enumerate(kit.scores, start=1):
        where = f"session score {i}"
        if row.sample not in samples:
            raise _missing(scenario, "a sample", row.sample, where)
        if row.rater not in raters:
            raise _missing(scenario, "a rater", row.rater, where)
        sample_id, rater_id = samples[row.sample], raters[row.rater]
        if stored.get((row.round, sample_id, row.criterion, rater_id)) == (row.level, row.note):
            counts["scores_unchanged"] += 1
        else:
            todo.append((sample_id, rater_id, row))
    if not todo:
        return
    store.set_phase(session.id, Phase.SCORING)
    for sample_id, rater_id, row in todo:
        store.record_score(
            session.id,
            sample_id,
            row.criterion,
            rater_id,
            row.level,
            note=row.note,
            round=row.round,
        )
        counts["scores_recorded"] += 1
    store.set_phase(session.id, kit.phase)


def _consensus(
    store: Store,
    scenario: Scenario,
    session: Session,
    samples: dict[str, int],
    counts: Counter[str],
) -> None:
    kit = scenario.session
    assert kit is not None and session.id is not None
    stored = {
        (c.sample_id, c.criterion_key): (c.level, c.rationale)
        for c in store.consensus_for(session.id)
    }
    todo: list[Consensus] = []
    for i, row in enumerate(kit.consensus, start=1):
        if row.sample not in samples:
            raise _missing(scenario, "a sample", row.sample, f"consensus decision {i}")
        sample_id = samples[row.sample]
        if stored.get((sample_id, row.criterion)) == (row.level, row.rationale):
            counts["consensus_unchanged"] += 1
        else:
            todo.append(Consensus(session.id, sample_id, row.criterion, row.level, row.rationale))
    if not todo:
        return
    phase = store.get_session(session.id).phase
    if phase is Phase.CLOSED:  # a closed session's consensus is final: reopen it to write
        store.set_phase(session.id, Phase.CONSENSUS)
    for decision in todo:
        store.set_consensus(decision)
        counts["consensus_set"] += 1
    store.set_phase(session.id, phase)


def _reference(
    store: Store,
    scenario: Scenario,
    ref: ScenarioScore,
    rubric: Rubric,
    samples: dict[str, int],
    counts: Counter[str],
) -> None:
    if ref.sample not in samples:
        raise _missing(scenario, "a sample", ref.sample, "the master key")
    sample_id = samples[ref.sample]
    current = next(
        (
            r
            for r in store.reference_scores([sample_id], rubric_id=rubric.id)
            if r.criterion_key == ref.criterion
        ),
        None,
    )
    if current is not None and (current.level, current.set_by, current.rubric_id) == (
        ref.level,
        ref.set_by,
        rubric.id,
    ):
        counts["reference_scores_unchanged"] += 1
        return
    store.set_reference_score(
        ReferenceScore(sample_id, ref.criterion, ref.level, set_by=ref.set_by, rubric_id=rubric.id)
    )
    counts["reference_scores_set"] += 1


def _anchor(
    store: Store,
    scenario: Scenario,
    anchor: ScenarioAnchor,
    rubric: Rubric,
    samples: dict[str, int],
    session_id: int | None,
    counts: Counter[str],
) -> None:
    if anchor.sample not in samples:
        raise _missing(scenario, "a sample", anchor.sample, "the anchors")
    assert rubric.id is not None
    wanted = Anchor(
        rubric_id=rubric.id,
        criterion_key=anchor.criterion,
        level=anchor.level,
        sample_id=samples[anchor.sample],
        annotation=anchor.annotation,
        session_id=session_id,
        status=anchor.status,
    )
    if any(
        replace(a, id=None, created_at="") == wanted for a in store.anchors(rubric_id=rubric.id)
    ):
        counts["anchors_reused"] += 1
        return
    store.add_anchor(wanted)
    counts["anchors_created"] += 1
