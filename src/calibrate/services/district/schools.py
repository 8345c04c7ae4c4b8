"""School by school agreement on the shared anchor samples (``calibrate schools``).

A *shared cell* is a sample and criterion, for one rubric family, that has an agreed level (an
approved anchor's, else the master key's) and that raters of at least two schools scored in a
first round (the independent scores, before any discussion moved them). For each school, over
its first-round scores on the shared cells: the share at the agreed level, the share within one
level, and the mean difference from it in levels (positive: the school scores higher, more
leniently). A kit's own recorded session is shown as a row of its own but is no school: it does
not make a cell shared. Only shared cells count, so every school is measured on the same work.

The shares are of scores, not of raters or samples; a school with few raters weighs each of
them more. No interval is given: the scores of one rater are not independent draws, so a
binomial interval would claim more precision than the data hold.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from calibrate.domain.district import BenchmarkedScore
from calibrate.storage.store import Store
from calibrate.storage.store_district import KIT_SCHOOL

HERE = "this database"


@dataclass(frozen=True)
class SchoolAgreement:
    """One school's first-round scores on the shared cells. ``exact``, ``within_one`` and
    ``lean`` are None when the school scored none of them (``note`` says so)."""

    school: str
    sessions: int
    raters: int
    cells: int
    scores: int
    exact: float | None
    within_one: float | None
    lean: float | None
    samples: tuple[str, ...]
    note: str = ""
    #: The anchors taken from this school's meetings, e.g. "essay-1 claim 3 (approved)".
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrossSchoolView:
    """Every school's row, the number of shared cells, and why nothing can be compared (or
    "")."""

    schools: tuple[SchoolAgreement, ...]
    shared_cells: int
    note: str = ""


def school_name(school: str) -> str:
    """How a school is shown: its name, "this database", or the kit's name for a kit's own
    recorded session."""
    if school.startswith(KIT_SCHOOL):
        return f"kit “{school.removeprefix(KIT_SCHOOL)}”"
    return school or HERE


def cross_school_agreement(store: Store) -> CrossSchoolView:
    """The view over every school with scored sessions here (see the module docstring)."""
    scored = store.benchmarked_scores()
    by_cell: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for score in scored:
        if not score.school.startswith(KIT_SCHOOL):  # a kit's session is no school's
            by_cell[(score.family_id, score.sample_id, score.criterion_key)].add(score.school)
    shared = {cell for cell, schools in by_cell.items() if len(schools) >= 2}
    names = sorted(  # the schools by name, then the kits
        {s.school for s in scored} | set(store.schools()),
        key=lambda name: (name.startswith(KIT_SCHOOL), name),
    )
    anchors = {
        school: tuple(
            f"{_short(key)} {criterion} {level} ({status})"
            for key, criterion, level, status in made
        )
        for school, made in store.anchors_by_school().items()
    }
    rows = tuple(
        dataclasses.replace(row, anchors=anchors.get(name, ()))
        for name in names
        if (row := _school(name, [s for s in scored if s.school == name], shared)).scores
        or not name.startswith(KIT_SCHOOL)  # a kit is shown only where it has something to say
    )
    note = ""
    held = len([n for n in names if not n.startswith(KIT_SCHOOL)])
    if held < 2:
        which = "No school's own sessions are" if held == 0 else "Only one school's sessions are"
        note = f"{which} here: merge other schools' records first (calibrate merge OTHER.db)."
    elif not shared:
        note = (
            "No sample with an agreed level (an approved anchor or the master key) was scored "
            "in a first round by two schools, so the schools cannot be compared on the same work."
        )
    return CrossSchoolView(rows, len(shared), note)


def _short(key: str) -> str:
    """A kit's sample is stored as ``"kit name/key"`` (a kit's name has no "/"): show the key."""
    return key.split("/", 1)[-1]


def _school(
    name: str, scored: list[BenchmarkedScore], shared: set[tuple[int, int, str]]
) -> SchoolAgreement:
    on_shared = [s for s in scored if (s.family_id, s.sample_id, s.criterion_key) in shared]
    n = len(on_shared)
    differences = [s.level - s.benchmark for s in on_shared]
    return SchoolAgreement(
        school=school_name(name),
        sessions=len({s.session_id for s in on_shared}),
        raters=len({s.rater_id for s in on_shared}),
        cells=len({(s.family_id, s.sample_id, s.criterion_key) for s in on_shared}),
        scores=n,
        exact=sum(d == 0 for d in differences) / n if n else None,
        within_one=sum(abs(d) <= 1 for d in differences) / n if n else None,
        lean=sum(differences) / n if n else None,
        samples=tuple(sorted({_short(s.sample_key) for s in on_shared})),
        note="" if n else "scored none of the shared samples in a first round",
    )


def school_sentence(row: SchoolAgreement) -> str:
    """One school's figures in words, for a coach: how often its first scores on the shared
    work matched the agreed level, how often within one, and which way it leans."""
    if row.exact is None or row.within_one is None or row.lean is None:
        return f"{row.school} {row.note or 'has no first-round scores on the shared work'}."
    lean = round(row.lean, 2) + 0.0  # no "-0.00"
    if abs(lean) < 0.05:
        leaning = "and neither more lenient nor harsher than the agreed levels"
    else:
        way = "higher (more lenient)" if lean > 0 else "lower (harsher)"
        leaning = f"and scores {abs(lean):.2f} of a level {way} on average"
    return (
        f"{row.school}: {row.exact:.0%} of its {row.scores} first scores on {row.cells} shared "
        f"item{'' if row.cells == 1 else 's'} were at the agreed level, {row.within_one:.0%} "
        f"within one level, {leaning}."
    )
