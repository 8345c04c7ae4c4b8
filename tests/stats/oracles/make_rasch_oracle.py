"""Regenerate rasch_erm.json: conditional-ML (eRm) estimates of many-facet data sets.

Run by hand where R and eRm are installed (Debian: ``apt-get install r-base-core r-cran-erm``):

    .venv/bin/python tests/stats/oracles/make_rasch_oracle.py

The JSON holds the ratings themselves and eRm's estimates, so the tests (and CI) need no R.
eRm's LPCM recodes an item column that never uses the lowest category, and truncates one that
lacks the top category, which would silently break the shared rating scale; the R script
refuses such data, and this script draws seeds until every rater × criterion column uses both.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.stats.rasch.simulate import Simulated, simulate  # noqa: E402

K = 4  # rubric levels 1..4
STEPS = (-1.2, 0.0, 1.2)


def _uses_extremes(sim: Simulated, n_criteria: int, n_raters: int) -> bool:
    for j in range(n_raters):
        for i in range(n_criteria):
            x = sim.code[(sim.rater == j) & (sim.criterion == i)]
            if x.size == 0 or x.min() != 0 or x.max() != K - 1:
                return False
    return True


def _draw(name: str, first_seed: int, **design: object) -> tuple[int, Simulated]:
    for seed in range(first_seed, first_seed + 500):
        sim = simulate(np.random.default_rng(seed), steps=STEPS, ability_sd=1.5, **design)  # type: ignore[arg-type]
        if name == "linked_with_extreme":
            # one sample scored the lowest level by everyone (an extreme element)
            sim.code[sim.sample == 0] = 0
        if _uses_extremes(sim, int(design["n_criteria"]), int(design["n_raters"])):  # type: ignore[call-overload]
            return seed, sim
    raise SystemExit(f"{name}: no seed gave every item column both extreme levels")


def _erm(sim: Simulated, model: str) -> tuple[dict[str, list[float]], str]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "long.csv", Path(tmp) / "erm.csv"
        with src.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["sample", "criterion", "rater", "code"])
            w.writerows(zip(sim.sample, sim.criterion, sim.rater, sim.code, strict=True))
        run = subprocess.run(
            ["Rscript", str(HERE / "erm_lpcm.R"), str(src), str(K), str(out), model],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode:
            raise SystemExit(f"eRm failed: {run.stderr}")
        rows = list(csv.DictReader(out.open()))
    est = {r["name"]: (float(r["estimate"]), float(r["se"])) for r in rows}
    return {k: list(v) for k, v in est.items()}, run.stdout.strip()


def main() -> None:
    designs = {
        "complete": dict(n_samples=40, n_criteria=4, n_raters=8),
        "linked_with_extreme": dict(
            n_samples=60, n_criteria=4, n_raters=8, raters_per_sample=5, missing=0.05
        ),
        "partial_credit": dict(
            n_samples=60,
            n_criteria=4,
            n_raters=6,
            criterion_steps=(
                (-2.0, 0.0, 2.0),
                (-0.5, 0.0, 0.5),
                (-1.0, -0.5, 1.5),
                (-1.5, 0.5, 1.0),
            ),
        ),
    }
    version = subprocess.run(
        ["Rscript", "-e", 'cat(R.version.string, "| eRm", as.character(packageVersion("eRm")))'],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    out: dict[str, object] = {
        "source": f"eRm::LPCM conditional ML, {version}; made by tests/stats/oracles/"
        "make_rasch_oracle.py",
        "levels": list(range(1, K + 1)),
        "data_sets": {},
    }
    for k, (name, design) in enumerate(designs.items()):
        seed, sim = _draw(name, 100 * (k + 1), **design)
        model = "partial credit" if name == "partial_credit" else "rating scale"
        est, log = _erm(sim, model)
        n_c, n_r = int(design["n_criteria"]), int(design["n_raters"])  # type: ignore[call-overload]
        # eRm's parameters are easiness: negate for difficulty / severity (calibrate's sign)
        crit = [-est[f"criterion{i + 1}"][0] for i in range(n_c - 1)]
        rat = [-est[f"rater{j + 1}"][0] for j in range(n_r - 1)]
        if model == "rating scale":
            # eRm: category 1 fixed at 0, categories 2..K-1 free; move to psi_0 = psi_{K-1} = 0
            # (the h * a shift is absorbed by the conditioned-out sample measures)
            raw = [0.0, 0.0] + [-est[f"cat{h}"][0] for h in range(2, K)]
            psi = [[raw[h] - h * raw[K - 1] / (K - 1) for h in range(K)]]
        else:  # per criterion, already psi_0 = psi_{K-1} = 0
            psi = [
                [0.0] + [-est[f"psi{i + 1}_{h}"][0] for h in range(1, K - 1)] + [0.0]
                for i in range(n_c)
            ]
        out["data_sets"][name] = {  # type: ignore[index]
            "seed": seed,
            "model": model,
            "design": {k: v for k, v in design.items() if k != "criterion_steps"},
            "erm_log": log,
            "sample": sim.sample.tolist(),
            "criterion": sim.criterion.tolist(),
            "rater": sim.rater.tolist(),
            "code": sim.code.tolist(),
            "true_severity": sim.severity.tolist(),
            "cml": {
                "criteria": [*crit, -sum(crit)],
                "raters": [*rat, -sum(rat)],
                "rater_se": [est[f"rater{j + 1}"][1] for j in range(n_r - 1)],
                "psi": psi,
                "thresholds": [[row[h] - row[h - 1] for h in range(1, K)] for row in psi],
            },
        }
    path = HERE / "rasch_erm.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
