"""The ratings a many-facet Rasch fit reads, checked; and what the design can and cannot separate.

Ratings come in *long* format, one row per rating: the sample (student work), the criterion,
the rater and the level code (an index into the rubric's declared levels, ``-1`` or NaN when
missing). The declared levels are always passed in, including levels nobody used.

- :func:`facet_data` validates the rows and returns a :class:`FacetData`.
- :func:`subsets` finds groups of samples and raters whose measures cannot be compared because
  no rating links them (FACETS' "disjoint subsets"), from the null space of the design.
- :func:`extreme_elements` finds elements whose every rating is the lowest (or highest) level
  in use: their measures are infinite under the model and are estimated apart (see
  :mod:`calibrate.stats.rasch.estimation`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calibrate.domain.errors import CalibrateError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

FACETS = ("samples", "criteria", "raters")


class FacetDataError(CalibrateError):
    """Ratings that cannot be fitted: the message names the row and field."""


@dataclass(frozen=True, eq=False)
class FacetData:
    """Observed ratings only (missing rows dropped), as parallel integer arrays."""

    sample: IntArray
    criterion: IntArray
    rater: IntArray
    code: IntArray  # index into ``categories``
    categories: tuple[float, ...]
    sample_labels: tuple[str, ...]
    criterion_labels: tuple[str, ...]
    rater_labels: tuple[str, ...]
    n_missing: int = 0

    @property
    def n(self) -> int:
        return int(self.code.size)

    @property
    def n_samples(self) -> int:
        return len(self.sample_labels)

    @property
    def n_criteria(self) -> int:
        return len(self.criterion_labels)

    @property
    def n_raters(self) -> int:
        return len(self.rater_labels)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def labels(self, facet: str) -> tuple[str, ...]:
        return {
            "samples": self.sample_labels,
            "criteria": self.criterion_labels,
            "raters": self.rater_labels,
        }[facet]

    def index(self, facet: str) -> IntArray:
        return {"samples": self.sample, "criteria": self.criterion, "raters": self.rater}[facet]


def _column(values: npt.ArrayLike, name: str) -> FloatArray:
    a = np.asarray(values, dtype=np.float64).ravel()
    return a


def _labels(given: Sequence[str] | None, n: int, what: str, prefix: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{prefix} {k + 1}" for k in range(n))
    labels = tuple(str(x) for x in given)
    if len(labels) < n:
        raise FacetDataError(f"{len(labels)} {what} labels given, but the ratings use {n}.")
    if len(set(labels)) != len(labels):
        raise FacetDataError(f"two {what} share a label; each needs its own.")
    return labels


def facet_data(
    samples: npt.ArrayLike,
    criteria: npt.ArrayLike,
    raters: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    categories: Sequence[float],
    sample_labels: Sequence[str] | None = None,
    criterion_labels: Sequence[str] | None = None,
    rater_labels: Sequence[str] | None = None,
) -> FacetData:
    """Check long-format ratings and keep the observed ones.

    ``codes[r]`` is the index into ``categories`` (the rubric's levels, ascending numbers,
    including unused ones) of the level rater ``raters[r]`` gave sample ``samples[r]`` on
    criterion ``criteria[r]``; ``-1`` or NaN means missing. A sample, criterion and rater may
    appear together at most once. Raises :class:`FacetDataError` naming the row and field.
    """
    cats = tuple(float(c) for c in categories)
    if len(cats) < 2:
        raise FacetDataError("a rubric needs at least two levels to fit a rating scale.")
    if any(b <= a for a, b in itertools.pairwise(cats)):
        raise FacetDataError("the rubric's levels must be distinct numbers in ascending order.")
    cols = {
        "sample": _column(samples, "sample"),
        "criterion": _column(criteria, "criterion"),
        "rater": _column(raters, "rater"),
        "level": _column(codes, "level"),
    }
    lengths = {k: v.size for k, v in cols.items()}
    if len(set(lengths.values())) != 1:
        raise FacetDataError(
            "the four columns have different lengths: "
            + ", ".join(f"{k} {v}" for k, v in lengths.items())
        )
    code = cols["level"]
    missing = np.isnan(code) | (code == -1)
    for name in ("sample", "criterion", "rater"):
        bad = np.flatnonzero(np.isnan(cols[name]) | (cols[name] < 0) | (cols[name] % 1 != 0))
        if bad.size:
            raise FacetDataError(
                f"row {bad[0] + 1}, field {name}: {cols[name][bad[0]]} is not an index (0, 1, …)."
            )
    bad = np.flatnonzero(~missing & ((code < 0) | (code >= len(cats)) | (code % 1 != 0)))
    if bad.size:
        raise FacetDataError(
            f"row {bad[0] + 1}, field level: code {code[bad[0]]} is not one of the "
            f"{len(cats)} declared levels (codes 0 to {len(cats) - 1}, or -1 for missing)."
        )
    keep = ~missing
    s, c, r = (cols[k][keep].astype(np.int64) for k in ("sample", "criterion", "rater"))
    x = code[keep].astype(np.int64)
    rows = np.flatnonzero(keep)
    n_s = int(max(s.max(initial=-1) + 1, len(sample_labels or ())))
    n_c = int(max(c.max(initial=-1) + 1, len(criterion_labels or ())))
    n_r = int(max(r.max(initial=-1) + 1, len(rater_labels or ())))
    if x.size:
        key = (s * n_c + c) * n_r + r
        order = np.argsort(key, kind="stable")
        dup = np.flatnonzero(np.diff(key[order]) == 0)
        if dup.size:
            first, second = rows[order[dup[0]]], rows[order[dup[0] + 1]]
            raise FacetDataError(
                f"rows {first + 1} and {second + 1}: the same rater scored the same sample on "
                "the same criterion twice; keep one."
            )
    return FacetData(
        sample=s,
        criterion=c,
        rater=r,
        code=x,
        categories=cats,
        sample_labels=_labels(sample_labels, n_s, "sample", "sample"),
        criterion_labels=_labels(criterion_labels, n_c, "criterion", "criterion"),
        rater_labels=_labels(rater_labels, n_r, "rater", "rater"),
        n_missing=int(missing.sum()),
    )


# ----------------------------------------------------------------- extreme elements
def extreme_elements(
    data: FacetData,
    scale_of_obs: IntArray,
    *,
    partial_credit: bool,
    anchored: dict[str, npt.NDArray[np.bool_]],
) -> tuple[npt.NDArray[np.bool_], dict[str, npt.NDArray[np.int8]], npt.NDArray[np.bool_]]:
    """Drop elements with extreme scores until none is left (as FACETS does).

    Returns ``(kept, status, active)``: which observations are kept for estimation; per facet an
    array with 0 (estimable), -1 (every kept rating at the lowest level in use), +1 (highest),
    2 (no rating at all); and the levels in use per scale (``active[s, k]``) among kept ratings.
    Removing an extreme sample can make a rater extreme, so this repeats until stable.
    Anchored elements are never dropped: with their measure fixed, their ratings still locate
    the elements they meet.
    """
    n_scales = data.n_criteria if partial_credit else 1
    kept = np.ones(data.n, dtype=bool)
    status = {f: np.zeros(len(data.labels(f)), dtype=np.int8) for f in FACETS}
    for f in FACETS:
        present = np.bincount(data.index(f), minlength=len(data.labels(f))) > 0
        status[f][~present] = 2
    while True:
        active = np.zeros((n_scales, data.n_categories), dtype=bool)
        active[scale_of_obs[kept], data.code[kept]] = True
        lo = np.argmax(active, axis=1)
        hi = data.n_categories - 1 - np.argmax(active[:, ::-1], axis=1)
        at_lo = data.code == lo[scale_of_obs]
        at_hi = data.code == hi[scale_of_obs]
        changed = False
        for f in FACETS:
            idx, m = data.index(f), len(data.labels(f))
            count = np.bincount(idx[kept], minlength=m)
            n_lo = np.bincount(idx[kept & at_lo], minlength=m)
            n_hi = np.bincount(idx[kept & at_hi], minlength=m)
            is_lo = (count > 0) & (n_lo == count)
            is_hi = (count > 0) & (n_hi == count) & ~is_lo
            new = (is_lo | is_hi) & (status[f] == 0) & ~anchored[f]
            if new.any():
                status[f][is_lo & new] = -1
                status[f][is_hi & new] = 1
                kept &= ~new[idx]
                changed = True
        if not changed:
            return kept, status, active


# ----------------------------------------------------------------- disjoint subsets
@dataclass(frozen=True)
class Subset:
    """Elements linked by ratings; measures are comparable only within one subset."""

    samples: tuple[int, ...]
    raters: tuple[int, ...]
    criteria: tuple[int, ...]


def subsets(data: FacetData, kept: npt.NDArray[np.bool_]) -> tuple[Subset, ...]:
    """Disjoint subsets of the design among kept ratings; one subset when all is linked.

    The log-odds of every rating is ``B_sample - D_criterion - C_rater``. That sum is unchanged
    by two shifts of the whole scale (samples and raters up together; criteria up and raters
    down). Any further direction in the null space of the design matrix is a group of elements
    that can move against the rest: a disjoint subset. Elements are grouped within each facet by
    their coordinates in those extra directions, and the groups of facets that split are joined
    through the ratings that link them.
    """
    s, c, r = data.sample[kept], data.criterion[kept], data.rater[kept]
    ns, nc, nr = data.n_samples, data.n_criteria, data.n_raters
    used = [np.unique(s), np.unique(c), np.unique(r)]
    if s.size == 0:
        return ()
    pos_s = np.full(ns, -1)
    pos_s[used[0]] = np.arange(used[0].size)
    pos_c = np.full(nc, -1)
    pos_c[used[1]] = used[0].size + np.arange(used[1].size)
    pos_r = np.full(nr, -1)
    pos_r[used[2]] = used[0].size + used[1].size + np.arange(used[2].size)
    p = used[0].size + used[1].size + used[2].size
    cols = np.stack([pos_s[s], pos_c[c], pos_r[r]], axis=1)
    sign = np.array([1.0, -1.0, -1.0])
    gram = np.zeros((p, p))
    for a in range(3):
        for b in range(3):
            np.add.at(gram, (cols[:, a], cols[:, b]), sign[a] * sign[b])
    values, vectors = np.linalg.eigh(gram)
    null = vectors[:, values < 1e-8 * max(values.max(), 1.0)]
    known = np.zeros((p, 2))
    known[: used[0].size, 0] = 1.0
    known[used[0].size + used[1].size :, 0] = 1.0
    known[used[0].size : used[0].size + used[1].size, 1] = 1.0
    known[used[0].size + used[1].size :, 1] = -1.0
    q, _ = np.linalg.qr(known)
    extra = null - q @ (q.T @ null)
    u, sv, _ = np.linalg.svd(extra, full_matrices=False)
    extra = u[:, sv > 1e-6]
    if extra.shape[1] == 0:
        return (
            Subset(tuple(map(int, used[0])), tuple(map(int, used[2])), tuple(map(int, used[1]))),
        )
    starts = [0, used[0].size, used[0].size + used[1].size, p]
    groups: list[IntArray] = []
    for f in range(3):
        block = np.round(extra[starts[f] : starts[f + 1]] / np.abs(extra).max(), 6)
        _, g = np.unique(block, axis=0, return_inverse=True)
        groups.append(np.asarray(g).ravel())
    split = [int(g.max()) > 0 for g in groups]
    offset = np.cumsum([0] + [int(g.max()) + 1 for g in groups])
    parent = list(range(int(offset[-1])))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    node = [
        offset[f] + groups[f][cols[:, f] - starts[f]] for f in range(3)
    ]  # group node of each rating, per facet
    for a in range(3):
        for b in range(a + 1, 3):
            if split[a] and split[b]:
                for x, y in set(zip(node[a].tolist(), node[b].tolist(), strict=True)):
                    parent[find(x)] = find(y)
    out: dict[int, list[list[int]]] = {}
    for f in range(3):
        for k, element in enumerate(used[f]):
            root = find(int(offset[f] + groups[f][k])) if split[f] else -1
            out.setdefault(root, [[], [], []])[f].append(int(element))
    common = out.pop(-1, [[], [], []])
    result = []
    for members in out.values():
        full = [members[f] if split[f] else common[f] for f in range(3)]
        result.append(Subset(tuple(full[0]), tuple(full[2]), tuple(full[1])))
    result.sort(key=lambda x: (x.samples[:1], x.raters[:1]))
    return tuple(result)
