"""Raters of every school on one Rasch scale: the many-facet model fitted to the first-round
scores of every revealed meeting of one rubric family in a coach's merged database.

The schools' meetings are connected through the samples they share (a district's anchor set,
a kit): a rater's severity is then measured against every school's raters on the same ruler,
whichever samples they scored. Raters are labelled ``"Name (school)"``: two schools' raters of
one name are two people unless a merge was told otherwise. Each school's figure is the mean of
its raters' level differences (how much higher or lower than the district's typical rater a
rater of that school scores average work, in rubric levels). See docs/rasch.md for the model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from calibrate.services.district.schools import school_name
from calibrate.services.reliability.rasch import (
    SessionRasch,
    SessionRatings,
    fit_session,
    session_ratings,
)
from calibrate.storage.store import Store


@dataclass(frozen=True)
class SchoolSeverity:
    """A school's raters on the district scale: how many, and their mean level difference
    (None when none of them could be measured)."""

    school: str
    raters: int
    level_difference: float | None


@dataclass(frozen=True)
class DistrictRasch:
    """The pooled fit, each school's summary, how many meetings went in and why others did
    not."""

    fit: SessionRasch
    schools: tuple[SchoolSeverity, ...]
    meetings: int
    left_out: tuple[str, ...]
    rater_school: dict[str, str]


def busiest_family(store: Store) -> int | None:
    """The rubric family with the most meetings here (None if there is no meeting)."""
    counts: dict[int, int] = defaultdict(int)
    for session in store.list_sessions():
        family = store.get_rubric(session.rubric_id).family_id or session.rubric_id
        counts[family] += 1
    return max(counts, key=lambda f: (counts[f], -f)) if counts else None


def district_ratings(
    store: Store, family_id: int
) -> tuple[SessionRatings, dict[str, str], list[str], int]:
    """Every revealed meeting of the family pooled into one set of ratings; also each rater
    label's school, why meetings were left out, and how many went in."""
    versions = {v.id for v in store.rubric_versions(family_id)}
    rubric = store.get_rubric(family_id)
    schools = store.session_schools()
    samples: dict[str, int] = {}
    criteria: dict[str, int] = {}
    raters: dict[str, int] = {}
    rows: list[tuple[int, int, int, int]] = []
    keyed: set[str] = set()
    levels: tuple[float, ...] | None = None
    rater_school: dict[str, str] = {}
    left_out: list[str] = []
    used, last, again = 0, "", 0
    seen: set[tuple[int, int, int]] = set()
    sessions = [s for s in store.list_sessions() if s.rubric_id in versions]
    for session in sorted(sessions, key=lambda s: (s.date, s.id or 0)):
        assert session.id is not None
        part = session_ratings(store, session.id)
        if part.reason:
            left_out.append(f"{part.title} ({part.date}): {part.reason}")
            continue
        if levels is not None and part.levels != levels:
            left_out.append(f"{part.title} ({part.date}): its rubric version has other levels.")
            continue
        levels = part.levels
        school = school_name(schools.get(session.id, ""))
        labels = []
        for name in part.rater_labels:
            label = name if name.endswith(f" ({school})") else f"{name} ({school})"
            rater_school[label] = school
            labels.append(raters.setdefault(label, len(raters)))
        for s, c, r, code in zip(part.samples, part.criteria, part.raters, part.codes, strict=True):
            cell = (
                samples.setdefault(part.sample_labels[s], len(samples)),
                criteria.setdefault(part.criterion_labels[c], len(criteria)),
                labels[r],
            )
            if cell in seen:  # scored again at a later meeting: the first judgement counts
                again += 1
                continue
            seen.add(cell)
            rows.append((*cell, code))
        keyed.update(part.master_key_samples)
        used, last = used + 1, part.date
    if again:
        left_out.append(
            f"{again} later score{'' if again == 1 else 's'} of a sample a rater had already "
            "scored at an earlier meeting (the first judgement counts)."
        )
    pooled = SessionRatings(
        session_id=0,
        title=f"{rubric.name}: every school",
        date=last,
        samples=tuple(r[0] for r in rows),
        criteria=tuple(r[1] for r in rows),
        raters=tuple(r[2] for r in rows),
        codes=tuple(r[3] for r in rows),
        levels=levels or (),
        sample_labels=tuple(samples),
        criterion_labels=tuple(criteria),
        rater_labels=tuple(raters),
        master_key_samples=tuple(sorted(keyed)),
        reason=None if rows else "No revealed meeting of this rubric is here yet.",
    )
    return pooled, rater_school, left_out, used


def district_rasch(store: Store, family_id: int) -> DistrictRasch:
    """Fit every school's meetings of one rubric family together (reads the store, then fits
    plain data)."""
    return fit_district(*district_ratings(store, family_id))


def fit_district(
    ratings: SessionRatings, rater_school: dict[str, str], left_out: list[str], used: int
) -> DistrictRasch:
    """The fit of :func:`district_ratings`' plain data: pure, so it runs in a worker."""
    fit = fit_session(ratings)
    by_school: dict[str, list[float | None]] = defaultdict(list)
    for label, school in rater_school.items():
        reading = fit.reading(label)
        by_school[school].append(None if reading is None else reading.level_difference)
    summary = []
    for school in sorted(by_school):
        measured = [d for d in by_school[school] if d is not None]
        mean = sum(measured) / len(measured) if measured else None
        summary.append(SchoolSeverity(school, len(by_school[school]), mean))
    return DistrictRasch(fit, tuple(summary), used, tuple(left_out), rater_school)


def district_lines(result: DistrictRasch) -> list[str]:
    """The fit in words, school by school, each rater's severity under their school, and the
    meetings left out (blank lines between schools). A fit that could not be made is one line
    saying why."""
    fit = result.fit
    if fit.reason:
        return [f"{fit.ratings.title}: {fit.reason}"]
    n = result.meetings
    lines = [f"{fit.ratings.title}: {n} meeting{'' if n == 1 else 's'} on one scale (Rasch model)"]
    for school in result.schools:
        diff = school.level_difference
        said = (
            "not measured"
            if diff is None
            else f"{round(diff, 2) + 0.0:+.2f} levels against the district"  # no "-0.00"
        )
        raters = f"{school.raters} rater{'' if school.raters == 1 else 's'}"
        lines.extend(["", f"{school.school}: {raters}, {said}"])
        for label, where in result.rater_school.items():
            reading = fit.reading(label) if where == school.school else None
            if reading is not None:
                lines.append(f"  {reading.severity}")
    for why in result.left_out:
        lines.extend(["", f"Left out: {why}"])
    return lines
