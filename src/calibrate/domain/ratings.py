"""The ratings table that every agreement statistic reads.

A table is units (samples, or sample × criterion items) by raters. Every rating is one of the
declared categories (the rubric's levels, including levels nobody used); a missing rating is
stored as the code -1. The level of measurement is always explicit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from calibrate.domain.errors import CalibrateError

Category = float | str

MISSING = -1


class Measurement(StrEnum):
    """Level of measurement of the ratings (Stevens). Never assumed: always passed in."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"

    @property
    def ordered(self) -> bool:
        return self is not Measurement.NOMINAL


@dataclass(frozen=True, eq=False)
class RatingTable:
    """Ratings as a units × raters grid of category codes.

    ``codes[i, j]`` is the index into ``categories`` of the level rater ``j`` gave unit ``i``,
    or ``MISSING`` (-1). For ordered levels the categories are numeric and ascending.
    """

    codes: npt.NDArray[np.int64]
    categories: tuple[Category, ...]
    level: Measurement
    unit_ids: tuple[str, ...] = field(default=())
    rater_ids: tuple[str, ...] = field(default=())
    #: When the units are sample × criterion items: the sample each unit is an item of, so a
    #: report can count samples and items apart. Empty when each unit is a sample.
    unit_samples: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Measurement(self.level))
        codes = np.asarray(self.codes, dtype=np.int64)
        if codes.ndim != 2:
            raise CalibrateError("ratings must be a two-dimensional units × raters table")
        object.__setattr__(self, "codes", codes)
        q = len(self.categories)
        if len(set(self.categories)) != q:
            raise CalibrateError("the declared categories contain a duplicate")
        if codes.size and (codes.min() < MISSING or codes.max() >= q):
            raise CalibrateError("a rating code is outside the declared categories")
        if self.level.ordered:
            if not all(_is_number(c) for c in self.categories):
                raise CalibrateError(
                    f"{self.level.value} ratings need numeric categories; got "
                    + ", ".join(map(str, self.categories))
                )
            values = [float(c) for c in self.categories]
            if values != sorted(values):
                raise CalibrateError("ordered categories must be declared in ascending order")
        if not self.unit_ids:
            object.__setattr__(self, "unit_ids", tuple(str(i + 1) for i in range(codes.shape[0])))
        if not self.rater_ids:
            object.__setattr__(
                self, "rater_ids", tuple(f"rater {j + 1}" for j in range(codes.shape[1]))
            )
        if len(self.unit_ids) != codes.shape[0] or len(self.rater_ids) != codes.shape[1]:
            raise CalibrateError("unit or rater labels do not match the table's shape")
        if self.unit_samples and len(self.unit_samples) != codes.shape[0]:
            raise CalibrateError("the samples of the units do not match the table's shape")

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_values(
        cls,
        values: Sequence[Sequence[Category | None]] | npt.ArrayLike,
        *,
        categories: Sequence[Category],
        level: Measurement | str,
        unit_ids: Sequence[str] = (),
        rater_ids: Sequence[str] = (),
    ) -> RatingTable:
        """Build from a grid of category values; ``None`` or NaN marks a missing rating."""
        level = Measurement(level)
        cats = tuple(float(c) if level.ordered else c for c in categories)
        index = {c: k for k, c in enumerate(cats)}
        rows = [list(r) for r in np.asarray(values, dtype=object)]
        codes = np.full((len(rows), len(rows[0]) if rows else 0), MISSING, dtype=np.int64)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                key: Category = float(v) if level.ordered else v
                if key not in index and _is_number(v):
                    key = float(v)
                if key not in index and not isinstance(v, str):
                    key = str(v)
                if key not in index:
                    raise CalibrateError(f"the rating {v!r} is not one of the declared categories")
                codes[i, j] = index[key]
        return cls(codes, cats, level, tuple(unit_ids), tuple(rater_ids))

    # ----------------------------------------------------------------- views
    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_samples(self) -> int:
        """How many samples the units come from (the units themselves unless they are items)."""
        return len(set(self.unit_samples)) if self.unit_samples else self.n_units

    @property
    def n_raters(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @property
    def n_ratings(self) -> int:
        return int((self.codes != MISSING).sum())

    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """Boolean mask of the ratings that exist."""
        mask: npt.NDArray[np.bool_] = self.codes != MISSING
        return mask

    @property
    def category_values(self) -> npt.NDArray[np.float64]:
        """The categories as numbers (ordered levels only)."""
        if not all(_is_number(c) for c in self.categories):
            raise CalibrateError("these categories are not numbers")
        return np.array([float(c) for c in self.categories], dtype=np.float64)

    def values(self) -> npt.NDArray[np.float64]:
        """The numeric rating of each cell, NaN where missing (numeric categories only)."""
        cv = self.category_values
        out = np.full(self.codes.shape, np.nan)
        mask = self.present
        out[mask] = cv[self.codes[mask]]
        return out

    def counts(self) -> npt.NDArray[np.int64]:
        """``r[i, k]``: how many raters put unit ``i`` in category ``k`` (units × categories).
        Counted once per table (every coefficient asks) and read-only."""
        return self._counts

    @cached_property
    def _counts(self) -> npt.NDArray[np.int64]:
        out = self._count()
        out.flags.writeable = False
        return out

    def _count(self) -> npt.NDArray[np.int64]:
        q = self.n_categories
        if q <= 16:  # one pass per category beats a scatter for rubric-sized scales
            out = np.empty((self.n_units, q), dtype=np.int64)
            for k in range(q):
                out[:, k] = np.count_nonzero(self.codes == k, axis=1)
            return out
        rows, cols = np.nonzero(self.present)
        flat = rows * q + self.codes[rows, cols]
        counts = np.bincount(flat, minlength=self.n_units * q).astype(np.int64, copy=False)
        return counts.reshape(self.n_units, q)

    def complete_units(self) -> RatingTable:
        """The units every rater rated (listwise deletion). Made once per table (the listwise
        kappa, the ICCs and Kendall's W all ask) and shared: a table is never changed."""
        return self._complete

    @cached_property
    def _complete(self) -> RatingTable:
        keep = np.asarray(self.present.all(axis=1))
        if keep.all():
            return self  # frozen: nothing to copy
        kept = np.flatnonzero(keep).tolist()
        return RatingTable(
            self.codes[keep],
            self.categories,
            self.level,
            tuple(self.unit_ids[i] for i in kept),
            self.rater_ids,
            tuple(self.unit_samples[i] for i in kept) if self.unit_samples else (),
        )

    def select_raters(self, columns: Sequence[int]) -> RatingTable:
        cols = list(columns)
        return RatingTable(
            self.codes[:, cols],
            self.categories,
            self.level,
            self.unit_ids,
            tuple(self.rater_ids[j] for j in cols),
            self.unit_samples,
        )

    def with_level(self, level: Measurement) -> RatingTable:
        return RatingTable(
            self.codes, self.categories, level, self.unit_ids, self.rater_ids, self.unit_samples
        )


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False
