"""Work that several coefficients share, done once per ratings table.

A report asks for 28 coefficients on one table, and many of them start from the same step:
the twelve Gwet-family coefficients from the same counts and observed agreement per weighting,
the six ICCs from the same two-way mean squares, listwise Fleiss, the ICCs and Kendall's W from
the same fully scored units. :func:`remembered` keeps such a step's result beside the table
(a weak reference: it goes when the table goes), so it is computed once, whichever coefficient
asks first. Results kept here must not be changed by their readers; arrays are made read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from calibrate.domain.ratings import RatingTable

T = TypeVar("T")

_KEPT: weakref.WeakKeyDictionary[RatingTable, dict[Hashable, object]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def remembered(table: RatingTable, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned the last time ``key`` was asked of ``table``."""
    with _LOCK:
        kept = _KEPT.get(table)
        if kept is not None and key in kept:
            return cast(T, kept[key])
    value = compute()  # outside the lock: two threads may both compute, and both get a value
    with _LOCK:
        _KEPT.setdefault(table, {})[key] = value
    return value
