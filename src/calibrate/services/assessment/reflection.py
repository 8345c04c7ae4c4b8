"""Students reflect on their own test through the served page: each student has a *slip code*,
opens the page with it, and says of each item they got wrong whether it was a simple mistake
they can fix or something they don't get yet.

A slip code is a short HMAC of (test, student code) under the room's secret (the key seat
cookies are signed with), so nothing new is stored: the teacher can print the slips again at
any time, and a code opens one student's own wrong items on one test and nothing else. The
student can mark only items they got wrong, and only as one of the two reflections; right and
missing answers stay as the teacher entered them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import time
from dataclasses import dataclass
from pathlib import Path

from calibrate.domain.assessment import Outcome, StudentResult
from calibrate.domain.errors import InvalidOperationError
from calibrate.services.assessment.classify import StudentReport, TargetStatus, classify_student
from calibrate.services.room.access import normalise_code
from calibrate.storage.private_files import write_private_text
from calibrate.storage.store import Store
from calibrate.storage.store_serve import ServedStore
from calibrate.storage.store_sessions import CODE_ALPHABET

SLIP_HOURS = 1  # a slip's page stays open this long on a device (a lesson), or until "done"
SLIP_LENGTH = 8  # 31**8 ≈ 8.5e11 codes; guessing one online is hopeless behind the door's wait
WRONG_SLIP = (
    "That slip code is not right. Check the code on your slip (letters and digits, no O, I or 1)"
    " and try again, or ask your teacher."
)
CHOICES = {"simple": Outcome.SIMPLE_MISTAKE, "not-yet": Outcome.NOT_YET}
CHOICE_WORDS = {"simple": "a simple mistake", "not-yet": "I don't get it yet"}
# What a student reads about each target, in their words.
STUDENT_WORDS = {
    TargetStatus.SECURE: "You showed you can do this.",
    TargetStatus.CARELESS: "Only simple mistakes: you can fix these yourself.",
    TargetStatus.GAP: "Still to learn: a goal to work on.",
    TargetStatus.NO_EVIDENCE: "No answers on this one yet.",
}


@dataclass(frozen=True)
class Slip:
    """What one slip opens: one student's results on one test."""

    assessment_id: int
    student_code: str


def slip_code(secret: bytes, assessment_id: int, student_code: str) -> str:
    """The slip code of ``student_code`` on the test ``assessment_id`` (8 letters and digits
    from the join-code alphabet), derived from the room's ``secret``."""
    message = f"slip/{assessment_id}/{student_code}".encode()
    number = int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:8], "big")
    letters = []
    for _ in range(SLIP_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def printed(code: str) -> str:
    """A slip code as printed: two groups of four (``ABCD-EFGH``); the dash may be typed or not."""
    return f"{code[:4]}-{code[4:]}"


def _students(store: ServedStore, assessment_id: int) -> list[str]:
    return sorted({r.student_code for r in store.assessment_results(assessment_id)})


def class_slips(store: ServedStore, assessment_id: int) -> list[tuple[str, str]]:
    """(student code, slip code) for every student with results on the test, by code.
    Raises NotFoundError if there is no such test."""
    secret = store.room_secret()
    return [
        (code, slip_code(secret, assessment_id, code)) for code in _students(store, assessment_id)
    ]


def printed_slips(store: Store, assessment_id: int) -> list[tuple[str, str]]:
    """(student code, slip code as printed) for every student with results, by code: from the
    app's own store too (the room's secret is read through a served view of the same file)."""
    if isinstance(store, ServedStore):
        return [(s, printed(c)) for s, c in class_slips(store, assessment_id)]
    with ServedStore.open(store.path) as served:
        return [(s, printed(c)) for s, c in class_slips(served, assessment_id)]


def export_slips(store: Store, assessment_id: int, path: Path) -> int:
    """Write ``student,slip`` for every student to ``path`` (owner-only: slips open students'
    pages); returns how many. Raises InvalidOperationError if it cannot be written."""
    rows = printed_slips(store, assessment_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "slip"])
    writer.writerows(rows)
    path = path.expanduser()
    try:
        write_private_text(path, buffer.getvalue(), newline="")
    except OSError as exc:
        raise InvalidOperationError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    return len(rows)


def open_slip(store: ServedStore, assessment_id: int, typed: str) -> Slip:
    """The slip a typed code opens. Raises InvalidOperationError if it opens none."""
    code = normalise_code(typed)
    if len(code) == SLIP_LENGTH:
        for student, slip in class_slips(store, assessment_id):
            if hmac.compare_digest(slip, code):
                return Slip(assessment_id, student)
    raise InvalidOperationError(WRONG_SLIP)


def sign_slip(store: ServedStore, slip: Slip, *, now: float | None = None) -> str:
    """The cookie value carrying ``slip``: the test, the slip code, when it was opened, and an
    HMAC of them (under a message distinct from a seat cookie's, so neither can pass for the
    other)."""
    code = slip_code(store.room_secret(), slip.assessment_id, slip.student_code)
    opened = int(time.time() if now is None else now)
    payload = f"slip.{slip.assessment_id}.{code}.{opened}"
    return f"{payload}.{_mac(store, payload)}"


def _mac(store: ServedStore, payload: str) -> str:
    return hmac.new(store.room_secret(), f"cookie/{payload}".encode(), hashlib.sha256).hexdigest()


def read_slip(
    store: ServedStore, assessment_id: int, cookie: str, *, now: float | None = None
) -> Slip | None:
    """The slip a cookie carries for this test, or None if it is forged, malformed, for
    another test, older than :data:`SLIP_HOURS` (a class computer left open is not the next
    student's way into this one's page), or its student has no results any more. A forged
    cookie costs one HMAC."""
    payload, _, mac = cookie.rpartition(".")
    if not payload or not hmac.compare_digest(mac, _mac(store, payload)):
        return None
    parts = payload.split(".")
    if len(parts) != 4 or parts[0] != "slip" or parts[1] != str(assessment_id):
        return None
    code, opened = parts[2], parts[3]
    age = (time.time() if now is None else now) - int(opened)
    if not 0 <= age <= SLIP_HOURS * 3600:
        return None
    try:
        return open_slip(store, assessment_id, code)
    except InvalidOperationError:
        return None


@dataclass(frozen=True)
class WrongItem:
    """One item the student got wrong, and what they have said about it so far."""

    key: str
    prompt: str
    target_statement: str
    outcome: Outcome  # WRONG until the student (or teacher) says which kind

    @property
    def choice(self) -> str | None:
        """The reflection chosen (a key of :data:`CHOICES`), or None."""
        return next((k for k, v in CHOICES.items() if v is self.outcome), None)


@dataclass(frozen=True)
class TargetLine:
    statement: str
    status: TargetStatus
    words: str


@dataclass(frozen=True)
class ReflectionPage:
    """What a student sees: their own results only, by student code (never a name)."""

    title: str
    student_code: str
    right: int  # items right
    answered: int  # items with an answer
    total: int  # items on the test
    items: tuple[WrongItem, ...]  # the wrong ones, in test order
    targets: tuple[TargetLine, ...]

    @property
    def still_to_mark(self) -> int:
        return sum(1 for item in self.items if item.choice is None)


def reflection_page(store: ServedStore, slip: Slip) -> ReflectionPage:
    """The slip's student's page. Raises NotFoundError if the test has gone."""
    blueprint = store.get_assessment(slip.assessment_id)
    results = store.assessment_results(slip.assessment_id)
    mine = [r for r in results if r.student_code == slip.student_code]
    outcomes = {r.item_key: r.outcome for r in mine}
    statements = {t.key: t.statement for t in blueprint.targets}
    wrong = tuple(
        WrongItem(item.key, item.prompt, statements[item.target_key], outcomes[item.key])
        for item in blueprint.items
        if outcomes.get(item.key, Outcome.MISSING).wrong
    )
    report: StudentReport = classify_student(blueprint, slip.student_code, mine)
    targets = tuple(
        TargetLine(r.target.statement, r.status, STUDENT_WORDS[r.status]) for r in report.readings
    )
    return ReflectionPage(
        title=blueprint.title,
        student_code=slip.student_code,
        right=sum(1 for o in outcomes.values() if o is Outcome.RIGHT),
        answered=sum(1 for o in outcomes.values() if o is not Outcome.MISSING),
        total=len(blueprint.items),
        items=wrong,
        targets=targets,
    )


def reflect(store: ServedStore, slip: Slip, item_key: str, choice: str) -> Outcome:
    """Keep the student's reflection on one of their wrong items; returns the outcome stored.

    Raises InvalidOperationError (nothing written) for a choice that is not one of
    :data:`CHOICES`, or an item the student did not get wrong (right, missing, or not on the
    test): a student cannot change what the teacher marked, only say why an answer was wrong.
    """
    outcome = CHOICES.get(choice)
    if outcome is None:
        raise InvalidOperationError("Choose “a simple mistake” or “I don't get it yet”.")
    with store.transaction():  # read and write at once: a teacher's change in between is kept
        now = {
            r.item_key: r.outcome
            for r in store.assessment_results(slip.assessment_id)
            if r.student_code == slip.student_code
        }
        if not now.get(item_key, Outcome.MISSING).wrong:
            raise InvalidOperationError(
                f"Item {item_key} is not one you got wrong, so there is nothing to say about it."
            )
        store.record_results(
            slip.assessment_id, [StudentResult(slip.student_code, item_key, outcome)]
        )
    return outcome
