"""Use case: agreement statistics for a ratings file (``calibrate agree``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from calibrate.domain.ratings import Measurement
from calibrate.services.agreement.headline import Headline, headline
from calibrate.services.agreement.left_out import leave_out_raters
from calibrate.stats.report import AgreementReport, agreement_report
from calibrate.storage.ratings_csv import Layout, read_ratings_csv


@dataclass(frozen=True)
class FileFigures:
    report: AgreementReport
    headline: Headline


def agree_file(
    path: Path,
    *,
    level: Measurement,
    categories: Sequence[str] | None = None,
    layout: Layout | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    leave_out_partial: bool = False,
) -> FileFigures:
    """Read a ratings CSV and compute every agreement coefficient on it, and its headline.

    Raters with no scores are left out of the figures (and named in the headline); with
    ``leave_out_partial`` so are raters who scored only some units.
    Raises :class:`calibrate.domain.errors.RatingsFileError` for a file that cannot be used.
    """
    table, declared = read_ratings_csv(path, level=level, categories=categories, layout=layout)
    table, left_out = leave_out_raters(table, partial=leave_out_partial, unit_word="units")
    report = agreement_report(table, rng=seed, n_boot=n_boot, categories_declared=declared)
    return FileFigures(
        report,
        headline(report, table, scope=path.name, unit_word="unit", left_out=left_out),
    )
