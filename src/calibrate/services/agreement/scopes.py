"""The agreement figures of a session's reveal, one scope at a time: every criterion pooled, then
each rubric criterion (scale) on its own.

The tables are built on the app thread (they need the reveal) and load no scipy;
:func:`scope_figures` is pure and runs in a worker: plain tables in, reports and headlines out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calibrate.domain.ratings import RatingTable
from calibrate.services.agreement.left_out import LeftOut, leave_out_raters
from calibrate.services.meeting.reveal import Reveal

if TYPE_CHECKING:  # they load scipy (~0.35 s): imported where the figures are computed
    from calibrate.services.agreement.headline import Headline
    from calibrate.stats.report import AgreementReport

ALL = ""  # the scope key covering every criterion
POOLED = "All criteria pooled"


@dataclass(frozen=True)
class ScopeTable:
    """The ratings one headline is computed on."""

    key: str  # ALL or a criterion key
    title: str  # "All criteria pooled" or the criterion's name
    table: RatingTable  # after leaving raters out
    full: RatingTable  # every rater of the session
    left_out: tuple[LeftOut, ...]
    unit_word: str  # "item" (sample × criterion) or "sample"


@dataclass(frozen=True)
class ScopeFigures:
    scope: ScopeTable
    report: AgreementReport
    headline: Headline


def scope_table(reveal: Reveal, key: str, *, leave_out_partial: bool = False) -> ScopeTable:
    """The table of one scope (ALL or a criterion key), without the raters who gave no scores
    there (and, with ``leave_out_partial``, without those who scored only some units)."""
    if key == ALL:
        full, title, unit = reveal.overall_table(), POOLED, "item"
    else:
        criterion = reveal.context.rubric.criterion(key)
        assert criterion is not None
        full, title, unit = reveal.criterion_table(key), criterion.name, "sample"
    table, left_out = leave_out_raters(full, partial=leave_out_partial, unit_word=f"{unit}s")
    return ScopeTable(key, title, table, full, left_out, unit)


def reveal_scopes(reveal: Reveal, *, leave_out_partial: bool = False) -> tuple[ScopeTable, ...]:
    """Every criterion pooled first, then each criterion in rubric order."""
    keys = [ALL, *(c.key for c in reveal.context.rubric.criteria)]
    return tuple(scope_table(reveal, k, leave_out_partial=leave_out_partial) for k in keys)


def scope_figures(scope: ScopeTable, *, rng: int = 0) -> ScopeFigures:
    """Every coefficient on the scope's table, and its headline. Pure: safe in a worker (which
    pays for loading scipy, not the app thread building the tables)."""
    from calibrate.services.agreement.headline import headline
    from calibrate.stats.report import agreement_report

    report = agreement_report(scope.table, rng=rng)
    return ScopeFigures(
        scope,
        report,
        headline(
            report,
            scope.table,
            scope=scope.title,
            unit_word=scope.unit_word,
            left_out=scope.left_out,
        ),
    )


def all_figures(scopes: Sequence[ScopeTable], *, rng: int = 0) -> tuple[ScopeFigures, ...]:
    return tuple(scope_figures(s, rng=rng) for s in scopes)
