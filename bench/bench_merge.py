"""`calibrate merge` at district scale: 50 schools × 20 meetings into one coach's database.

    .venv/bin/python bench/bench_merge.py [--schools 50] [--meetings 20] [--quick]

Each school loaded the grade-8 kit (8 samples, 6 raters, 5 criteria) and held its own meetings:
every rater scores every sample on every criterion (240 scores a meeting), one score in ten is
changed once (an earlier value kept), and the team records a consensus on every sample and
criterion. One school is built through the store; the others are copies given their own
identities (their raters renamed and re-identified, their meetings, scores and consensus
re-identified), so the kit's rubric and samples are shared by all, as in a district.

Measured in a child process (its own ``ru_maxrss``, and its CPU time, since wall time on a
shared machine includes waiting for a core): merging every school into a new database, then
merging them all again (which must add nothing). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "scenarios" / "grade8-argument.toml"

#: Tables whose records belong to one school (re-identified in each copy).
OWN = ("raters", "sessions", "scores", "score_history", "consensus")

CHILD = """
import json, resource, sys, time
from pathlib import Path
from calibrate.services.records.merge import merge_source
from calibrate.storage.store import Store

coach, *schools = sys.argv[1:]
with Store.open(Path(coach)) as store:
    start = time.perf_counter()
    for school in schools:
        merge_source(store, Path(school))
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = sum(merge_source(store, Path(s)).total_added for s in schools)
    second = time.perf_counter() - start
    scores = store.db.execute("SELECT count(*) FROM scores").fetchone()[0]
    sessions = store.db.execute("SELECT count(*) FROM sessions").fetchone()[0]
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss // 1024
print(json.dumps({"first_s": round(first, 2), "again_s": round(second, 2),
                  "child_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                  "again_added": again, "scores": scores, "sessions": sessions,
                  "peak_rss_mib": peak}))
"""


def build_school(path: Path, meetings: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from calibrate.domain.model import Consensus, Phase, Session
    from calibrate.services.records.database import load_scenario_file
    from calibrate.storage.store import Store

    rng = random.Random(seed)
    with Store.open(path) as store, store.transaction():
        rubric = store.get_rubric(load_scenario_file(store, KIT).report.rubric_id)
        samples = [s.id or 0 for s in store.list_samples()]
        raters = [r.id or 0 for r in store.list_raters()]
        for n in range(meetings):
            session = store.create_session(
                Session(
                    title=f"Meeting {n + 1}",
                    date=f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}",
                    rubric_id=rubric.id or 0,
                    sample_ids=tuple(samples),
                    rater_ids=tuple(raters),
                )
            )
            sid = session.id or 0
            store.set_phase(sid, Phase.SCORING)
            for sample in samples:
                for criterion in rubric.criteria:
                    scores = [c.score for c in criterion.levels]
                    for rater in raters:
                        store.record_score(sid, sample, criterion.key, rater, rng.choice(scores))
                        if rng.random() < 0.1:
                            store.record_score(
                                sid, sample, criterion.key, rater, rng.choice(scores)
                            )
            store.set_phase(sid, Phase.REVEAL)
            for sample in samples:
                for criterion in rubric.criteria:
                    store.set_consensus(
                        Consensus(sid, sample, criterion.key, criterion.levels[1].score)
                    )


def copy_as(template: Path, dest: Path, school: int) -> None:
    """Another school: the same kit records, its own raters and meetings."""
    shutil.copyfile(template, dest)
    conn = sqlite3.connect(dest, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("UPDATE raters SET name = name || ?", (f" (school {school})",))
    for table in OWN:
        conn.execute(f"UPDATE {table} SET uuid = ? || substr(uuid, 9)", (f"{school:08x}",))
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 schools × 4 meetings")
    args = parser.parse_args()
    schools, meetings = (5, 4) if args.quick else (args.schools, args.meetings)
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as name:
        folder = Path(name)
        start = time.perf_counter()
        template = folder / "template.db"
        build_school(template, meetings, seed=1)
        paths = []
        for n in range(schools):
            paths.append(folder / f"school-{n + 1:02d}.db")
            copy_as(template, paths[-1], n + 1)
        setup = time.perf_counter() - start
        size = sum(p.stat().st_size for p in paths)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder / "coach.db"), *map(str, paths)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        coach_mib = (folder / "coach.db").stat().st_size / 2**20
    print(
        json.dumps(
            {
                "schools": schools,
                "meetings_per_school": meetings,
                "setup_s": round(setup, 1),
                "school_files_mib": round(size / 2**20, 1),
                "coach_db_mib": round(coach_mib, 1),
                **figures,
                "per_school_s": round(figures["first_s"] / schools, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
