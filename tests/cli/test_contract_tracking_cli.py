"""``calibrate contract activate|progress|review|amend|close`` (issue 14): a contract's life from
the command line, each step checked in the database, each mistake one line naming the option.

The demo database holds the grade-8 kit's session 1; ``contract new`` (as in
test_contracts_cli) makes draft 1 for G8-A-031 from Amara Okafor's scores of essay-4: targets
organization 2 → 3 and claim 3 → 4 (with the approved claim-4 anchor, id 2), starting 2026-11-02,
reviewed every 14 days, due 2026-12-14.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.contracts import ContractStatus, ReviewOutcome
from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from tests.cli.test_contracts_cli import NEW, assert_one_line_error, run


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with Store.open(path) as store:
        prepare_demo(store, today=date(2026, 11, 2))
    code, _, err = run(*NEW, db=path)
    assert code == 0, err
    return path


@pytest.fixture
def active(draft: Path) -> Path:
    assert run("contract", "activate", "1", db=draft) == (
        0,
        "Contract 1 for G8-A-031 is active.\n",
        "",
    )
    return draft


def contract_status(db: Path) -> ContractStatus:
    with Store.open(db) as store:
        return store.get_contract(1).status


def test_activate_a_draft_once(draft: Path) -> None:
    assert contract_status(draft) is ContractStatus.DRAFT
    assert run("contract", "activate", "1", db=draft)[0] == 0
    assert contract_status(draft) is ContractStatus.ACTIVE
    assert_one_line_error(
        *run("contract", "activate", "1", db=draft), "contract 1 is active", "only a draft"
    )


def test_progress_is_logged_with_the_reflection(active: Path) -> None:
    code, out, err = run(
        "contract", "progress", "1", "--evidence", "Planned the essay in four parts",
        "--file", "essays/plan-2.pdf", "--worked", "the anchor's order", "--didnt-work",
        "timing", "--next", "a counter-argument", "--date", "2026-11-09", db=active,
    )  # fmt: skip
    assert (code, out, err) == (0, "Logged progress on 2026-11-09 for contract 1 (entry 1).\n", "")
    code, out, _ = run("contract", "progress", "1", "--file", "essays/3.pdf", db=active)
    today = date.today().isoformat()
    assert (code, out) == (0, f"Logged progress on {today} for contract 1 (entry 2).\n")
    with Store.open(active) as store:
        first, second = store.progress_entries(1)
    assert (first.date, first.evidence, first.evidence_file) == (
        "2026-11-09",
        "Planned the essay in four parts",
        "essays/plan-2.pdf",
    )
    assert (first.worked, first.didnt_work, first.next_step) == (
        "the anchor's order",
        "timing",
        "a counter-argument",
    )
    assert (second.date, second.evidence) == (today, "")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ("--evidence:", "describe what was done, or give a file reference")),
        (("--evidence", "x", "--date", "2026-13-01"), ("--date:", "“2026-13-01” is not a date")),
        (("--evidence", "x", "--date", "next week"), ("--date:", "YYYY-MM-DD")),
    ],
)
def test_progress_mistakes_name_the_option(
    active: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run("contract", "progress", "1", *args, db=active), *words)
    with Store.open(active) as store:
        assert store.progress_entries(1) == []


def test_progress_needs_an_active_contract(draft: Path) -> None:
    assert_one_line_error(
        *run("contract", "progress", "1", "--evidence", "x", db=draft),
        "is draft",
        "must be active before logging progress",
    )


def test_a_review_is_dated_the_day_its_checkpoint_was_due(active: Path) -> None:
    """Start 2026-11-02, every 14 days: the first checkpoint is 2026-11-16, then 14 days after
    the latest review."""
    code, out, _ = run("contract", "review", "1", "--outcome", "on-track", db=active)
    assert (code, out) == (
        0,
        "Reviewed contract 1 on 2026-11-16: on track. Next checkpoint: 2026-11-30.\n",
    )
    code, out, _ = run(
        "contract", "review", "1", "--outcome", "adjust", "--note", "more time on order",
        "--date", "2026-11-20", db=active,
    )  # fmt: skip
    assert (code, out) == (
        0,
        "Reviewed contract 1 on 2026-11-20: adjust. Next checkpoint: 2026-12-04.\n",
    )
    with Store.open(active) as store:
        reviews = store.reviews(1)
    assert [(r.date, r.outcome, r.note, r.version) for r in reviews] == [
        ("2026-11-16", ReviewOutcome.ON_TRACK, "", 1),
        ("2026-11-20", ReviewOutcome.ADJUST, "more time on order", 1),
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--outcome", "adjust"), ("--note:", "say what needs adjusting")),
        (("--outcome", "fine"), ("'--outcome'", "'fine' is not one of")),
        (("--outcome", "met", "--date", "16/11/2026"), ("--date:", "“16/11/2026” is not a date")),
    ],
)
def test_review_mistakes_name_the_option(
    active: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run("contract", "review", "1", *args, db=active), *words)
    with Store.open(active) as store:
        assert store.reviews(1) == []


def test_amend_keeps_a_new_version_with_its_reason(active: Path) -> None:
    code, out, err = run(
        "contract", "amend", "1", "--reason", "organization first, claim later",
        "--level", "organization=4", "--due", "claim=2027-01-11",
        "--indicator", "organization=every paragraph has one job",
        "--review-every", "7", "--add-support", "a paragraph frame", db=active,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "Amended contract 1: version 2 (organization first, claim later).\n"
    with Store.open(active) as store:
        first, second = store.contract_versions(1)
        organization, claim = second.targets
    assert (first.version, second.version, second.note) == (
        1,
        2,
        "organization first, claim later",
    )
    assert first.targets[0].target_level == 3  # the earlier version stays as it was
    assert (organization.target_level, organization.indicator) == (
        4,
        "every paragraph has one job",
    )
    assert organization.due_date == first.targets[0].due_date
    assert (claim.target_level, claim.due_date, claim.anchor_ids) == (4, "2027-01-11", (2,))
    assert second.commitments.review_every_days == 7
    assert second.supports == (*first.supports, "a paragraph frame")


def test_amending_a_level_attaches_that_levels_anchors(active: Path) -> None:
    """The kit has no organization anchor; approve one at level 4 (essay-5), aim organization
    at 4, and the target carries it ("what success looks like" at the new level)."""
    with Store.open(active) as store:
        essay_5 = next(s for s in store.list_samples() if s.key.endswith("essay-5"))
        assert essay_5.id is not None
        anchor = store.add_anchor(
            Anchor(1, "organization", 4, essay_5.id, "Each paragraph has one job.",
                   status=AnchorStatus.APPROVED)
        )  # fmt: skip
        assert store.get_contract(1).current.targets[0].anchor_ids == ()
    code, _, err = run(
        "contract", "amend", "1", "--reason", "higher", "--level", "organization=4", db=active
    )  # fmt: skip
    assert code == 0, err
    with Store.open(active) as store:
        assert store.get_contract(1).current.targets[0].anchor_ids == (anchor.id,)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--reason", "x", "--level", "voice=4"), ("--level:", "“voice” is not a target")),
        (("--reason", "x", "--due", "voice=2027-01-01"), ("--due:", "“voice” is not a target")),
        (("--reason", "x", "--level", "organization=9"), ("--level:", "9 is not one of its")),
        (("--reason", "x", "--level", "organization=2"), ("--level:", "aim above the current")),
        (("--reason", "x", "--level", "organization"), ("--level:", "is not CRITERION=VALUE")),
        (("--reason", "x", "--level", "claim=٤"), ("--level:", "“٤” is not a whole number")),
        (("--reason", "x", "--due", "claim=2027-02-30"), ("--due:", "“2027-02-30” is not a date")),
        (("--reason", "x", "--due", "claim=2026-10-01"), ("--due:", "before the start date")),
        (("--reason", "nothing new"), ("--reason:", "Nothing changed")),
        (("--reason", " ", "--review-every", "7"), ("--reason:", "say what changed and why")),
        (("--reason", "x", "--review-every", "0"), ("--review-every:", "every 1 to 90 days")),
        ((), ("Missing option '--reason'",)),
    ],
)
def test_amend_mistakes_name_the_option(
    active: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run("contract", "amend", "1", *args, db=active), *words)
    with Store.open(active) as store:
        assert len(store.contract_versions(1)) == 1


def test_close_with_every_target_reached_is_met(active: Path) -> None:
    code, out, err = run(
        "contract", "close", "1", "--reached", "organization=3", "--reached", "claim=4",
        "--reflection", "I plan before I write now.", "--teacher-note", "Well done",
        "--date", "2026-12-14", db=active,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == (
        "Contract 1: Closed on 2026-12-14: met, every target reached. Organization: aimed 3, "
        "reached 3 (met); Claim: aimed 4, reached 4 (met).\n"
    )
    assert contract_status(active) is ContractStatus.MET
    with Store.open(active) as store:
        reassessment = store.reassessment(1)
    assert reassessment is not None
    assert (reassessment.reflection, reassessment.teacher_note) == (
        "I plan before I write now.",
        "Well done",
    )
    # A closed contract takes no more progress, reviews or amendments.
    for args in (
        ("progress", "1", "--evidence", "late"),
        ("review", "1", "--outcome", "met"),
        ("close", "1", "--reached", "organization=3", "--reached", "claim=4", "--reflection", "x"),
    ):
        assert_one_line_error(*run("contract", *args, db=active), "is met", "must be active")
    assert_one_line_error(
        *run("contract", "amend", "1", "--reason", "x", "--review-every", "7", db=active),
        "can no longer be amended",
    )


def test_close_with_a_target_missed_is_closed(active: Path) -> None:
    code, out, _ = run(
        "contract", "close", "1", "--reached", "organization=3", "--reached", "claim=3",
        "--reflection", "Claim needs more work.", "--date", "2026-12-14", db=active,
    )  # fmt: skip
    assert code == 0
    assert "closed, 1 of 2 targets not yet reached" in out and "reached 3 (not yet)" in out
    assert contract_status(active) is ContractStatus.CLOSED


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--reached", "organization=3", "--reflection", "x"), ("--reached:", "Result 2 (Claim)")),
        (
            (
                "--reached",
                "organization=3",
                "--reached",
                "claim=4",
                "--reached",
                "voice=2",
                "--reflection",
                "x",
            ),
            ("--reached:", "voice is not a target"),
        ),
        (("--reached", "organization=3", "--reached", "claim=4"), ("--reflection:",)),
        (
            (
                "--reached",
                "organization=3",
                "--reached",
                "claim=4",
                "--reflection",
                "x",
                "--date",
                "soon",
            ),
            ("--date:", "“soon” is not a date"),
        ),
    ],
)
def test_close_mistakes_name_the_option(
    active: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(*run("contract", "close", "1", *args, db=active), *words)
    assert contract_status(active) is ContractStatus.ACTIVE


def test_an_unknown_contract_is_one_line(active: Path) -> None:
    for args in (
        ("activate", "7"),
        ("progress", "7", "--evidence", "x"),
        ("review", "7", "--outcome", "met"),
        ("amend", "7", "--reason", "x"),
        ("close", "7", "--reflection", "x"),
    ):
        assert_one_line_error(*run("contract", *args, db=active), "no contract with id 7")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("progress", "1", "--evidence", "plan", "--worked", "a\x00b"), "--worked"),
        (("progress", "1", "--file", "x" * 1_000_001), "--file"),
        (("review", "1", "--outcome", "adjust", "--note", "more\x00"), "--note"),
        (("amend", "1", "--reason", "why\x00", "--review-every", "7"), "--reason"),
        (("amend", "1", "--reason", "x", "--indicator", "claim=a\x1bb"), "--indicator"),
        (("close", "1", "--reached", "organization=3", "--reached", "claim=4",
          "--reflection", "ok", "--teacher-note", "\x00"), "--teacher-note"),
    ],
)  # fmt: skip
def test_text_that_cannot_be_kept_is_refused(
    active: Path, args: tuple[str, ...], option: str
) -> None:
    assert_one_line_error(
        *run("contract", *args, db=active),
        f"{option}: The text ",
        "must not contain control characters" if len(args[-1]) < 1000 else "too long",
    )
    with Store.open(active) as store:
        assert store.progress_entries(1) == [] and store.reviews(1) == []
        assert len(store.contract_versions(1)) == 1
        assert store.get_contract(1).status is ContractStatus.ACTIVE


def test_a_missing_choice_is_one_line(active: Path) -> None:
    """click lists the choices on lines of their own; calibrate's errors are one line."""
    assert_one_line_error(
        *run("contract", "review", "1", db=active),
        "Missing option '--outcome'. Choose from: on-track, adjust, met",
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("close", "1", "--reached", "a\nb", "--reflection", "x"), "“a\\nb” is not CRITERION"),
        (("progress", "1", "--evidence", "x", "--date", "a\nb"), "“a\\nb” is not a date"),
        (("progress", "1", "--evidence", "x", "--date", "2" * 5000), "“222"),
    ],
)
def test_echoed_values_keep_the_error_on_one_line(
    active: Path, args: tuple[str, ...], words: str
) -> None:
    code, out, err = run("contract", *args, db=active)
    assert_one_line_error(code, out, err, words)
    assert len(err) < 300
