"""`calibrate agree` as a whole process (CSV in, JSON out) beside a bare `krippendorff` process.

    .venv/bin/python bench/bench_agree_process.py [--repeat N] [--quick] [--importtime]

Issue 15's targets, measured as ratios in the same run (medians of interleaved runs):

- ordinal, 10 raters × 20,000 units: calibrate ≤ 3× a bare Python process that reads the same
  CSV with csv + numpy and calls ``krippendorff.alpha`` (the PyPI package, a test-only oracle);
- 200,000 units ≤ 12× the 20,000-unit time (linear growth), peak memory ≤ 2× the data's own
  size as a float array (units × raters × 8 bytes) above a constant (the process on 100 units);
- interval level, marks to 2 decimals, 10 raters × 5,000 units: ≤ 5× the bare interval process.
  ``krippendorff.alpha`` itself cannot run there (its units × V × V temporary would be 135 GiB
  for V ≈ 1,900 distinct marks), so the peer runs the package's own steps (value counts,
  coincidences, distances) with the coincidences summed over blocks of 20 units.

Peak memory is each child's own ``ru_maxrss`` (``os.wait4``). ``--importtime`` also reports how
much of the calibrate process is spent importing (``python -X importtime``), by top package.
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
CALIBRATE = [str(BIN / "calibrate")]
RATERS = 10

#: The peer: what a statistician would write with csv, numpy and the krippendorff package.
BARE = """
import csv, sys
import numpy as np
import krippendorff
path, level = sys.argv[1], sys.argv[2]
with open(path, newline="") as f:
    rows = list(csv.reader(f))
data = np.array([[float(c) if c else np.nan for c in r[1:]] for r in rows[1:]])
if level == "ordinal":
    domain = [1.0, 2.0, 3.0, 4.0]
    print(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level,
                             value_domain=domain))
else:  # the package's own steps; its units x V x V temporary is built 20 units at a time
    from krippendorff import krippendorff as k
    domain = np.unique(data[~np.isnan(data)])
    counts = k._reliability_data_to_value_counts(data.T, domain)
    o = sum(k._coincidences(counts[i : i + 20]) for i in range(0, len(counts), 20))
    n_v = o.sum(axis=0)
    e = k._random_coincidences(n_v)
    d = k._distances(domain, k._distance_metric(level), n_v)
    print(1 - (o * d).sum() / (e * d).sum())
"""


def write_ordinal(path: Path, n_units: int, *, seed: int) -> None:
    """Rubric scores 1-4: a true level per unit, raters off by one now and then, 10% missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=n_units)
    codes = np.clip(truth[:, None] + rng.choice([-1, 0, 0, 0, 1], size=(n_units, RATERS)), 0, 3)
    missing = rng.random(codes.shape) < 0.1
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["unit", *(f"r{j + 1}" for j in range(RATERS))])
        for i in range(n_units):
            out.writerow(
                [f"u{i + 1}", *("" if missing[i, j] else str(codes[i, j] + 1) for j in range(10))]
            )


def write_interval(path: Path, n_units: int, *, seed: int) -> None:
    """Marks out of 20 to two decimals (thousands of distinct values), 10% missing."""
    rng = np.random.default_rng(seed)
    truth = rng.uniform(4, 18, size=n_units)
    marks = np.clip(truth[:, None] + rng.normal(0, 1.5, size=(n_units, RATERS)), 0, 20)
    missing = rng.random(marks.shape) < 0.1
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["unit", *(f"r{j + 1}" for j in range(RATERS))])
        for i in range(n_units):
            out.writerow(
                [f"u{i + 1}", *("" if missing[i, j] else f"{marks[i, j]:.2f}" for j in range(10))]
            )


def run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def agree_argv(path: Path, level: str) -> list[str]:
    argv = [*CALIBRATE, "agree", str(path), "--level", level, "--json"]
    return argv + (["--categories", "1,2,3,4"] if level == "ordinal" else [])


def bare_argv(path: Path, level: str) -> list[str]:
    return [sys.executable, "-c", BARE, str(path), level]


def interleaved(path: Path, level: str, repeat: int) -> dict[str, float]:
    ours: list[tuple[float, float]] = []
    peer: list[tuple[float, float]] = []
    for _ in range(repeat):
        ours.append(run(agree_argv(path, level)))
        peer.append(run(bare_argv(path, level)))
    ours_s = statistics.median(w for w, _ in ours)
    peer_s = statistics.median(w for w, _ in peer)
    return {
        "calibrate_s": round(ours_s, 3),
        "peer_s": round(peer_s, 3),
        "ratio": round(ours_s / peer_s, 2),
        "calibrate_rss_mib": round(max(r for _, r in ours), 1),
        "peer_rss_mib": round(max(r for _, r in peer), 1),
    }


def import_share(path: Path, level: str) -> dict[str, float]:
    """Seconds the calibrate process spends importing, by top-level package (self + children)."""
    argv = [sys.executable, "-X", "importtime", "-c", "from calibrate.cli.main import main; main()"]
    argv += agree_argv(path, level)[1:]
    start = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    by_top: dict[str, float] = {}
    total = 0.0
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        top = name.strip().split(".")[0]
        by_top[top] = by_top.get(top, 0.0) + int(self_us) / 1e6
        total += int(self_us) / 1e6
    biggest = dict(sorted(by_top.items(), key=lambda kv: -kv[1])[:8])
    return {"wall_s": round(wall, 3), "imports_s": round(total, 3)} | {
        f"import_{k}_s": round(v, 3) for k, v in biggest.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="only the 100- and 20,000-unit files")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tiny, small, big, marks = (folder / f"{n}.csv" for n in ("tiny", "20k", "200k", "marks"))
        write_ordinal(tiny, 100, seed=1)
        write_ordinal(small, 20_000, seed=2)
        write_interval(marks, 5_000, seed=4)
        base = interleaved(tiny, "ordinal", args.repeat)
        figures["ordinal_100"] = base
        figures["ordinal_20k"] = interleaved(small, "ordinal", args.repeat)
        print("ordinal 10 × 20,000:", figures["ordinal_20k"], "(target ratio ≤ 3)", flush=True)
        if not args.quick:
            write_ordinal(big, 200_000, seed=3)
            big_figures = interleaved(big, "ordinal", max(1, args.repeat // 2))
            growth = big_figures["calibrate_s"] / figures["ordinal_20k"]["calibrate_s"]  # type: ignore[index]
            data_mib = 200_000 * RATERS * 8 / 2**20
            extra = big_figures["calibrate_rss_mib"] - base["calibrate_rss_mib"]
            big_figures |= {
                "growth_vs_20k": round(growth, 2),
                "data_float64_mib": round(data_mib, 1),
                "rss_above_100_unit_run_mib": round(extra, 1),
                "rss_above_constant_per_data": round(extra / data_mib, 2),
            }
            figures["ordinal_200k"] = big_figures
            print(
                "ordinal 10 × 200,000:",
                big_figures,
                "(targets growth ≤ 12, memory ≤ 2× data)",
                flush=True,
            )
        if not args.quick:
            # The peer takes about two minutes here (its work grows with units × distinct marks²).
            figures["interval_5k_marks"] = interleaved(marks, "interval", 1)
            print("interval 10 × 5,000:", figures["interval_5k_marks"], "(target ≤ 5)", flush=True)
        if args.importtime:
            figures["imports_20k"] = import_share(small, "ordinal")
            print("imports (20k run):", figures["imports_20k"], flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
