"""Frozen result objects of a many-facet Rasch fit. Undefined figures are ``None`` with a reason.

Orientation (as in FACETS with ``Positive = samples``): a higher sample measure is better work;
a higher rater measure is a *more severe* rater; a higher criterion measure is a *harder*
criterion. All measures are in logits.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from calibrate.stats.rasch.design import FacetData, Subset


class Status(StrEnum):
    ESTIMATED = "estimated"
    ANCHORED = "anchored"
    EXTREME_LOW = "extreme (all lowest level)"
    EXTREME_HIGH = "extreme (all highest level)"
    NO_DATA = "no ratings"


def as_json(result: Any) -> dict[str, Any]:
    """A result object as plain JSON-ready data (enums as their text)."""
    return asdict(result)


def _check(name: str, *values: float | None) -> None:
    for v in values:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"{name}: {v} is not finite; an undefined figure needs a reason")


@dataclass(frozen=True)
class Fit:
    """Infit and outfit mean-squares and their Wilson-Hilferty standardisations (ZStd)."""

    infit: float | None
    infit_z: float | None
    outfit: float | None
    outfit_z: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        _check("fit", self.infit, self.infit_z, self.outfit, self.outfit_z)
        if self.infit is None and not self.reason:
            raise ValueError("an undefined fit statistic must say why")


@dataclass(frozen=True)
class ElementMeasure:
    """One sample, criterion or rater on the common logit scale."""

    facet: str
    index: int
    label: str
    status: Status
    measure: float | None
    standard_error: float | None
    count: int  # ratings used (all of the element's ratings, extreme ones included)
    observed_average: float | None  # mean level given, in rubric levels
    expected_average: float | None  # what the model expects from the same ratings
    fit: Fit
    subset: int  # index into FacetsFit.subsets (0 when the design is linked)
    fair_average: float | None = None  # samples: expected level at average criterion and rater
    reason: str | None = None

    def __post_init__(self) -> None:
        _check(self.label, self.measure, self.standard_error, self.fair_average)
        if self.measure is None and not self.reason:
            raise ValueError(f"{self.label}: an element without a measure must say why")

    @property
    def defined(self) -> bool:
        return self.measure is not None


@dataclass(frozen=True)
class Separation:
    """How far a facet's elements are spread, against their measurement error (FACETS Table 7).

    ``observed_sd`` is the population SD of the measures; ``rmse`` the root mean square of the
    model standard errors; ``true_sd = sqrt(observed_sd² - rmse²)``; separation ``G =
    true_sd / rmse``; strata ``(4G + 1) / 3``; reliability ``true_sd² / observed_sd²`` (=
    G²/(1+G²)); the fixed chi-square tests that all elements are the same.
    """

    facet: str
    n: int
    observed_sd: float | None
    rmse: float | None
    true_sd: float | None
    separation: float | None
    strata: float | None
    reliability: float | None
    chi_square: float | None
    df: int
    p_value: float | None
    note: str
    reason: str | None = None

    def __post_init__(self) -> None:
        _check(self.facet, self.separation, self.strata, self.reliability, self.chi_square)
        if self.separation is None and not self.reason:
            raise ValueError(f"{self.facet}: undefined separation must say why")


@dataclass(frozen=True)
class Agreement:
    """Exact agreement with the other raters on the same sample and criterion (FACETS'
    "Inter-rater" figures): observed share against the share the model expects."""

    rater: int | None  # None for the whole team
    label: str
    opportunities: int
    observed: float | None
    expected: float | None
    reason: str | None = None

    @property
    def rasch_kappa(self) -> float | None:
        """``(observed - expected) / (1 - expected)``: near 0 is what the model wants."""
        if self.observed is None or self.expected is None or self.expected >= 1.0:
            return None
        return (self.observed - self.expected) / (1.0 - self.expected)


@dataclass(frozen=True)
class Threshold:
    """An Andrich threshold ``F_k``: where level ``k`` becomes as likely as the level below."""

    scale: str  # "all criteria" (rating scale) or the criterion's label (partial credit)
    level: float
    below: float  # the level in use just below (not always level - 1 when a level is unused)
    measure: float | None
    reason: str | None = None


@dataclass(frozen=True, eq=False)
class FacetsFit:
    """A fitted many-facet Rasch model, with everything FACETS' Tables 7 and 8 report."""

    model: str  # "rating scale" or "partial credit"
    method: str
    data: FacetData
    samples: tuple[ElementMeasure, ...]
    criteria: tuple[ElementMeasure, ...]
    raters: tuple[ElementMeasure, ...]
    thresholds: tuple[Threshold, ...]
    psi: tuple[tuple[float | None, ...], ...]  # cumulative step parameters per scale
    separation: tuple[Separation, ...]
    agreement: tuple[Agreement, ...]  # team first, then one per rater
    subsets: tuple[Subset, ...]
    centred: tuple[str, ...]
    anchored: tuple[str, ...]  # facets with at least one anchored element
    converged: bool
    iterations: int
    log_likelihood: float
    bias_corrected: bool
    extreme_adjustment: float
    warnings: tuple[str, ...] = ()

    @property
    def connected(self) -> bool:
        return len(self.subsets) <= 1

    def facet(self, name: str) -> tuple[ElementMeasure, ...]:
        return {"samples": self.samples, "criteria": self.criteria, "raters": self.raters}[name]

    def separation_of(self, facet: str) -> Separation:
        return next(s for s in self.separation if s.facet == facet)

    def rater(self, label: str) -> ElementMeasure:
        return next(r for r in self.raters if r.label == label)

    def as_json(self) -> dict[str, Any]:
        """Everything but the ratings themselves, as plain JSON-ready data."""
        facets = ("samples", "criteria", "raters")
        return {
            "model": self.model,
            "method": self.method,
            "levels": list(self.data.categories),
            "n_ratings": self.data.n,
            **{f: [asdict(e) for e in self.facet(f)] for f in facets},
            "thresholds": [asdict(t) for t in self.thresholds],
            "separation": [asdict(s) for s in self.separation],
            "agreement": [asdict(a) | {"rasch_kappa": a.rasch_kappa} for a in self.agreement],
            "subsets": [asdict(s) for s in self.subsets],
            "connected": self.connected,
            "centred": list(self.centred),
            "anchored": list(self.anchored),
            "converged": self.converged,
            "iterations": self.iterations,
            "bias_corrected": self.bias_corrected,
            "extreme_adjustment": self.extreme_adjustment,
            "warnings": list(self.warnings),
        }
