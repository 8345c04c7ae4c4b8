"""Several processes writing one database file at once lose nothing (shared/PLATFORM.md: plain
``BEGIN`` or sqlite-utils' ``atomic()`` lose most writes here; ``BEGIN IMMEDIATE`` loses none)."""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from calibrate.domain.model import Criterion, Level, Phase, Rater, Rubric, Sample, Session
from calibrate.storage.score_import import import_scores_csv
from calibrate.storage.store import Store
from tests.storage.test_migrations import ALL_MIGRATIONS

PROCESSES = 8
SAMPLES = 100
CRITERIA = 5  # 100 samples x 5 criteria = 500 scores per process
TIMEOUT_S = 60


def _record_many(
    path: str, session_id: int, rater_id: int, sample_ids: list[int], barrier: Barrier, out: Any
) -> None:
    try:
        with Store.open(Path(path)) as store:
            barrier.wait(timeout=TIMEOUT_S)
            for n, sample_id in enumerate(sample_ids):
                for c in range(CRITERIA):
                    store.record_score(session_id, sample_id, f"c{c}", rater_id, 1 + (n + c) % 4)
        out.put(("ok", rater_id))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _import_file(path: str, csv_path: str, session_id: int, barrier: Barrier, out: Any) -> None:
    try:
        with Store.open(Path(path)) as store:
            barrier.wait(timeout=TIMEOUT_S)
            out.put(("ok", import_scores_csv(store, Path(csv_path), session_id)))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _open_only(path: str, barrier: Barrier, out: Any) -> None:
    try:
        barrier.wait(timeout=TIMEOUT_S)
        with Store.open(Path(path)) as store:
            store.add_rater(Rater(name=f"rater {mp.current_process().name}"))
        out.put(("ok", 0))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _run_all(processes: list[Any], out: Any) -> list[tuple[str, object]]:
    for process in processes:
        process.start()
    results = [out.get(timeout=TIMEOUT_S) for _ in processes]
    for process in processes:
        process.join(timeout=TIMEOUT_S)
        assert process.exitcode == 0
    errors = [detail for status, detail in results if status != "ok"]
    assert not errors, "\n".join(str(e) for e in errors)
    return results


def _busy_meeting(path: Path) -> tuple[int, list[int], list[int]]:
    """A session with 100 samples, 5 criteria and 8 raters: (session id, samples, raters)."""
    levels = tuple(Level(s, f"L{s}", "") for s in (1, 2, 3, 4))
    with Store.open(path) as store:
        rubric = store.add_rubric(
            Rubric(
                name="Five criteria",
                criteria=tuple(Criterion(f"c{c}", f"C{c}", levels=levels) for c in range(CRITERIA)),
            )
        )
        samples = [store.add_sample(Sample(title=f"s{n}", body="")).id for n in range(SAMPLES)]
        raters = [store.add_rater(Rater(name=f"r{n}")).id for n in range(PROCESSES)]
        assert rubric.id is not None
        sample_ids = [s for s in samples if s is not None]
        rater_ids = [r for r in raters if r is not None]
        session = store.create_session(
            Session(
                "Busy meeting",
                "2026-10-14",
                rubric.id,
                sample_ids=tuple(sample_ids),
                rater_ids=tuple(rater_ids),
                phase=Phase.SCORING,
            )
        )
        assert session.id is not None
    return session.id, sample_ids, rater_ids


def test_eight_processes_record_every_score(tmp_path: Path) -> None:
    path = tmp_path / "meeting.db"
    session_id, sample_ids, rater_ids = _busy_meeting(path)

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [
        ctx.Process(target=_record_many, args=(str(path), session_id, r, sample_ids, barrier, out))
        for r in rater_ids
    ]
    started = time.monotonic()
    _run_all(workers, out)
    elapsed = time.monotonic() - started

    with Store.open(path) as store:
        scores = store.scores(session_id)
        assert len(scores) == PROCESSES * SAMPLES * CRITERIA == 4000
        assert {(s.rater_id, s.sample_id, s.criterion_key) for s in scores} == {
            (r, s, f"c{c}") for r in rater_ids for s in sample_ids for c in range(CRITERIA)
        }
        position = {s: n for n, s in enumerate(sample_ids)}
        assert all(
            s.level == 1 + (position[s.sample_id] + int(s.criterion_key[1:])) % 4 for s in scores
        )
        assert store.db.execute("SELECT COUNT(*) FROM score_history").fetchone()[0] == 0
    assert elapsed < 30, f"took {elapsed:.1f} s"


def test_eight_processes_importing_500_scores_each_keep_every_score(tmp_path: Path) -> None:
    """The issue's case: eight score files imported into one database at the same moment."""
    path = tmp_path / "meeting.db"
    session_id, sample_ids, rater_ids = _busy_meeting(path)
    files = []
    for r in range(PROCESSES):
        rows = ["sample,criterion,rater,level,note"] + [
            f"s{n},c{c},r{r},{1 + (n + c + r) % 4},imported by process {r}"
            for n in range(SAMPLES)
            for c in range(CRITERIA)
        ]
        csv_path = tmp_path / f"rater-{r}.csv"
        csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        files.append(str(csv_path))

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [
        ctx.Process(target=_import_file, args=(str(path), f, session_id, barrier, out))
        for f in files
    ]
    results = _run_all(workers, out)
    assert sorted(n for _, n in results) == [SAMPLES * CRITERIA] * PROCESSES

    with Store.open(path) as store:
        scores = store.scores(session_id)
        assert len(scores) == 4000
        name_of = {r: n for n, r in enumerate(rater_ids)}
        position = {s: n for n, s in enumerate(sample_ids)}
        for s in scores:
            r, n, c = name_of[s.rater_id], position[s.sample_id], int(s.criterion_key[1:])
            assert s.level == 1 + (n + c + r) % 4
            assert s.note == f"imported by process {r}"


def test_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "calibrate.db"
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    _run_all(
        [ctx.Process(target=_open_only, args=(str(path), barrier, out)) for _ in range(4)], out
    )
    with Store.open(path) as store:
        applied = store.db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()
        assert [name for (name,) in applied] == ALL_MIGRATIONS
        assert len(store.list_raters()) == 4
