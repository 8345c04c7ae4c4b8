"""Speed of the many-facet Rasch fit (issue 16's target: a school year in ≤ 1 s in process).

    .venv/bin/python bench/bench_rasch.py

A school year of meetings: 40 raters × 200 samples × 5 criteria on a 1–5 rubric, simulated
from the model. Times the fit alone and the fit plus the rater × criterion bias table and the
plain-words readings for every rater (what a rater screen needs), as the median of interleaved
runs, for the complete design (every rater scores every sample: 40,000 ratings) and a linked
one (5 raters per sample: 5,000 ratings). Prints one JSON line.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.stats.rasch.simulate import simulate

from calibrate.stats.rasch import (
    FacetData,
    facet_data,
    fit_facets,
    rater_criterion_bias,
    rater_readings,
)

TARGET_S = 1.0
RUNS = 7


def school_year(*, raters_per_sample: int | None, seed: int) -> FacetData:
    sim = simulate(
        np.random.default_rng(seed),
        n_samples=200,
        n_criteria=5,
        n_raters=40,
        raters_per_sample=raters_per_sample,
    )
    return facet_data(sim.sample, sim.criterion, sim.rater, sim.code, categories=(1, 2, 3, 4, 5))


def whole_screen(data: FacetData) -> None:
    fit = fit_facets(data, model="rating scale")
    rater_criterion_bias(fit)
    for r in fit.raters:
        rater_readings(fit, r.label)


def main() -> None:
    designs = {
        "complete": school_year(raters_per_sample=None, seed=1),
        "linked": school_year(raters_per_sample=5, seed=2),
    }
    jobs: dict[str, Callable[[], object]] = {}
    for name, data in designs.items():
        jobs[f"{name}_fit"] = lambda d=data: fit_facets(d, model="rating scale")  # type: ignore[misc]
        jobs[f"{name}_screen"] = lambda d=data: whole_screen(d)  # type: ignore[misc]
    runs: dict[str, list[float]] = {k: [] for k in jobs}
    for job in jobs.values():
        job()  # warm-up
    for _ in range(RUNS):  # interleaved
        for key, job in jobs.items():
            start = time.perf_counter()
            job()
            runs[key].append(time.perf_counter() - start)
    medians = {k: round(statistics.median(v), 3) for k, v in runs.items()}
    fit = fit_facets(designs["complete"], model="rating scale")
    print(
        json.dumps(
            {
                "bench": "rasch",
                "design": "40 raters x 200 samples x 5 criteria, levels 1-5",
                "ratings": {k: v.n for k, v in designs.items()},
                "median_s": medians,
                "runs": RUNS,
                "iterations_complete": fit.iterations,
                "target_s": TARGET_S,
                "meets_target": medians["complete_screen"] <= TARGET_S,
                "python": platform.python_version(),
                "numpy": np.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
