"""Agreement weights over the declared categories.

Weights are computed from the numeric category values (Cicchetti & Allison 1971 for linear,
Fleiss & Cohen 1973 for quadratic), as Gwet (2014, ch. 3) and SAS PROC FREQ do, over the
*declared* categories, including levels nobody used. For equally spaced rubric levels this is
the same as weighting by the levels' positions.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt


class Weighting(StrEnum):
    IDENTITY = "identity"
    LINEAR = "linear"
    QUADRATIC = "quadratic"


def weight_matrix(
    category_values: npt.ArrayLike, weighting: Weighting | str
) -> npt.NDArray[np.float64]:
    """q × q agreement weights w[k, l] in [0, 1], 1 on the diagonal."""
    weighting = Weighting(weighting)
    x = np.asarray(category_values, dtype=np.float64)
    q = x.size
    if weighting is Weighting.IDENTITY or q < 2:
        return np.eye(q)
    span = x.max() - x.min()
    d = np.abs(x[:, None] - x[None, :]) / span
    out: npt.NDArray[np.float64] = 1.0 - d if weighting is Weighting.LINEAR else 1.0 - d**2
    return out
