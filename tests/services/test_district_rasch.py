"""Raters of every school on one Rasch scale, on a district where one school scores harder."""

from __future__ import annotations

import random
from pathlib import Path

from calibrate.domain.model import Phase, Rater, Sample, Session
from calibrate.services.district.rasch import busiest_family, district_rasch
from calibrate.services.records.merge import merge_source
from calibrate.storage.store import Store
from tests.storage.conftest import make_rubric

QUALITY = (1, 2, 2, 3, 3, 4)  # the six samples' true levels


def _school(
    path: Path,
    base: Path,
    names: list[str],
    shift: int,
    seed: int,
    *,
    meetings: int = 1,
    reveal: bool = True,
) -> None:
    path.write_bytes(base.read_bytes())
    rng = random.Random(seed)
    with Store.open(path) as store:
        ids = [store.add_rater(Rater(name=n)).id or 0 for n in names]
        samples = [s.id or 0 for s in store.list_samples()]
        for n in range(meetings):
            session = store.create_session(
                Session(
                    title=f"Meeting {n + 1}",
                    date=f"2026-11-{n + 1:02d}",
                    rubric_id=1,
                    sample_ids=tuple(samples),
                    rater_ids=tuple(ids),
                )
            )
            assert session.id is not None
            store.set_phase(session.id, Phase.SCORING)
            for sample, quality in zip(samples, QUALITY, strict=True):
                for rater in ids:
                    for criterion in ("claim", "evidence"):
                        level = quality + shift + rng.choice((-1, 0, 0, 0, 1))
                        store.record_score(
                            session.id, sample, criterion, rater, min(4, max(1, level))
                        )
            if reveal:
                store.set_phase(session.id, Phase.REVEAL)


def test_a_harder_school_is_placed_below_a_softer_one_on_one_scale(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    with Store.open(base) as store:
        store.add_rubric(make_rubric())
        for k in range(len(QUALITY)):
            store.add_sample(Sample(key=f"S{k + 1}", title=f"Essay {k + 1}", body="Text."))
    _school(tmp_path / "harsh.db", base, ["Ann", "Bea", "Cal"], -1, seed=1, meetings=2)
    _school(tmp_path / "soft.db", base, ["Ann", "Dov", "Eve"], 0, seed=2)
    _school(tmp_path / "late.db", base, ["Fay"], 0, seed=3, reveal=False)
    with Store.open(tmp_path / "coach.db") as coach:
        for name in ("harsh", "soft", "late"):
            merge_source(coach, tmp_path / f"{name}.db", as_separate=True)
        family = busiest_family(coach)
        assert family == 1
        result = district_rasch(coach, family)
    assert result.fit.reason is None, result.fit.reason
    assert result.meetings == 3
    # the late school's meeting is still being scored blind: left out, and said so
    assert any("Meeting 1" in why and "still hidden" in why for why in result.left_out)
    # harsh's second meeting scored the same samples again: its first judgements count
    assert any("36 later scores" in why for why in result.left_out)  # 6 samples x 3 x 2
    schools = {s.school: s for s in result.schools}
    assert set(schools) == {"harsh", "soft"}
    harsh, soft = schools["harsh"].level_difference, schools["soft"].level_difference
    assert harsh is not None and soft is not None
    assert harsh < 0 < soft
    assert 0.5 < soft - harsh < 1.5  # one level apart by construction, noise aside
    # two schools' "Ann" are two people on the scale
    assert {"Ann (harsh)", "Ann (soft)"} <= set(result.rater_school)
