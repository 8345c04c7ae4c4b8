"""Which tables ``calibrate merge`` copies, in which order, and how each names its records
(see :mod:`calibrate.storage.merge_tables`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """How one table is merged."""

    name: str
    #: (column, parent table) of every id that must be remapped to ours.
    parents: tuple[tuple[str, str], ...] = ()
    #: The columns that name a record when its uuid is unknown here (after remapping).
    natural: tuple[str, ...] = ()
    #: Columns that must agree when a record is found here; a difference is a conflict.
    compare: tuple[str, ...] = ()
    #: A link row without an id or uuid: copied unless a row with the same key is there (its
    #: ``natural`` columns, when given: then the ``compare`` columns are checked as above).
    linked: bool = False
    #: A column unique here that does not name the record: a record of theirs whose value is
    #: taken here by another record comes in under another value ("key (school)").
    unique: str = ""
    #: Columns not copied (left to their default).
    cleared: tuple[str, ...] = ()
    #: What a teacher calls such a record, for the summary.
    kind: str = ""


_SESSION = ("session_id", "sessions")
_SAMPLE = ("sample_id", "samples")
_RATER = ("rater_id", "raters")
_RUBRIC = ("rubric_id", "rubrics")
_VERSION = ("version_id", "contract_versions")
_CONTRACT = ("contract_id", "contracts")
_TEST = ("assessment_id", "assessments")

#: Every table a merge copies, parents before children.
TABLES = (
    Table("rubrics", (("family_id", "rubrics"),), kind="rubric versions"),
    Table("criteria", (_RUBRIC,), natural=("rubric_id", "key"), kind="criteria"),
    Table("levels", (("criterion_id", "criteria"),), ("criterion_id", "score"), kind="levels"),
    Table(
        "samples",
        natural=("key",),
        compare=("title", "body", "kind", "student_code", "grade", "task", "attachments"),
        kind="samples",
    ),
    Table("raters", natural=("name",), kind="raters"),
    Table(
        "sessions",
        (_RUBRIC,),
        compare=("phase", "round"),
        cleared=("join_hash", "facilitator_hash"),
        kind="sessions",
    ),
    Table("session_samples", (_SESSION, _SAMPLE), linked=True, kind="session samples"),
    Table("session_raters", (_SESSION, _RATER), linked=True, kind="session raters"),
    # Before the scores: the items a re-score round asked for (none: every item).
    Table("round_items", (_SESSION, _SAMPLE), linked=True, kind="re-score round items"),
    Table(
        "scores",
        (_SESSION, _SAMPLE, _RATER),
        natural=("session_id", "round", "sample_id", "criterion_key", "rater_id"),
        compare=("level", "note"),
        kind="scores",
    ),
    Table(
        "score_history",
        (("score_id", "scores"), _SESSION, _SAMPLE, _RATER),
        kind="earlier score values",
    ),
    Table(
        "consensus",
        (_SESSION, _SAMPLE),
        natural=("session_id", "sample_id", "criterion_key"),
        compare=("level", "rationale"),
        kind="consensus decisions",
    ),
    Table(
        "reference_scores",
        (_SAMPLE, _RUBRIC, ("family_id", "rubrics")),
        natural=("sample_id", "criterion_key", "family_id"),
        compare=("level",),
        kind="master-key levels",
    ),
    Table(
        "anchors",
        (_RUBRIC, _SAMPLE, _SESSION),
        natural=("rubric_id", "criterion_key", "level", "sample_id", "annotation"),
        compare=("status",),
        kind="anchors",
    ),
    Table(
        "contracts",
        (("teacher_id", "raters"), _RUBRIC, _SAMPLE, _SESSION),
        kind="contracts",
    ),
    Table(
        "contract_versions",
        (_CONTRACT,),
        ("contract_id", "version"),
        compare=("created_at",),  # the same version number amended in two places
        kind="contract versions",
    ),
    Table("contract_levels", (_VERSION,), linked=True, kind="contract levels"),
    Table("contract_targets", (_VERSION,), ("version_id", "criterion_key"), kind="targets"),
    Table(
        "contract_target_anchors",
        (("target_id", "contract_targets"), ("anchor_id", "anchors")),
        linked=True,
        kind="target anchors",
    ),
    Table("contract_activities", (_VERSION,), linked=True, kind="activities"),
    Table("contract_progress", (_CONTRACT,), kind="progress entries"),
    Table("contract_reviews", (_CONTRACT,), kind="reviews"),
    Table(
        "contract_reassessments",
        (_CONTRACT,),
        ("contract_id",),
        compare=("created_at",),
        kind="reassessments",
    ),
    Table(
        "contract_results",
        (("reassessment_id", "contract_reassessments"),),
        linked=True,
        kind="reassessment results",
    ),
    # Tests (m013). A test is one class's: it is the same test only by its uuid (a copy of
    # the same file). The same blueprint loaded in two schools makes two tests, since their
    # student codes name different children; theirs comes in under another key, and both aim
    # at the one learning-targets rubric (rubrics are matched by what they say).
    # Its title is not compared: one that came in under another key was retitled.
    Table("assessments", (_RUBRIC,), compare=("rubric_id",), unique="key", kind="tests"),
    Table(
        "learning_targets",
        (_TEST, ("criterion_rubric_id", "rubrics")),
        natural=("assessment_id", "key"),
        compare=("statement", "criterion_rubric_id", "criterion_key", "success_level"),
        kind="learning targets",
    ),
    Table(
        "assessment_items",
        (_TEST, ("target_id", "learning_targets")),
        natural=("assessment_id", "key"),
        compare=("target_id", "points", "prompt"),
        kind="test items",
    ),
    Table(
        "assessment_results",
        (("item_id", "assessment_items"),),
        natural=("item_id", "student_code"),
        compare=("outcome",),
        linked=True,
        kind="test results",
    ),
)
