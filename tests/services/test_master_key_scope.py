"""The master key a session uses is the same on every screen and in every figure: the reveal,
the consensus item and each rater's reliability, including a session on a newer version of the
rubric the key was set against, and never a key set for another rubric (which is kept beside
it, not in its place)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from calibrate.domain.model import ReferenceScore
from calibrate.services.meeting import consensus
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import load_reveal
from calibrate.services.records.database import prepare_demo
from calibrate.services.reliability.comparison import ReferenceKind, session_reliability
from calibrate.storage.store import Store


def test_every_figure_uses_the_same_master_key_across_rubric_versions(tmp_path: Path) -> None:
    with Store.open(tmp_path / "demo.db") as store:
        fresh = prepare_demo(store, today=date(2026, 11, 23))
        context = meeting.load_context(store, fresh)
        old = context.rubric
        assert old.id is not None and store.rubric_in_use(old.id)
        essay = context.samples[0]
        assert essay.id is not None
        key = store.reference_scores([essay.id], rubric_id=old.id)
        keyed = {r.criterion_key: r.level for r in key}
        assert keyed, "the demo kit has a master key"

        # The team rewords a descriptor after the meeting: a new version of the rubric.
        first = old.criteria[0]
        reworded = dataclasses.replace(
            first,
            levels=(
                dataclasses.replace(first.levels[0], descriptor="No position yet."),
                *first.levels[1:],
            ),
        )
        new = store.save_rubric(dataclasses.replace(old, criteria=(reworded, *old.criteria[1:])))
        assert new.id is not None and new.id != old.id
        raters = [r.id for r in context.raters[:2] if r.id is not None]
        session = meeting.create_session(
            store,
            title="December calibration",
            date="2026-12-10",
            rubric_id=new.id,
            sample_ids=[essay.id],
            rater_ids=raters,
        )
        assert session.id is not None
        for rater in raters:
            for criterion in new.criteria:
                meeting.record_score(
                    store,
                    session.id,
                    rater_id=rater,
                    sample_id=essay.id,
                    criterion_key=criterion.key,
                    level=2,
                )
        meeting.reveal(store, session.id)

        # The reveal, the consensus item and reliability all compare with the same key.
        reveal = load_reveal(store, session.id)
        assert {i.criterion_key: i.reference for i in reveal.items} == keyed
        item = consensus.load_item(store, session.id, essay.id, "claim")
        assert item.reference == keyed["claim"]
        reliability = session_reliability(store, session.id)
        mine = reliability.for_rater(raters[0])
        assert mine is not None
        assert {c.criterion_key: c.reference for c in mine.comparisons} == keyed
        assert {c.kind for c in mine.comparisons} == {ReferenceKind.MASTER_KEY}

        # Another rubric keys the same essay on a criterion with the same key: its key is kept
        # beside this rubric's, and this session's figures still use this rubric's.
        other = store.add_rubric(dataclasses.replace(old, name="Another rubric", id=None))
        assert other.id is not None
        other_level = 1 if keyed["claim"] != 1 else 2
        store.set_reference_score(
            ReferenceScore(
                essay.id, "claim", other_level, set_by="someone else", rubric_id=other.id
            )
        )
        reveal = load_reveal(store, session.id)
        assert {i.criterion_key: i.reference for i in reveal.items} == keyed
        mine = session_reliability(store, session.id).for_rater(raters[0])
        assert mine is not None
        assert {c.criterion_key: c.reference for c in mine.comparisons} == keyed
        [theirs] = store.reference_scores([essay.id], rubric_id=other.id)
        assert (theirs.criterion_key, theirs.level) == ("claim", other_level)
