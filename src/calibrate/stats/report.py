"""Every agreement coefficient on one ratings table, in the order a teacher should read them.

The report is pure: it takes a :class:`RatingTable` and returns results; printing is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from calibrate.domain.ratings import RatingTable
from calibrate.stats import chance_corrected, cohen, concordance, icc, krippendorff, percent
from calibrate.stats.readings import paradox_note
from calibrate.stats.result import AgreementResult

#: Every coefficient the report computes; also the keys of ``calibrate agree --json``.
NAMES: tuple[str, ...] = (
    "percent_exact",
    "percent_adjacent",
    "percent_exact_all_raters",
    "percent_adjacent_all_raters",
    "cohen_kappa",
    "weighted_kappa_linear",
    "weighted_kappa_quadratic",
    "fleiss_kappa",
    "fleiss_kappa_linear",
    "fleiss_kappa_quadratic",
    "fleiss_kappa_listwise",
    "conger_kappa",
    "conger_kappa_linear",
    "conger_kappa_quadratic",
    "gwet_ac1",
    "gwet_ac2_linear",
    "gwet_ac2_quadratic",
    "brennan_prediger",
    "brennan_prediger_linear",
    "brennan_prediger_quadratic",
    "krippendorff_alpha",
    "icc_1_1",
    "icc_2_1",
    "icc_3_1",
    "icc_1_k",
    "icc_2_k",
    "icc_3_k",
    "kendall_w",
)

#: What each coefficient is called on screen.
LABELS: dict[str, str] = {
    "percent_exact": "Exact agreement (pairs of raters)",
    "percent_adjacent": "Within one level (pairs of raters)",
    "percent_exact_all_raters": "All raters gave the same level",
    "percent_adjacent_all_raters": "All raters within one level",
    "cohen_kappa": "Cohen's kappa (2 raters)",
    "weighted_kappa_linear": "Weighted kappa, linear (2 raters)",
    "weighted_kappa_quadratic": "Weighted kappa, quadratic (2 raters)",
    "fleiss_kappa": "Fleiss' kappa",
    "fleiss_kappa_linear": "Fleiss' kappa, linear weights",
    "fleiss_kappa_quadratic": "Fleiss' kappa, quadratic weights",
    "fleiss_kappa_listwise": "Fleiss' kappa (fully rated units only)",
    "conger_kappa": "Conger's kappa",
    "conger_kappa_linear": "Conger's kappa, linear weights",
    "conger_kappa_quadratic": "Conger's kappa, quadratic weights",
    "gwet_ac1": "Gwet's AC1",
    "gwet_ac2_linear": "Gwet's AC2, linear weights",
    "gwet_ac2_quadratic": "Gwet's AC2, quadratic weights",
    "brennan_prediger": "Brennan-Prediger",
    "brennan_prediger_linear": "Brennan-Prediger, linear weights",
    "brennan_prediger_quadratic": "Brennan-Prediger, quadratic weights",
    "krippendorff_alpha": "Krippendorff's alpha",
    "icc_1_1": "ICC(1,1) one rater, raters random per unit",
    "icc_2_1": "ICC(2,1) / ICC(A,1) one rater, absolute",
    "icc_3_1": "ICC(3,1) / ICC(C,1) one rater, consistency",
    "icc_1_k": "ICC(1,k) team average",
    "icc_2_k": "ICC(2,k) / ICC(A,k) team average, absolute",
    "icc_3_k": "ICC(3,k) / ICC(C,k) team average, consistency",
    "kendall_w": "Kendall's W (same order of samples)",
}

#: Coefficients whose "high agreement, low coefficient" gap deserves the kappa-paradox sentence.
_PARADOX_PRONE = (
    "cohen_kappa",
    "fleiss_kappa",
    "conger_kappa",
    "fleiss_kappa_listwise",
    "krippendorff_alpha",
)

#: Fewer units than this, and every interval is wide: say so once, at the top.
SMALL_SAMPLE_UNITS = 10


@dataclass(frozen=True)
class AgreementReport:
    n_units: int
    n_raters: int
    n_ratings: int
    level: str
    categories: tuple[float | str, ...]
    results: dict[str, AgreementResult]
    warnings: tuple[str, ...] = field(default=())

    @property
    def headline(self) -> tuple[str, ...]:
        """The coefficients a teacher should read first, in order.

        Percent agreement, then one chance-corrected coefficient that suits the table (weighted
        kappa for two raters, Gwet's AC2 for more; unweighted forms for nominal levels),
        Krippendorff's alpha, and ICC(A,1) where the levels are numbers.
        """
        ordered = self.level != "nominal"
        names = ["percent_exact"]
        if ordered:
            names.append("percent_adjacent")
        if self.n_raters == 2:
            names.append("weighted_kappa_quadratic" if ordered else "cohen_kappa")
        else:
            names.append("gwet_ac2_quadratic" if ordered else "gwet_ac1")
        names.append("krippendorff_alpha")
        if ordered:
            names.append("icc_2_1")
        return tuple(names)

    def ordered(self, *, headline_only: bool = False) -> list[AgreementResult]:
        """Results with the headline coefficients first, then the rest in :data:`NAMES` order."""
        first = [self.results[n] for n in self.headline]
        if headline_only:
            return first
        return first + [self.results[n] for n in NAMES if n not in self.headline]

    def as_json(self) -> dict[str, object]:
        return {
            "n_units": self.n_units,
            "n_raters": self.n_raters,
            "n_ratings": self.n_ratings,
            "level": self.level,
            "categories": [_json_category(c) for c in self.categories],
            "statistics": {name: self.results[name].as_json() for name in NAMES},
        }


def _json_category(c: float | str) -> float | int | str:
    if isinstance(c, float) and c.is_integer():
        return int(c)
    return c


def _calculators(
    rng: np.random.Generator | int | None, n_boot: int
) -> dict[str, Callable[[RatingTable], AgreementResult]]:
    functions: dict[str, Callable[[RatingTable], AgreementResult]] = {}
    functions.update(percent.FUNCTIONS)
    functions.update(cohen.FUNCTIONS)
    functions.update(chance_corrected.FUNCTIONS)
    functions.update(icc.FUNCTIONS)
    functions["krippendorff_alpha"] = lambda t: krippendorff.krippendorff_alpha(
        t, n_boot=n_boot, rng=rng
    )
    functions["kendall_w"] = lambda t: concordance.kendall_w(t, n_boot=n_boot, rng=rng)
    return functions


def agreement_report(
    table: RatingTable,
    *,
    rng: np.random.Generator | int | None = 0,
    n_boot: int = 1000,
    categories_declared: bool = True,
) -> AgreementReport:
    """Compute every coefficient in :data:`NAMES` on ``table``.

    ``rng`` seeds the bootstrap intervals (Krippendorff's alpha, Kendall's W), so the same data
    always give the same report. ``categories_declared=False`` records that the categories were
    inferred from the data, which the report warns about.
    """
    functions = _calculators(rng, n_boot)
    missing = set(NAMES) - set(functions)
    if missing:  # pragma: no cover - a wiring mistake, caught by the tests
        raise RuntimeError(f"no calculator for {sorted(missing)}")
    results = {name: functions[name](table) for name in NAMES}
    results = _add_paradox_notes(results)
    return AgreementReport(
        n_units=table.n_units,
        n_raters=table.n_raters,
        n_ratings=table.n_ratings,
        level=table.level.value,
        categories=table.categories,
        results=results,
        warnings=tuple(_warnings(table, categories_declared)),
    )


def _add_paradox_notes(results: dict[str, AgreementResult]) -> dict[str, AgreementResult]:
    exact = results["percent_exact"]
    out = dict(results)
    for name in _PARADOX_PRONE:
        note = paradox_note(exact, results[name])
        if note:
            out[name] = results[name].with_reading(f"{results[name].reading} {note}")
    return out


def _warnings(table: RatingTable, categories_declared: bool) -> list[str]:
    warnings: list[str] = []
    if not categories_declared:
        warnings.append(
            "The levels were taken from the scores in the file, not from the rubric. If the "
            "rubric has levels nobody used, give them with --categories: unused levels change "
            "weighted kappas, Gwet's AC1/AC2 and Brennan-Prediger."
        )
    if table.n_units < SMALL_SAMPLE_UNITS:
        warnings.append(
            f"Only {_how_many_rated(table)} rated: every figure below has a wide margin of "
            "error. Read the ranges, not just the values, and do not compare teams on this alone."
        )
    scored = np.asarray(table.present.any(axis=0), dtype=bool)
    absent = [table.rater_ids[j] for j in range(table.n_raters) if not scored[j]]
    if absent:
        warnings.append(f"{_names(absent)} gave no ratings at all.")
    return warnings


def _how_many_rated(table: RatingTable) -> str:
    """ "3 samples were" or, for a table of items, "3 samples (9 sample × criterion items) were"."""
    n = table.n_samples
    samples = f"{n} sample{'' if n == 1 else 's'}"
    if not table.unit_samples:
        return f"{samples} {'was' if n == 1 else 'were'}"
    items = f"{table.n_units} sample × criterion item{'' if table.n_units == 1 else 's'}"
    return f"{samples} ({items}) {'was' if n == 1 and table.n_units == 1 else 'were'}"


def _names(names: list[str]) -> str:
    """``Ana``, ``Ana and Ben``, ``Ana, Ben and Cy``."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
