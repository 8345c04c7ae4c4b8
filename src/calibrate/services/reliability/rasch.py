"""The many-facet Rasch model for coaches: a rater's severity on one scale, fit and bias.

Two halves, so the TUI can fit in a thread worker without touching the store there:

- :func:`session_ratings` reads a revealed session's round-1 blind scores from the store into
  plain, frozen :class:`SessionRatings` (labels: rater names, sample keys or titles, criterion
  names);
- :func:`fit_session` and :func:`rater_drift` take plain data only.

Across sessions each later session is anchored on the earlier one's master-key samples,
criteria and rating-scale steps (:func:`~calibrate.stats.rasch.anchors_from`), so a rater's
severity is compared on one ruler (:func:`~calibrate.stats.rasch.severity_drift`).
Anything undefined carries a ``reason`` in plain words. See docs/rasch.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibrate.services.reliability.comparison import ROUND, is_revealed
from calibrate.stats.rasch import (
    FacetDataError,
    FacetsFit,
    Interaction,
    RaterReading,
    SeverityDrift,
    anchors_from,
    facet_data,
    fit_facets,
    rater_criterion_bias,
    rater_readings,
    severity_drift,
)
from calibrate.storage.store import Store


@dataclass(frozen=True)
class SessionRatings:
    """One session's round-1 scores as plain arrays (no store objects)."""

    session_id: int
    title: str
    date: str
    samples: tuple[int, ...]  # per rating: index into sample_labels
    criteria: tuple[int, ...]
    raters: tuple[int, ...]
    codes: tuple[int, ...]  # index into levels
    levels: tuple[float, ...]
    sample_labels: tuple[str, ...]
    criterion_labels: tuple[str, ...]
    rater_labels: tuple[str, ...]
    master_key_samples: tuple[str, ...] = ()  # labels of samples with a master-key score
    reason: str | None = None  # why there is nothing to fit (e.g. still being scored)


@dataclass(frozen=True)
class SessionRasch:
    """The fit of one session, with each rater's plain-words reading and bias by criterion."""

    ratings: SessionRatings
    fit: FacetsFit | None
    readings: tuple[RaterReading, ...] = ()
    bias: tuple[Interaction, ...] = ()
    reason: str | None = None

    def reading(self, rater: str) -> RaterReading | None:
        return next((r for r in self.readings if r.rater == rater), None)


def sample_label(key: str, title: str, sample_id: int | None) -> str:
    """A label stable across sessions: the scenario key, else the title with its id."""
    return key or f"{title} (#{sample_id})"


def session_ratings(store: Store, session_id: int) -> SessionRatings:
    """Read one session's round-1 scores; a session still being scored blind gives a reason."""
    session = store.get_session(session_id)
    rubric = store.get_rubric(session.rubric_id)
    samples = [store.get_sample(i) for i in session.sample_ids]
    raters = [store.get_rater(i) for i in session.rater_ids]
    s_labels = tuple(sample_label(s.key, s.title, s.id) for s in samples)
    c_labels = tuple(c.name for c in rubric.criteria)
    r_labels = tuple(r.name for r in raters)
    levels = tuple(sorted({float(lv.score) for c in rubric.criteria for lv in c.levels}))
    base = {
        "session_id": session_id,
        "title": session.title,
        "date": session.date,
        "levels": levels,
        "sample_labels": s_labels,
        "criterion_labels": c_labels,
        "rater_labels": r_labels,
    }
    if not is_revealed(session):
        reason = "The scores are still hidden: this meeting has not revealed them yet."
        return SessionRatings(samples=(), criteria=(), raters=(), codes=(), reason=reason, **base)  # type: ignore[arg-type]
    s_pos = {s.id: k for k, s in enumerate(samples)}
    c_pos = {c.key: k for k, c in enumerate(rubric.criteria)}
    r_pos = {r.id: k for k, r in enumerate(raters)}
    l_pos = {lv: k for k, lv in enumerate(levels)}
    rows = [
        (s_pos[x.sample_id], c_pos[x.criterion_key], r_pos[x.rater_id], l_pos[float(x.level)])
        for x in store.scores(session_id, round=ROUND)
        if x.sample_id in s_pos and x.criterion_key in c_pos and x.rater_id in r_pos
    ]
    keyed = {r.sample_id for r in store.reference_scores(session.sample_ids, rubric_id=rubric.id)}
    return SessionRatings(
        samples=tuple(r[0] for r in rows),
        criteria=tuple(r[1] for r in rows),
        raters=tuple(r[2] for r in rows),
        codes=tuple(r[3] for r in rows),
        master_key_samples=tuple(s_labels[s_pos[i]] for i in sorted(keyed) if i in s_pos),
        **base,  # type: ignore[arg-type]
    )


def _subsets_reason(fit: FacetsFit) -> str:
    parts = []
    for k, sub in enumerate(fit.subsets, start=1):
        names = ", ".join(fit.data.rater_labels[i] for i in sub.raters) or "no raters"
        parts.append(f"group {k}: {names}")
    return (
        "The raters did not score enough of the same work to be put on one scale ("
        + "; ".join(parts)
        + "). Have each group score at least one shared sample."
    )


def fit_session(ratings: SessionRatings, *, anchor_on: FacetsFit | None = None) -> SessionRasch:
    """Fit one session (plain data only: safe in a thread). ``anchor_on``: an earlier fit whose
    master-key samples, criteria and steps this one is anchored to."""
    if ratings.reason:
        return SessionRasch(ratings, None, reason=ratings.reason)
    if len(set(ratings.raters)) < 2 or len(ratings.codes) < 4:
        return SessionRasch(
            ratings,
            None,
            reason="Too little data: the model needs two raters or more who "
            "scored the same samples.",
        )
    try:
        data = facet_data(
            ratings.samples,
            ratings.criteria,
            ratings.raters,
            ratings.codes,
            categories=ratings.levels,
            sample_labels=ratings.sample_labels,
            criterion_labels=ratings.criterion_labels,
            rater_labels=ratings.rater_labels,
        )
        anchors = None
        if anchor_on is not None:
            anchors = anchors_from(anchor_on, samples=ratings.master_key_samples)
        fit = fit_facets(data, model="rating scale", anchors=anchors)
    except FacetDataError as e:
        return SessionRasch(ratings, None, reason=f"Too little data: {e}")
    if not fit.connected:
        return SessionRasch(ratings, fit, reason=_subsets_reason(fit))
    readings = tuple(rater_readings(fit, label) for label in fit.data.rater_labels)
    return SessionRasch(ratings, fit, readings, rater_criterion_bias(fit))


@dataclass(frozen=True)
class DriftStep:
    """A rater's severity in one session and its change since the previous one."""

    session_id: int
    title: str
    severity: float | None
    standard_error: float | None
    drift: SeverityDrift | None  # None for the first session
    reason: str | None = None


def rater_drift(sessions: Sequence[SessionRatings], rater: str) -> tuple[DriftStep, ...]:
    """``rater``'s severity session by session (oldest first), each session anchored on the
    previous fitted one, with the change in logits and its standard error."""
    steps: list[DriftStep] = []
    previous: FacetsFit | None = None
    for ratings in sorted(sessions, key=lambda r: (r.date, r.session_id)):
        if rater not in ratings.rater_labels:
            continue
        result = fit_session(ratings, anchor_on=previous)
        if result.fit is None or result.reason:
            steps.append(
                DriftStep(ratings.session_id, ratings.title, None, None, None, result.reason)
            )
            continue
        me = result.fit.rater(rater)
        drift = severity_drift(previous, result.fit, rater) if previous is not None else None
        steps.append(
            DriftStep(
                ratings.session_id, ratings.title, me.measure, me.standard_error, drift, me.reason
            )
        )
        previous = result.fit
    return tuple(steps)
