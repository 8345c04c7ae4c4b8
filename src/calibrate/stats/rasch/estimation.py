"""Joint maximum likelihood (JMLE) for the many-facet Rasch model, as FACETS estimates it.

Model (Linacre 1989, *Many-Facet Rasch Measurement*; FACETS manual, "Guilford" example)::

    log(P_k / P_{k-1}) = B_sample - D_criterion - C_rater - F_k

written here with cumulative step parameters ``psi``: ``P(x) ∝ exp(x·eta - psi_x)`` where
``eta = B - D - C`` and ``x`` counts rubric steps from the lowest declared level. A level nobody
used keeps its place on the scale (FACETS' "Keep"): its probability is structurally zero and
the steps around it merge. Each scale is located by ``psi = 0`` at its lowest and highest level
in use, which is Andrich's ``sum F_k = 0`` when no level is skipped. The rating-scale model has
one scale; the partial-credit variant one per criterion.

All free parameters are updated together by Newton-Raphson on the joint log-likelihood (which
is concave: the model is an exponential family in ``x·eta - psi_x``), with a step cap of one
logit and step halving, so it converges in a handful of iterations. Centring (FACETS'
``Non-centered=``) is applied after each step, with the float facet absorbing the shift so
that no probability changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import linalg

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest Newton step (logits) for any parameter in one iteration.
MAX_STEP = 1.0


@dataclass
class Problem:
    """The kept ratings and which parameters are free; values are updated in place."""

    n: IntArray
    i: IntArray
    j: IntArray
    x: IntArray
    s: IntArray  # scale of each rating (0 for the rating-scale model; criterion for PCM)
    theta: FloatArray
    delta: FloatArray
    c: FloatArray
    psi: FloatArray  # (scales, K); +inf where a level is not in use
    free_theta: BoolArray
    free_delta: BoolArray
    free_c: BoolArray
    free_psi: BoolArray  # (scales, K)
    centred: tuple[str, ...]  # facets re-centred on 0 after each step
    float_facet: str | None  # facet that absorbs the centring shift
    iterations: int = 0
    converged: bool = False
    max_change: float = float("inf")
    log_likelihood: float = float("nan")
    history: list[float] = field(default_factory=list)

    @property
    def k(self) -> FloatArray:
        return np.arange(self.psi.shape[1], dtype=np.float64)


def category_probabilities(eta: FloatArray, psi_rows: FloatArray) -> FloatArray:
    """``P[o, x]`` for linear predictors ``eta`` and each rating's scale row of ``psi``."""
    k = np.arange(psi_rows.shape[1], dtype=np.float64)
    z = eta[:, None] * k[None, :] - psi_rows
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return p


def moments(p: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Expected score, variance and fourth central moment of each rating (in steps)."""
    k = np.arange(p.shape[1], dtype=np.float64)
    e = p @ k
    d = k[None, :] - e[:, None]
    v = (p * d**2).sum(axis=1)
    c4 = (p * d**4).sum(axis=1)
    return e, v, c4


def _mean_var(p: FloatArray) -> tuple[FloatArray, FloatArray]:
    k = np.arange(p.shape[1], dtype=np.float64)
    e = p @ k
    return e, np.maximum(p @ (k * k) - e * e, 0.0)


def _eta(pb: Problem) -> FloatArray:
    return pb.theta[pb.n] - pb.delta[pb.i] - pb.c[pb.j]


def _probabilities(pb: Problem) -> tuple[FloatArray, float]:
    p = category_probabilities(_eta(pb), pb.psi[pb.s])
    return p, float(np.log(p[np.arange(pb.x.size), pb.x]).sum())


def _layout(pb: Problem) -> tuple[list[IntArray], int]:
    """Positions of the free parameters in the Newton vector: theta, delta, c, psi."""
    sizes = [pb.theta.size, pb.delta.size, pb.c.size, pb.psi.size]
    frees = [pb.free_theta, pb.free_delta, pb.free_c, pb.free_psi.ravel()]
    pos, start = [], 0
    for size, free in zip(sizes, frees, strict=True):
        p = np.full(size, -1, dtype=np.int64)
        p[free] = start + np.arange(int(free.sum()))
        start += int(free.sum())
        pos.append(p)
    return pos, start


@dataclass
class _Information:
    """The negative Hessian in blocks: samples' diagonal ``a``, samples × rest ``b``, rest
    ``c`` (criteria, raters, steps). Each rating involves one sample, so the samples' block
    is diagonal and the whole never needs to be stored densely."""

    n_theta: int
    a: FloatArray
    b: FloatArray
    c: FloatArray

    def add_same(self, pos: IntArray, w: FloatArray) -> None:
        ok = pos >= 0
        pos, w = pos[ok], w[ok]
        th = pos < self.n_theta
        self.a += np.bincount(pos[th], weights=w[th], minlength=self.n_theta)
        rest = pos[~th] - self.n_theta
        nr = self.c.shape[0]
        self.c.ravel()[:] += np.bincount(rest * (nr + 1), weights=w[~th], minlength=nr * nr)

    def add_pair(self, ra: IntArray, rb: IntArray, w: FloatArray) -> None:
        """Add ``w`` at (ra, rb) and (rb, ra); ``ra`` and ``rb`` are never the same element."""
        ok = (ra >= 0) & (rb >= 0)
        ra, rb, w = ra[ok], rb[ok], w[ok]
        nt, nr = self.n_theta, self.c.shape[0]
        for x, y in ((ra, rb), (rb, ra)):
            sel = (x < nt) & (y >= nt)
            self.b.ravel()[:] += np.bincount(
                x[sel] * nr + (y[sel] - nt), weights=w[sel], minlength=nt * nr
            )
        sel = (ra >= nt) & (rb >= nt)
        xr, yr = ra[sel] - nt, rb[sel] - nt
        flat = np.bincount(xr * nr + yr, weights=w[sel], minlength=nr * nr).reshape(nr, nr)
        self.c += flat + flat.T


def _gradient_hessian(
    pb: Problem, p: FloatArray, pos: list[IntArray], m: int
) -> tuple[FloatArray, _Information]:
    """Gradient and (blocked) negative Hessian of the log-likelihood in the free parameters."""
    e, v = _mean_var(p)
    r = pb.x - e
    nt = int(pb.free_theta.sum())
    info = _Information(nt, np.zeros(nt), np.zeros((nt, m - nt)), np.zeros((m - nt, m - nt)))
    # each rating's parameters: (position, sign of d eta / d parameter)
    cols = [(pos[0][pb.n], 1.0), (pos[1][pb.i], -1.0), (pos[2][pb.j], -1.0)]
    g = np.zeros(m + 1)  # last slot collects fixed parameters and is dropped
    for col, sign in cols:
        g += sign * np.bincount(np.where(col < 0, m, col), weights=r, minlength=m + 1)
    for a, (ca, sa) in enumerate(cols):
        info.add_same(ca, v)
        for cb, sb in cols[a + 1 :]:
            info.add_pair(ca, cb, v * (sa * sb))
    # thresholds: d logL / d psi_k = P_k - 1[x = k]; d E / d psi_k = -P_k (k - E)
    psi_pos = pos[3].reshape(pb.psi.shape)
    dk = p * (pb.k[None, :] - e[:, None])  # P_k (k - E)
    for kx in range(pb.psi.shape[1]):
        col_k = psi_pos[pb.s, kx]
        g += np.bincount(np.where(col_k < 0, m, col_k), weights=p[:, kx] - (pb.x == kx),
                         minlength=m + 1)  # fmt: skip
        for ca, sa in cols:
            # -d2L / d(facet) d(psi_k) = -sign * sum P_k (k - E)
            info.add_pair(ca, col_k, -sa * dk[:, kx])
    # -d2L / d psi_k d psi_l = sum P_k (1[k = l] - P_l), one K x K block per scale
    for scale in range(pb.psi.shape[0]):
        where = psi_pos[scale]
        if not (where >= 0).any():
            continue
        ps = p[pb.s == scale]
        w = np.diag(ps.sum(axis=0)) - ps.T @ ps
        idx = np.flatnonzero(where >= 0)
        info.c[np.ix_(where[idx] - nt, where[idx] - nt)] += w[np.ix_(idx, idx)]
    return g[:m], info


def _apply(pb: Problem, pos: list[IntArray], step: FloatArray, t: float) -> None:
    for arr, p in ((pb.theta, pos[0]), (pb.delta, pos[1]), (pb.c, pos[2])):
        free = p >= 0
        arr[free] += t * step[p[free]]
    flat = pb.psi.reshape(-1)
    free = pos[3] >= 0
    flat[free] += t * step[pos[3][free]]


def _centre(pb: Problem) -> None:
    """Re-centre the centred facets on their free elements; the float facet absorbs the shift."""
    arrays = {
        "samples": (pb.theta, pb.free_theta, 1.0),
        "criteria": (pb.delta, pb.free_delta, -1.0),
    }
    arrays["raters"] = (pb.c, pb.free_c, -1.0)
    for facet in pb.centred:
        arr, free, sign = arrays[facet]
        if not free.any():
            continue
        shift = float(arr[free].mean())
        arr[free] -= shift
        if pb.float_facet is not None:
            # eta changed by -sign*shift; the float facet puts it back
            farr, ffree, fsign = arrays[pb.float_facet]
            farr[ffree] += sign * fsign * shift


def _references(pb: Problem, pos: list[IntArray]) -> IntArray:
    """One free element per centred facet, held still within a Newton step.

    Centring leaves the likelihood unchanged, so without this the Newton system is singular
    along the centring directions; the reference is released again by the re-centring.
    """
    refs = []
    for facet, p in zip(("samples", "criteria", "raters"), pos[:3], strict=True):
        if facet in pb.centred and pb.float_facet is not None and (p >= 0).any():
            refs.append(int(p[p >= 0][-1]))
    return np.array(refs, dtype=np.int64)


def _solve(info: _Information, g: FloatArray, hold: IntArray) -> FloatArray:
    """Newton step ``H x = g`` by eliminating the samples' diagonal block (Schur complement);
    parameters in ``hold`` do not move."""
    nt = info.n_theta
    a, b, c, g = info.a.copy(), info.b.copy(), info.c.copy(), g.copy()
    for k in hold:
        g[k] = 0.0
        if k < nt:
            a[k], b[k, :] = 1.0, 0.0
        else:
            c[k - nt, :], c[:, k - nt], b[:, k - nt] = 0.0, 0.0, 0.0
            c[k - nt, k - nt] = 1.0
    scale = max((float(a.sum()) + float(np.trace(c))) / max(g.size, 1), 1.0)
    ridge = 1e-9 * scale
    a = a + ridge
    ainv_b = b / a[:, None]
    rhs = g[nt:] - ainv_b.T @ g[:nt]
    schur = c + ridge * np.eye(c.shape[0]) - b.T @ ainv_b
    y = linalg.solve(schur, rhs, assume_a="pos") if c.size else np.zeros(0)
    return np.concatenate([(g[:nt] - b @ y) / a, y])


def estimate(pb: Problem, *, max_iterations: int = 100, tolerance: float = 1e-8) -> Problem:
    """Newton-Raphson to convergence (largest change below ``tolerance`` logits)."""
    pos, m = _layout(pb)
    p, ll = _probabilities(pb)
    hold = _references(pb, pos)
    for it in range(1, max_iterations + 1):
        if m == 0:
            pb.converged, pb.max_change = True, 0.0
            break
        g, info = _gradient_hessian(pb, p, pos, m)
        step = _solve(info, g, hold)
        biggest = float(np.abs(step).max())
        t = min(1.0, MAX_STEP / biggest) if biggest > 0 else 1.0
        saved = (pb.theta.copy(), pb.delta.copy(), pb.c.copy(), pb.psi.copy())
        for _ in range(30):
            _apply(pb, pos, step, t)
            p_new, new = _probabilities(pb)
            if new >= ll - 1e-9 * max(1.0, abs(ll)):
                break
            pb.theta[:], pb.delta[:], pb.c[:], pb.psi[:] = (a.copy() for a in saved)
            t /= 2
        p, ll = p_new, new
        _centre(pb)  # leaves every probability as it was
        pb.history.append(ll)
        pb.iterations, pb.max_change = it, t * biggest
        if t * biggest < tolerance:
            pb.converged = True
            break
    pb.log_likelihood = ll
    return pb


def solve_single(
    eta_rest: FloatArray,
    psi_rows: FloatArray,
    target: float,
    *,
    sign: float,
) -> tuple[float, float]:
    """The measure ``m`` of one element, others fixed, whose expected score equals ``target``.

    ``eta = eta_rest + sign * m`` for each of the element's ratings. Returns ``(m, se)`` with
    ``se = 1/sqrt(information)`` at ``m``. Used for extreme elements (with the score pulled in
    from the extreme) and for anchored elements' displacement.
    """
    lo, hi = -40.0, 40.0
    m = 0.0
    for _ in range(200):
        e, v, _ = moments(category_probabilities(eta_rest + sign * m, psi_rows))
        f = float(e.sum()) - target
        info = float(v.sum())
        if sign * f > 0:
            hi = m
        else:
            lo = m
        nxt = m - sign * f / info if info > 1e-12 else (lo + hi) / 2
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2
        if abs(nxt - m) < 1e-10:
            m = nxt
            break
        m = nxt
    e, v, _ = moments(category_probabilities(eta_rest + sign * m, psi_rows))
    return m, float(1.0 / np.sqrt(v.sum()))
