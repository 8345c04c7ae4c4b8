"""The few distribution functions the statistics need, from ``scipy.special``.

``scipy.stats`` computes these same functions by calling ``scipy.special`` (``t.ppf`` is
``stdtrit``, ``norm.ppf`` is ``ndtri``, ``f.ppf`` is ``fdtri``, ``t.sf`` is ``stdtr`` of
``-x``, ``norm.sf`` is ``ndtr`` of ``-x``), so the values are identical, bit for bit (tested);
but importing ``scipy.stats`` takes about three times as long, which a command that runs once
and exits pays every time.
"""

from __future__ import annotations

from scipy import special


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (``t.ppf``)."""
    return float(special.stdtrit(df, p))


def normal_quantile(p: float) -> float:
    """The ``p`` quantile of the standard normal distribution (``norm.ppf``)."""
    return float(special.ndtri(p))


def f_quantile(p: float, dfn: float, dfd: float) -> float:
    """The ``p`` quantile of the F distribution with ``(dfn, dfd)`` degrees of freedom."""
    return float(special.fdtri(dfn, dfd, p))


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of a t statistic: ``2 · t.sf(|t|, df)``."""
    return float(2.0 * special.stdtr(df, -abs(t)))


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a z statistic: ``2 · norm.sf(|z|)``."""
    return float(2.0 * special.ndtr(-abs(z)))
