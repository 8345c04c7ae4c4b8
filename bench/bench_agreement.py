"""Speed and memory of the agreement statistics (issue 2's targets).

    .venv/bin/python bench/bench_agreement.py

Targets: the whole report on a meeting-sized table (12 raters × 8 samples) in ≤ 5 ms (issue 15);
alpha on 10 raters × 20,000 units no slower than the `krippendorff` package, and the whole report
there (every SE and interval) ≤ 10× `krippendorff.alpha` alone; memory bounded by the number of
categories, not the number of ratings squared. irrCAC (AC1, Fleiss) is timed beside ours.
The last section times `calibrate agree` as a whole process, CSV in and JSON out (most of the
time is there): see bench/bench_agree_process.py, which it runs with --quick.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from calibrate.domain.ratings import RatingTable
from calibrate.stats import chance_corrected, krippendorff
from calibrate.stats.report import agreement_report


def table(n_units: int, n_raters: int, *, seed: int, missing: float = 0.1) -> RatingTable:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=n_units)
    noise = rng.choice([-1, 0, 0, 0, 1], size=(n_units, n_raters))
    codes = np.clip(truth[:, None] + noise, 0, 3)
    codes[rng.random(codes.shape) < missing] = -1
    return RatingTable(codes, (1.0, 2.0, 3.0, 4.0), "ordinal")  # type: ignore[arg-type]


def timed(fn: Callable[[], object], *, repeat: int) -> float:
    """Median wall time in milliseconds."""
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    meeting = table(8, 12, seed=1)
    print("meeting table: 8 samples × 12 raters")
    print(
        f"  whole report (all 28 coefficients, 1000 bootstrap resamples): "
        f"{timed(lambda: agreement_report(meeting), repeat=30):.1f} ms   (target ≤ 5 ms)"
    )

    big = table(20_000, 10, seed=2)
    print("large table: 20,000 units × 10 raters")
    ours = timed(lambda: krippendorff.krippendorff_alpha_value(big, level=big.level), repeat=5)
    print(f"  alpha (ordinal), calibrate:            {ours:8.1f} ms")
    try:
        import krippendorff as kpkg

        data = big.values().T
        theirs = timed(
            lambda: kpkg.alpha(
                reliability_data=data,
                level_of_measurement="ordinal",
                value_domain=[1.0, 2.0, 3.0, 4.0],
            ),
            repeat=5,
        )
        print(f"  alpha (ordinal), krippendorff package: {theirs:8.1f} ms   (target: ours ≤ this)")
    except ImportError:
        print("  (krippendorff package not installed: pip install krippendorff)")
    ac1 = timed(lambda: chance_corrected.gwet_ac1(big), repeat=5)
    fk = timed(lambda: chance_corrected.fleiss_kappa(big), repeat=5)
    print(f"  Gwet AC1 with SE, calibrate:           {ac1:8.1f} ms")
    print(f"  Fleiss kappa with SE, calibrate:       {fk:8.1f} ms")
    try:
        import pandas as pd
        from irrCAC.raw import CAC

        frame = pd.DataFrame(big.values())
        cac = CAC(frame, categories=[1.0, 2.0, 3.0, 4.0])
        print(f"  Gwet AC1, irrCAC:                      {timed(cac.gwet, repeat=3):8.1f} ms")
        print(f"  Fleiss kappa, irrCAC:                  {timed(cac.fleiss, repeat=3):8.1f} ms")
    except ImportError:
        print("  (irrCAC not installed: pip install --no-deps irrcac)")
    report_ms = timed(lambda: agreement_report(big), repeat=3)
    print(f"  whole report (1000 bootstrap resamples): {report_ms:8.1f} ms")
    if "theirs" in locals():
        print(
            f"  whole report / krippendorff.alpha:       {report_ms / theirs:8.1f}×  (target ≤ 10×)"
        )

    print("memory (peak traced allocations) for alpha as the number of units grows:")
    for n in (5_000, 20_000, 80_000):
        t = table(n, 10, seed=3)
        mib = peak_mib(lambda t=t: krippendorff.krippendorff_alpha_value(t, level=t.level))
        print(f"  {n:>6} units × 10 raters ({t.n_ratings:>7} ratings): {mib:6.2f} MiB")

    print(
        "whole process (CSV to JSON), bench/bench_agree_process.py --quick --repeat 3:", flush=True
    )
    here = Path(__file__).resolve().parent
    subprocess.run(
        [sys.executable, str(here / "bench_agree_process.py"), "--quick", "--repeat", "3"],
        check=True,
    )


if __name__ == "__main__":
    main()
