"""A learning contract as a document a student and teacher read, sign and keep.

``export_contract`` writes it as Markdown or HTML (printable, student-friendly: the rubric's
student wording, the anchors quoted, targets, activities, commitments, accommodations, the review
schedule, the progress log, signature lines) or as JSON (the full data, every version included).
The student's display name stays in the local database: it is left out unless ``include_name``.

The Markdown and HTML documents are built from the same list of sections (:func:`sections`), so
they always hold the same content; ``calibrate.services.contracts.render`` draws them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from calibrate.domain.contracts import (
    CheckpointReview,
    Contract,
    ContractStatus,
    ContractVersion,
    LevelSource,
    ProgressEntry,
    Reassessment,
    next_checkpoint,
    review_dates,
)
from calibrate.domain.model import Rubric
from calibrate.services.contracts.anchors import AnchorQuote, quote_anchor
from calibrate.services.contracts.render import (
    Block,
    Items,
    Para,
    Quote,
    Section,
    Signature,
    Subhead,
    render_html,
    render_markdown,
)
from calibrate.storage.store import Store

SECTION_TITLES = (
    "Where I am now",
    "My targets",
    "What I will do",
    "Supports and resources",
    "Our commitments",
    "Accommodations",
    "Review schedule",
    "Progress log",
    "Checkpoint reviews",
    "Closing reassessment",
    "Changes to this contract",
    "Signatures",
)


SOURCE_WORDS = {
    LevelSource.CONSENSUS: "agreed by my teachers",
    LevelSource.TEACHER: "my teacher's score",
    LevelSource.HAND: "noted by my teacher",
    LevelSource.ASSESSMENT: "from my test reflection",
}


class ContractFormat(StrEnum):
    MD = "md"
    HTML = "html"
    JSON = "json"


@dataclass(frozen=True)
class ContractDocument:
    """Everything a contract document shows."""

    contract: Contract
    rubric: Rubric
    versions: tuple[ContractVersion, ...]
    anchors: dict[int, AnchorQuote]  # the anchors the current version's targets carry, by id
    progress: tuple[ProgressEntry, ...]
    reviews: tuple[CheckpointReview, ...]
    reassessment: Reassessment | None

    @property
    def current(self) -> ContractVersion:
        return self.contract.current

    def name(self, criterion_key: str) -> str:
        criterion = self.rubric.criterion(criterion_key)
        return criterion.name if criterion is not None else criterion_key

    def level(self, criterion_key: str, score: int) -> str:
        """``"3 (Proficient)"``."""
        criterion = self.rubric.criterion(criterion_key)
        level = None if criterion is None else criterion.level(score)
        return f"{score} ({level.label})" if level is not None else str(score)

    def wording(self, criterion_key: str, score: int) -> str:
        """The level in the rubric's student wording (its descriptor if it has none)."""
        criterion = self.rubric.criterion(criterion_key)
        level = None if criterion is None else criterion.level(score)
        return "" if level is None else level.student_wording or level.descriptor


def contract_document(store: Store, contract_id: int) -> ContractDocument:
    """Gather a contract's document. Raises NotFoundError if there is no such contract."""
    contract = store.get_contract(contract_id)
    rubric = store.get_rubric(contract.rubric_id)
    stored = {a.id: a for a in store.anchors()}  # a learning target's are on another rubric
    anchors = {
        anchor_id: quote_anchor(store, rubric, stored[anchor_id])
        for target in contract.current.targets
        for anchor_id in target.anchor_ids
    }
    return ContractDocument(
        contract=contract,
        rubric=rubric,
        versions=tuple(store.contract_versions(contract_id)),
        anchors=anchors,
        progress=tuple(store.progress_entries(contract_id)),
        reviews=tuple(store.reviews(contract_id)),
        reassessment=store.reassessment(contract_id),
    )


def export_contract(
    store: Store, contract_id: int, fmt: ContractFormat, *, include_name: bool = False
) -> str:
    """The contract as Markdown, HTML or JSON text. Raises NotFoundError if there is none."""
    doc = contract_document(store, contract_id)
    if fmt is ContractFormat.JSON:
        return json.dumps(
            contract_json(doc, include_name=include_name), indent=2, ensure_ascii=False
        )
    title, parts = title_lines(doc, include_name=include_name), sections(doc)
    if fmt is ContractFormat.HTML:
        return render_html(title, parts)
    return render_markdown(title, parts)


def title_lines(doc: ContractDocument, *, include_name: bool) -> tuple[str, list[tuple[str, str]]]:
    """The document's title and the facts under it."""
    c = doc.contract
    student = c.student_code + (f" ({c.student_name})" if include_name and c.student_name else "")
    facts = [
        ("Student", student),
        *([("Class", c.class_name)] if c.class_name else []),
        ("Teacher", c.teacher),
        ("Rubric", f"{doc.rubric.name}, version {doc.rubric.version}"),
        ("Contract", f"version {c.version}, {c.status}"),
        ("Starts", doc.current.start_date),
    ]
    return f"Learning contract: {doc.rubric.name}", facts


def sections(doc: ContractDocument) -> list[Section]:
    """The document's sections, in order (their titles are :data:`SECTION_TITLES`)."""
    first = (
        "drafted, not agreed yet" if doc.contract.status is ContractStatus.DRAFT else "first agreed"
    )
    v, c = doc.current, doc.current.commitments
    now: list[Block] = [
        Items(
            tuple(
                (
                    doc.name(x.criterion_key),
                    f"{doc.level(x.criterion_key, x.level)}: "
                    f"{doc.wording(x.criterion_key, x.level)} ({SOURCE_WORDS[x.source]})",
                )
                for x in v.diagnostic
            )
        )
    ]
    targets: list[Block] = []
    for n, t in enumerate(v.targets, 1):
        criterion = doc.rubric.criterion(t.criterion_key)
        span = (
            f"from {doc.level(t.criterion_key, t.current_level)}"
            f" to {doc.level(t.criterion_key, t.target_level)} by {t.due_date}"
        )
        targets.append(Subhead(f"{n}. {doc.name(t.criterion_key)}: {span}"))
        if criterion is not None and criterion.student_wording:
            targets.append(Para(criterion.student_wording))
        targets.append(
            Items(
                (
                    ("What success looks like", doc.wording(t.criterion_key, t.target_level)),
                    ("How we will know", t.indicator),
                    *((("Where I start from", "; ".join(t.evidence)),) if t.evidence else ()),
                )
            )
        )
        for anchor_id in t.anchor_ids:
            quote = doc.anchors[anchor_id]
            targets.append(
                Quote(quote.excerpt, f"From “{quote.sample.title}”, an anchor of this level")
            )
            targets.append(Items((("Why it shows this level", quote.anchor.annotation),)))
        if not t.anchor_ids:
            targets.append(Para("No anchor of this level is attached yet."))
    activities = tuple(
        (
            str(a.stage).capitalize(),
            a.description + (f" ({doc.name(a.criterion_key)})" if a.criterion_key else ""),
        )
        for a in v.activities
    )
    schedule = review_dates(v)
    upcoming = next_checkpoint(doc.contract, doc.reviews)
    return [
        Section("Where I am now", now),
        Section("My targets", targets),
        Section(
            "What I will do",
            [Items(activities, ordered=True) if activities else _none("activities")],
        ),
        Section(
            "Supports and resources",
            [
                Items(
                    tuple(("Support", s) for s in v.supports)
                    + tuple(("Resource", r) for r in v.resources)
                )
                if v.supports or v.resources
                else _none("supports or resources")
            ],
        ),
        Section(
            "Our commitments",
            [
                Items(
                    (
                        (
                            "My teacher",
                            f"gives me feedback within {c.teacher_feedback_days} days"
                            + (f"; {c.teacher_note}" if c.teacher_note else "")
                            + ".",
                        ),
                        ("I", c.student_practice or "practise as agreed with my teacher."),
                        *(
                            (
                                (
                                    "My progress log",
                                    "I write down what I did, what worked, what didn't and "
                                    "what I will do next.",
                                ),
                            )
                            if c.student_keeps_log
                            else ()
                        ),
                        ("Together", f"we review my progress every {c.review_every_days} days."),
                    )
                )
            ],
        ),
        Section("Accommodations", [_accommodations(v)]),
        Section(
            "Review schedule",
            [
                Para(
                    f"We look at my progress together every {c.review_every_days} days."
                    + (f" Next checkpoint: {upcoming}." if upcoming else "")
                ),
                Items(tuple(("Checkpoint", d) for d in schedule)) if schedule else _none("dates"),
            ],
        ),
        Section("Progress log", _progress(doc)),
        Section(
            "Checkpoint reviews",
            [
                Items(
                    tuple(
                        (
                            r.date,
                            f"{r.outcome}"
                            + (f": {r.note}" if r.note else "")
                            + f" (version {r.version})",
                        )
                        for r in doc.reviews
                    )
                )
                if doc.reviews
                else _none("checkpoint reviews yet")
            ],
        ),
        Section("Closing reassessment", _closing(doc)),
        Section(
            "Changes to this contract",
            [
                Items(
                    tuple(
                        (f"Version {x.version}", f"{x.created_at[:10]}: {x.note or first}")
                        for x in doc.versions
                    )
                )
            ],
        ),
        Section(
            "Signatures",
            [
                Para("We agree to this contract and will review it together."),
                Signature("Student"),
                Signature("Teacher"),
            ],
        ),
    ]


def _none(what: str) -> Para:
    return Para(f"No {what}.")


def _accommodations(v: ContractVersion) -> Block:
    a = v.accommodations
    if not a.any:
        return _none("accommodations")
    items = (
        tuple(("Accessibility", x) for x in a.accessibility_needs)
        + tuple(("I may show my evidence as", x) for x in a.evidence_formats)
        + ((("Flexible deadlines", a.flexible_deadlines),) if a.flexible_deadlines else ())
    )
    return Items(items)


def _progress(doc: ContractDocument) -> list[Block]:
    if not doc.progress:
        return [_none("entries yet")]
    out: list[Block] = []
    for p in doc.progress:
        out.append(Subhead(p.date))
        items = [("Evidence", p.evidence)] if p.evidence else []
        if p.evidence_file:
            items.append(("File", p.evidence_file))
        for label, text in (
            ("What worked", p.worked),
            ("What didn't", p.didnt_work),
            ("What next", p.next_step),
        ):
            if text:
                items.append((label, text))
        out.append(Items(tuple(items)))
    return out


def _closing(doc: ContractDocument) -> list[Block]:
    r = doc.reassessment
    if r is None:
        return [Para("At the end of the contract we look again at each target together.")]
    results = tuple(
        (
            doc.name(x.criterion_key),
            f"aimed for {doc.level(x.criterion_key, x.target_level)}, reached "
            f"{doc.level(x.criterion_key, x.achieved_level)}: {'met' if x.met else 'not yet'}",
        )
        for x in r.results
    )
    blocks: list[Block] = [Para(f"Reassessed on {r.date}."), Items(results)]
    blocks.append(Items((("My reflection", r.reflection),)))
    if r.teacher_note:
        blocks.append(Items((("My teacher's note", r.teacher_note),)))
    return blocks


def contract_json(doc: ContractDocument, *, include_name: bool) -> dict[str, Any]:
    """The full data: the contract, every version, the anchors quoted, the log, the reviews and
    the closing reassessment."""
    c = doc.contract
    return {
        "id": c.id,
        "student_code": c.student_code,
        **({"student_name": c.student_name} if include_name else {}),
        "class": c.class_name,
        "teacher": c.teacher,
        "teacher_id": c.teacher_id,
        "rubric": {"id": doc.rubric.id, "name": doc.rubric.name, "version": doc.rubric.version},
        "sample_id": c.sample_id,
        "session_id": c.session_id,
        "status": str(c.status),
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "version": c.version,
        "current": asdict(doc.current),
        "versions": [asdict(v) for v in doc.versions],
        "anchors": [
            {
                "id": q.id,
                "criterion": q.criterion.key,
                "level": q.level.score,
                "level_label": q.level.label,
                "student_wording": q.student_wording,
                "sample_id": q.sample.id,
                "sample_title": q.sample.title,
                "excerpt": q.excerpt,
                "annotation": q.anchor.annotation,
                "status": str(q.anchor.status),
            }
            for q in doc.anchors.values()
        ],
        "review_schedule": list(review_dates(doc.current)),
        "next_checkpoint": next_checkpoint(c, doc.reviews),
        "progress": [asdict(p) for p in doc.progress],
        "reviews": [asdict(r) for r in doc.reviews],
        "reassessment": None if doc.reassessment is None else asdict(doc.reassessment),
    }
