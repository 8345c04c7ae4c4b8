"""Many-facet Rasch measurement for rater effects on one scale (pure numpy/scipy, no I/O).

Separates how good a sample is, how hard a criterion is and how severe a rater is, so that a
rater who happened to score the hardest essays is not called severe, and each student gets a
fair average whichever teachers scored the work. See docs/rasch.md.

- :func:`facet_data` checks long-format ratings; :func:`fit_facets` fits the model (JMLE);
- :func:`rater_criterion_bias` estimates rater × criterion interactions;
- :class:`Anchors`, :func:`anchors_from`, :func:`severity_drift` put meetings on one scale;
- :func:`rater_readings` says it in plain words for coaches.
May import numpy, scipy and calibrate.domain only.
"""

from calibrate.stats.rasch.anchoring import Anchors, SeverityDrift, anchors_from, severity_drift
from calibrate.stats.rasch.design import FacetData, FacetDataError, Subset, facet_data
from calibrate.stats.rasch.interactions import Interaction, rater_criterion_bias
from calibrate.stats.rasch.model import fit_facets
from calibrate.stats.rasch.readings import RaterReading, level_difference, rater_readings
from calibrate.stats.rasch.results import (
    Agreement,
    ElementMeasure,
    FacetsFit,
    Fit,
    Separation,
    Status,
    Threshold,
)

__all__ = [
    "Agreement",
    "Anchors",
    "ElementMeasure",
    "FacetData",
    "FacetDataError",
    "FacetsFit",
    "Fit",
    "Interaction",
    "RaterReading",
    "Separation",
    "SeverityDrift",
    "Status",
    "Subset",
    "Threshold",
    "anchors_from",
    "facet_data",
    "fit_facets",
    "level_difference",
    "rater_criterion_bias",
    "rater_readings",
    "severity_drift",
]
