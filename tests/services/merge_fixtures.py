"""Schools for the merge tests: a database per school, made in its own process from one kit,
with meetings of its own; and a way to read back every record by what it says (no ids)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from calibrate.storage.stable_ids import UUID_TABLES
from calibrate.storage.store import Store
from tests.storage.scenario_kit import KIT

ROOT = Path(__file__).resolve().parents[2]

#: argv: database, kit file, school, meetings, seed. Loads the kit, then holds `meetings`
#: meetings of the kit's raters on its samples, each rater scoring every criterion, then revealed.
SCHOOL_SCRIPT = """
import random, sys
from pathlib import Path
from calibrate.domain.model import Phase, Session
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.store import Store

db, kit, school, meetings, seed = sys.argv[1:6]
rng = random.Random(int(seed))
with Store.open(Path(db)) as store:
    loaded = load_scenario_file(store, Path(kit))
    rubric = store.get_rubric(loaded.report.rubric_id)
    samples = [s.id for s in store.list_samples()]
    raters = [r.id for r in store.list_raters()]
    for n in range(int(meetings)):
        session = store.create_session(Session(
            title=f"{school} meeting {n + 1}", date=f"2026-11-{n + 1:02d}",
            rubric_id=rubric.id, facilitator=school, sample_ids=tuple(samples),
            rater_ids=tuple(raters)))
        store.set_phase(session.id, Phase.SCORING)
        for sample in samples:
            for rater in raters:
                for criterion in rubric.criteria:
                    level = rng.choice([lv.score for lv in criterion.levels])
                    store.record_score(session.id, sample, criterion.key, rater, level)
        store.set_phase(session.id, Phase.REVEAL)
"""


def write_kit(folder: Path) -> Path:
    path = folder / "tiny-kit.toml"
    path.write_text(KIT, encoding="utf-8")
    return path


def make_school(folder: Path, school: str, *, meetings: int = 2, seed: int = 1) -> Path:
    """A school's database, made by a separate process from the shared kit."""
    kit = folder / "tiny-kit.toml"
    if not kit.exists():
        write_kit(folder)
    path = folder / f"{school}.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    subprocess.run(
        [
            sys.executable,
            "-c",
            SCHOOL_SCRIPT,
            str(path),
            str(kit),
            school,
            str(meetings),
            str(seed),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return path


def counts(store: Store) -> dict[str, int]:
    tables = [*UUID_TABLES, "session_samples", "session_raters"]
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def score_facts(store: Store) -> set[tuple[object, ...]]:
    """Every current score by what it says: meeting, round, sample key, criterion, rater, level,
    note."""
    return set(
        store.db.execute(
            "SELECT se.title, se.date, s.round, sa.key, s.criterion_key, r.name, s.level, s.note"
            " FROM scores s JOIN sessions se ON se.id = s.session_id"
            " JOIN samples sa ON sa.id = s.sample_id JOIN raters r ON r.id = s.rater_id"
        ).fetchall()
    )
