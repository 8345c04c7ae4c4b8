"""Authoring raters: add, edit (rename), retire and bring back, and merge two entries that are
the same person.

Merging never throws a score away: when both entries scored the same sample on the same
criterion in the same session and round, the merge is refused with a message naming those items
(keeping "the latest" would silently erase one person's judgement). See
:meth:`calibrate.storage.store_authoring.AuthoringStore.merge_raters`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Rater
from calibrate.domain.text_rules import name_problem
from calibrate.storage.store import Store
from calibrate.storage.store_authoring import MergeReport

__all__ = [
    "MergeReport",
    "RaterForm",
    "RaterRow",
    "add_rater",
    "check_rater_form",
    "edit_rater",
    "merge_question",
    "merge_raters",
    "rater_rows",
    "set_active",
]


@dataclass(frozen=True)
class RaterForm:
    name: str
    initials: str = ""
    role: str = ""
    team: str = ""


@dataclass(frozen=True)
class RaterRow:
    rater: Rater
    sessions: int
    scores: int

    @property
    def status(self) -> str:
        return "active" if self.rater.active else "retired"


def rater_rows(store: Store) -> list[RaterRow]:
    """Every rater (active and retired), by name, with how many sessions and scores they have."""
    activity = store.rater_activity()
    rows = []
    for rater in store.list_raters():
        assert rater.id is not None
        done = activity.get(rater.id)
        rows.append(RaterRow(rater, done.sessions if done else 0, done.scores if done else 0))
    return rows


def check_rater_form(store: Store, form: RaterForm, *, own_id: int | None = None) -> dict[str, str]:
    """Problems by field name (``name``, ``initials``); empty when the form can be saved."""
    problems: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        problems["name"] = "A rater needs a name."
    elif problem := name_problem(name):
        problems["name"] = f"The name {problem}."
    else:
        other = store.rater_like(name)
        if other is not None and other.id != own_id:
            state = "" if other.active else " (retired: bring them back instead)"
            problems["name"] = f"There is already a rater called “{other.name}”{state}."
    if len(form.initials.strip()) > 4:
        problems["initials"] = "Initials are at most 4 letters."
    for field in ("initials", "role", "team"):
        value = getattr(form, field)
        if field not in problems and value.strip() and (problem := name_problem(value)):
            problems[field] = f"The {field} {problem}."
    return problems


def add_rater(store: Store, form: RaterForm) -> Rater:
    """Store a new, active rater. Raises InvalidOperationError naming the first problem."""
    _refuse(check_rater_form(store, form))
    return store.add_rater(_rater(form))


def edit_rater(store: Store, rater_id: int, form: RaterForm) -> Rater:
    """Rename a rater or change their details; their scores stay theirs. Raises NotFoundError
    if there is no such rater, InvalidOperationError naming the first problem of the form."""
    current = store.get_rater(rater_id)
    _refuse(check_rater_form(store, form, own_id=rater_id))
    return store.update_rater(replace(_rater(form), active=current.active, id=rater_id))


def set_active(store: Store, rater_id: int, active: bool) -> Rater:
    """Retire a rater (they are no longer offered for new sessions; their history stays) or
    bring them back. Raises NotFoundError if there is no such rater."""
    return store.update_rater(replace(store.get_rater(rater_id), active=active))


def merge_question(store: Store, keep_id: int, drop_id: int) -> str:
    """The question to ask before merging ``drop_id`` into ``keep_id``."""
    keep, drop = store.get_rater(keep_id), store.get_rater(drop_id)
    done = store.rater_activity().get(drop_id)
    sessions, scores = (done.sessions, done.scores) if done else (0, 0)
    return (
        f"Merge “{drop.name}” into “{keep.name}”? {drop.name}'s {sessions} "
        f"session{'' if sessions == 1 else 's'} and {scores} score{'' if scores == 1 else 's'} "
        f"become {keep.name}'s, and the entry “{drop.name}” is removed. This cannot be undone."
    )


def merge_raters(store: Store, keep_id: int, drop_id: int) -> MergeReport:
    """Merge two entries for one person (everything moves to ``keep_id``), all or nothing.
    Raises InvalidOperationError naming the items both scored, if any; NotFoundError if either
    rater does not exist."""
    return store.merge_raters(keep_id, drop_id)


def find_rater(store: Store, ref: str) -> Rater:
    """The rater ``ref`` names: an id (digits), or a name: as written, else as everywhere
    (letter case and spacing aside). Raises NotFoundError naming ``ref`` and who there is."""
    text = ref.strip()
    if text.isascii() and text.isdigit():
        found = next((r for r in store.list_raters() if r.id == int(text)), None)
    else:  # the name as written first: "Ann Lee" and "ann lee" are the two entries to merge
        found = store.rater_by_name(text) or store.rater_like(text)
    if found is None:
        names = ", ".join(f"“{r.name}” ({r.id})" for r in store.list_raters()) or "none yet"
        raise NotFoundError(f"There is no rater “{text}”; the raters are {names}.")
    return found


def merged_message(report: MergeReport, kept: Rater) -> str:
    return (
        f"Merged “{report.dropped_name}” into “{kept.name}”: {report.scores} "
        f"score{'' if report.scores == 1 else 's'} from {report.sessions} "
        f"session{'' if report.sessions == 1 else 's'} moved."
    )


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise InvalidOperationError(next(iter(problems.values())))


def _rater(form: RaterForm) -> Rater:
    return Rater(
        name=form.name.strip(),
        initials=form.initials.strip(),
        role=form.role.strip(),
        team=form.team.strip(),
    )
