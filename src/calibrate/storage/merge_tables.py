"""Copy the records of one calibrate database into another, by their stable identities.

:func:`merge_records` walks the tables parents first (:data:`TABLES`), and for every row of the
source decides, in this order:

1. its ``uuid`` is already here: the same record, skipped (a difference in what it says is
   reported as a conflict, and ours is kept);
2. otherwise a record here has the same natural key (a criterion's rubric and key, a score's
   session, round, sample, criterion and rater, a kit's sample key, …): the same record made in
   two places from one kit, skipped likewise;
3. otherwise it is copied in, its integer ids remapped to ours.

Link rows without an id of their own (``session_samples``, ``contract_levels``, …) are named by
the rows they link, and copied unless already there. So merging the same source twice changes
nothing. Rubrics, samples and raters have rules of their own (see :class:`MergePolicy` and
:func:`merge_records`). The caller holds the transaction; this module never commits.

Not copied: seats and the room's secret (a served meeting belongs to its room) and the sessions'
join and facilitator codes.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from calibrate.domain.errors import CalibrateError
from calibrate.storage.merge_schema import TABLES, Table


class MergeError(CalibrateError):
    """A merge that was refused; nothing was written."""


@dataclass(frozen=True)
class MergePolicy:
    """What to do with a rater whose name is taken here by another person (another uuid).

    ``rater_names`` maps their name to the name of our rater who is the same person; with
    ``as_separate`` every such rater comes in as a separate person named ``"Name (label)"``.
    Otherwise such a rater stops the merge (:class:`MergeError`), since two teachers may share a
    name and merging them silently would mix their records. ``label`` names the source in
    renamed records and messages (e.g. the file's name). A session copied in keeps the school
    its source gave it, or gets ``school`` (default ``label``).
    """

    label: str
    rater_names: Mapping[str, str] = field(default_factory=dict)
    as_separate: bool = False
    #: The school a session held in the source was held at, when the source does not say
    #: (default: ``label``).
    school: str = ""


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did: per kind of record, how many came in and how many were already here,
    and every conflict (in words)."""

    source: str
    added: Mapping[str, int]
    skipped: Mapping[str, int]
    conflicts: tuple[str, ...]

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


class _Merge:
    def __init__(self, ours: sqlite3.Connection, theirs: sqlite3.Connection, policy: MergePolicy):
        self.ours = ours
        self.theirs = theirs
        self.policy = policy
        self.ids: dict[str, dict[int, int]] = {}
        self.added: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.conflicts: list[str] = []
        self.refused: list[str] = []

    # --- reading ---------------------------------------------------------------------------

    def _rows(self, conn: sqlite3.Connection, sql: str) -> Iterator[sqlite3.Row]:
        """Rows one at a time (the source is another connection: reading it while writing ours
        is safe, and a big source is never held in memory)."""
        cursor = conn.cursor()
        cursor.row_factory = sqlite3.Row
        return iter(cursor.execute(sql))

    def _our_id(self, table: str, where: Mapping[str, object]) -> int | None:
        if any(v is None for v in where.values()):
            return None
        sql = " AND ".join(f"{c} = ?" for c in where)
        row = self.ours.execute(f"SELECT id FROM {table} WHERE {sql}", tuple(where.values()))
        found = row.fetchone()
        return None if found is None else int(found[0])

    def _remap(self, spec: Table, values: dict[str, object]) -> None:
        for column, parent in spec.parents:
            value = values.get(column)
            if value is None or (column == "family_id" and value == 0):  # 0: keyed to no rubric
                continue
            values[column] = self.ids[parent][_int(value)]
            if column == "family_id":  # the family is named by its first version here
                values[column] = self._family_of(_int(values[column]))

    def _family_of(self, rubric_id: int) -> int:
        row = self.ours.execute("SELECT family_id FROM rubrics WHERE id = ?", (rubric_id,))
        return _int(row.fetchone()[0])

    # --- writing ---------------------------------------------------------------------------

    def _insert(self, table: str, values: Mapping[str, object], *, ignore: bool = False) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cursor = self.ours.execute(
            f"{verb} INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        return int(cursor.lastrowid or 0) if not ignore else cursor.rowcount

    def run(self) -> MergeOutcome:
        for spec in TABLES:
            self.ids[spec.name] = {}
            our_columns = {r[1] for r in self.ours.execute(f"PRAGMA table_info({spec.name})")}
            for row in self._rows(self.theirs, f"SELECT * FROM {spec.name} ORDER BY rowid"):
                values = {
                    k: row[k]
                    for k in row.keys()  # noqa: SIM118  (iterating a Row gives its values)
                    if k in our_columns and k not in spec.cleared
                }
                if spec.linked:
                    self._linked(spec, values)
                    continue
                their_id = int(values.pop("id"))
                self.ids[spec.name][their_id] = self._merge_row(spec, their_id, values)
            if spec.name == "raters" and self.refused:
                names = ", ".join(f"“{n}”" for n in self.refused)
                raise MergeError(
                    f"{self.policy.label} has raters whose names are already taken here by other "
                    f"people: {names}. Say who is who with --map-raters FILE (lines of "
                    f"their_name,our_name), or bring them in as separate people with "
                    f"--as-separate. Nothing was merged."
                )
        return MergeOutcome(
            source=self.policy.label,
            added=dict(self.added),
            skipped=dict(self.skipped),
            conflicts=tuple(self.conflicts),
        )

    def _linked(self, spec: Table, values: dict[str, object]) -> None:
        self._remap(spec, values)
        if self._insert(spec.name, values, ignore=True):
            self.added[spec.kind] += 1
            return
        self.skipped[spec.kind] += 1
        if not spec.compare:
            return
        where = " AND ".join(f"{c} = ?" for c in spec.natural)
        columns = ", ".join(spec.compare)
        ours = self.ours.execute(
            f"SELECT {columns} FROM {spec.name} WHERE {where}",
            tuple(values[c] for c in spec.natural),
        ).fetchone()
        if ours is not None and tuple(ours) != tuple(values[c] for c in spec.compare):
            self._conflict(spec, values)

    def _conflict(self, spec: Table, values: Mapping[str, object]) -> None:
        what = spec.kind.removesuffix("s")
        article = "An" if what[0] in "aeiou" else "A"
        self.conflicts.append(
            f"{article} {what} ({_describe(spec, values)}) says something else in "
            f"{self.policy.label} than here; ours was kept."
        )

    def _merge_row(self, spec: Table, their_id: int, values: dict[str, object]) -> int:
        found = self._our_id(spec.name, {"uuid": values["uuid"]})
        if spec.name == "rubrics":
            return self._rubric(their_id, values, found)
        if found is None and spec.name == "raters":
            alias = self.ours.execute(
                "SELECT rater_id FROM rater_aliases WHERE uuid = ?", (values["uuid"],)
            ).fetchone()
            if alias is not None:
                self.skipped["raters"] += 1
                return _int(alias[0])
            return self._rater(values)
        self._remap(spec, values)
        if found is None and spec.natural:
            found = self._our_id(spec.name, {c: values[c] for c in spec.natural})
            if found is not None and spec.name == "samples" and self._differs(spec, found, values):
                return self._renamed(spec, values)
        if found is None and spec.unique:
            taken = self._our_id(spec.name, {spec.unique: values[spec.unique]})
            if taken is not None:
                return self._renamed(spec, values, column=spec.unique, why="another class's")
        if found is None:
            if spec.name == "sessions" and not values.get("school"):
                values["school"] = self.policy.school or self.policy.label
            self.added[spec.kind] += 1
            return self._insert(spec.name, values)
        self.skipped[spec.kind] += 1
        if self._differs(spec, found, values):
            self._conflict(spec, values)
        return found

    def _differs(self, spec: Table, our_id: int, values: Mapping[str, object]) -> bool:
        if not spec.compare:
            return False
        columns = ", ".join(spec.compare)
        ours = self.ours.execute(f"SELECT {columns} FROM {spec.name} WHERE id = ?", (our_id,))
        return tuple(ours.fetchone()) != tuple(values[c] for c in spec.compare)

    # --- rules of their own ----------------------------------------------------------------

    def _rubric(self, their_id: int, values: dict[str, object], found: int | None) -> int:
        kind = "rubric versions"
        content = rubric_content(self.theirs, their_id)
        if found is not None:
            self.skipped[kind] += 1
            if rubric_content(self.ours, found) != content:
                self.conflicts.append(
                    f"The rubric “{values['name']}” version {values['version']} was changed in "
                    f"{self.policy.label} after it was merged; ours was kept."
                )
            return found
        their_family = _int(values["family_id"])
        family = None
        if their_family != their_id and their_family in self.ids["rubrics"]:
            family = self._family_of(self.ids["rubrics"][their_family])
        where = "name = ? AND version = ?" + (" AND family_id = ?" if family else "")
        params: tuple[object, ...] = (values["name"], values["version"])
        for (candidate,) in self.ours.execute(
            f"SELECT id FROM rubrics WHERE {where}", params + ((family,) if family else ())
        ):
            if rubric_content(self.ours, candidate) == content:
                self.skipped[kind] += 1
                return int(candidate)
        values["family_id"] = family
        if family is not None:
            taken = self.ours.execute(
                "SELECT MAX(version) FROM rubrics WHERE family_id = ?", (family,)
            ).fetchone()[0]
            if taken is not None and _int(taken) >= _int(values["version"]):
                self.conflicts.append(
                    f"The rubric “{values['name']}” version {values['version']} was edited both "
                    f"here and in {self.policy.label}; both are kept, theirs as version "
                    f"{int(taken) + 1}."
                )
                values["version"] = int(taken) + 1
        new_id = self._insert("rubrics", values)
        if family is None:
            self.ours.execute("UPDATE rubrics SET family_id = id WHERE id = ?", (new_id,))
        self.added[kind] += 1
        return new_id

    def _rater(self, values: dict[str, object]) -> int:
        name = str(values["name"])
        if name in self.policy.rater_names:
            ours = self.policy.rater_names[name]
            found = self._our_id("raters", {"name": ours})
            if found is None:
                raise MergeError(
                    f"The rater map sends “{name}” to “{ours}”, but there is no rater “{ours}” "
                    f"here. Nothing was merged."
                )
            self.ours.execute(
                "INSERT INTO rater_aliases (uuid, rater_id) VALUES (?, ?)", (values["uuid"], found)
            )
            self.skipped["raters"] += 1
            return found
        if self._our_id("raters", {"name": name}) is None:
            self.added["raters"] += 1
            return self._insert("raters", values)
        if not self.policy.as_separate:
            self.refused.append(name)
            return 0
        values["name"] = self._free("raters", "name", f"{name} ({self.policy.label})")
        self.conflicts.append(
            f"The rater “{name}” of {self.policy.label} is another person than ours of that "
            f"name: kept apart as “{values['name']}”."
        )
        self.added["raters"] += 1
        return self._insert("raters", values)

    def _renamed(
        self, spec: Table, values: dict[str, object], *, column: str = "key", why: str = ""
    ) -> int:
        """A sample or a test whose key is taken here by a different one: both are kept."""
        key = str(values[column])
        values[column] = self._free(spec.name, column, f"{key} ({self.policy.label})")
        if spec.name == "assessments":  # the tests list shows titles: tell the two apart
            values["title"] = f"{values['title']} ({self.policy.label})"
        what = spec.kind.removesuffix("s")
        differs = f"is {why} {what} than ours" if why else "differs from ours"
        self.conflicts.append(
            f"The {what} “{key}” of {self.policy.label} {differs} of that {column}: "
            f"both are kept, theirs as “{values[column]}”."
        )
        self.added[spec.kind] += 1
        return self._insert(spec.name, values)

    def _free(self, table: str, column: str, wanted: str) -> str:
        candidate, n = wanted, 1
        while self._our_id(table, {column: candidate}) is not None:
            n += 1
            candidate = f"{wanted} {n}"
        return candidate


def _int(value: object) -> int:
    assert isinstance(value, int), value
    return value


def _describe(spec: Table, values: Mapping[str, object]) -> str:
    if "title" in values and "date" in values:
        return f"“{values['title']}” of {values['date']}"
    shown = [c for c in spec.natural if c.endswith(("key", "code")) or c in ("name", "round")]
    return ", ".join(f"{c.replace('_', ' ')} {values[c]}" for c in shown) or (
        f"uuid {values.get('uuid')}"
    )


def rubric_content(conn: sqlite3.Connection, rubric_id: int) -> tuple[object, ...]:
    """What a rubric version says (its name, subject, grade band, kind, criteria and levels),
    without ids, dates or uuids: two versions that say the same are the same rubric."""
    head = conn.execute(
        "SELECT name, subject, grade_band, kind, version FROM rubrics WHERE id = ?", (rubric_id,)
    ).fetchone()
    criteria = conn.execute(
        "SELECT c.position, c.key, c.name, c.description, c.student_wording,"
        " l.score, l.label, l.descriptor, l.student_wording"
        " FROM criteria c LEFT JOIN levels l ON l.criterion_id = c.id"
        " WHERE c.rubric_id = ? ORDER BY c.position, c.key, l.score",
        (rubric_id,),
    ).fetchall()
    return (tuple(head), tuple(tuple(r) for r in criteria))


def merge_records(
    ours: sqlite3.Connection, theirs: sqlite3.Connection, policy: MergePolicy
) -> MergeOutcome:
    """Copy every record of ``theirs`` that ``ours`` lacks (see the module docstring), inside
    the caller's transaction on ``ours``. Both must have the same, current schema.

    Raises :class:`MergeError` when a rater's name is taken here by another person and the
    policy does not say what to do (the caller rolls back).
    """
    return _Merge(ours, theirs, policy).run()
