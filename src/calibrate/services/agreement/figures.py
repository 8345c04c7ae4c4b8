"""Use case: agreement statistics for a ratings file (``calibrate agree``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from calibrate.domain.ratings import Measurement
from calibrate.stats.report import AgreementReport, agreement_report
from calibrate.storage.ratings_csv import Layout, read_ratings_csv


def agree_file(
    path: Path,
    *,
    level: Measurement,
    categories: Sequence[str] | None = None,
    layout: Layout | None = None,
    seed: int = 0,
    n_boot: int = 1000,
) -> AgreementReport:
    """Read a ratings CSV and compute every agreement coefficient on it.

    Raises :class:`calibrate.domain.errors.RatingsFileError` for a file that cannot be used.
    """
    table, declared = read_ratings_csv(path, level=level, categories=categories, layout=layout)
    return agreement_report(table, rng=seed, n_boot=n_boot, categories_declared=declared)
