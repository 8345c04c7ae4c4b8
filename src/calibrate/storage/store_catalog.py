"""Samples of student work and the raters who score them."""

from __future__ import annotations

import json
import sqlite3

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Rater, Sample, SampleKind
from calibrate.domain.names import name_key
from calibrate.storage.store_base import StoreBase, quoted


class CatalogStore(StoreBase):
    # --- samples ------------------------------------------------------------------------------

    def add_sample(self, sample: Sample) -> Sample:
        """Store a new sample (its ``id`` is ignored) and return it with its id.

        ``key`` "" is stored as no key. Raises InvalidOperationError if another sample already
        has the same key, or the sample has no title.
        """
        _check_sample(sample)
        with self.transaction():
            self._check_key_free(sample.key, None)
            sample_id = self._insert(
                "INSERT INTO samples (key, title, body, kind, student_code, grade, task,"
                " attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _sample_values(sample),
            )
        return self.get_sample(sample_id)

    def update_sample(self, sample: Sample) -> Sample:
        """Overwrite the stored sample ``sample.id`` with these values; returns what is stored.

        Raises NotFoundError if there is no such sample, InvalidOperationError if the sample was
        never saved, has no title, or its key is taken by another sample.
        """
        _check_sample(sample)
        with self.transaction():
            self._require("samples", sample.id, "sample")
            self._check_key_free(sample.key, sample.id)
            self._write(
                "UPDATE samples SET key = ?, title = ?, body = ?, kind = ?, student_code = ?,"
                " grade = ?, task = ?, attachments = ? WHERE id = ?",
                (*_sample_values(sample), sample.id),
            )
        assert sample.id is not None
        return self.get_sample(sample.id)

    def get_sample(self, sample_id: int) -> Sample:
        """The sample ``sample_id``. Raises NotFoundError if there is none."""
        return _sample(self._require("samples", sample_id, "sample"))

    def sample_by_key(self, key: str) -> Sample | None:
        """The sample with this scenario key, or None."""
        if not key:
            return None
        row = self._row("SELECT * FROM samples WHERE key = ?", (key,))
        return None if row is None else _sample(row)

    def samples_like(self, sample: Sample) -> list[Sample]:
        """The stored samples with the same content as ``sample`` (title, body, kind, student
        code, grade, task and attachments; key and id aside): the same piece of work, whichever
        kit brought it. Oldest first, except that one whose key (or, for a sample with no key,
        the ``sample-<id>`` a session export names it by) is ``sample.key`` comes first, so
        that two identical copies keep their places when a kit is loaded back."""
        rows = self._rows(
            "SELECT * FROM samples WHERE body = ? AND title = ? ORDER BY id",
            (sample.body, sample.title),
        )
        wanted = same_content_key(sample)
        found = [s for row in rows if same_content_key(s := _sample(row)) == wanted]

        def named(s: Sample) -> bool:
            own = s.key.rpartition("/")[2] if s.key else f"sample-{s.id}"
            return bool(sample.key) and own == sample.key

        return sorted(found, key=lambda s: not named(s))

    def list_samples(self) -> list[Sample]:
        """Every sample, in the order they were added."""
        return [_sample(row) for row in self._rows("SELECT * FROM samples ORDER BY id")]

    def _check_key_free(self, key: str, own_id: int | None) -> None:
        if not key:
            return
        other = self._scalar("SELECT id FROM samples WHERE key = ? AND id IS NOT ?", (key, own_id))
        if other is not None:
            raise InvalidOperationError(
                f"Another sample (id {other}) already has the key {quoted(key)}; "
                "keys must be unique."
            )

    # --- raters -------------------------------------------------------------------------------

    def add_rater(self, rater: Rater) -> Rater:
        """Store a new rater (its ``id`` is ignored) and return it with its id.

        Raises InvalidOperationError if the name is empty or another rater has the same name.
        """
        _check_rater(rater)
        with self.transaction():
            self._check_name_free(rater.name, None)
            rater_id = self._insert(
                "INSERT INTO raters (name, initials, role, team, active) VALUES (?, ?, ?, ?, ?)",
                _rater_values(rater),
            )
        return self.get_rater(rater_id)

    def update_rater(self, rater: Rater) -> Rater:
        """Overwrite the stored rater ``rater.id``; returns what is stored.

        Raises NotFoundError if there is no such rater, InvalidOperationError if the rater was
        never saved, has no name, or the name is taken by another rater.
        """
        _check_rater(rater)
        with self.transaction():
            self._require("raters", rater.id, "rater")
            self._check_name_free(rater.name, rater.id)
            self._write(
                "UPDATE raters SET name = ?, initials = ?, role = ?, team = ?, active = ?"
                " WHERE id = ?",
                (*_rater_values(rater), rater.id),
            )
        assert rater.id is not None
        return self.get_rater(rater.id)

    def get_rater(self, rater_id: int) -> Rater:
        """The rater ``rater_id``. Raises NotFoundError if there is none."""
        return _rater(self._require("raters", rater_id, "rater"))

    def rater_by_name(self, name: str) -> Rater | None:
        """The rater with exactly this name, or None."""
        row = self._row("SELECT * FROM raters WHERE name = ?", (name,))
        return None if row is None else _rater(row)

    def list_raters(self, *, active_only: bool = False) -> list[Rater]:
        """Every rater (only the active ones with ``active_only=True``), by name."""
        where = "WHERE active = 1" if active_only else ""
        return [_rater(row) for row in self._rows(f"SELECT * FROM raters {where} ORDER BY name")]

    def rater_like(self, name: str) -> Rater | None:
        """The rater whose name is ``name`` up to case and spacing ("ann lee" finds "Ann Lee"),
        or None."""
        wanted = name_key(name)
        return next((r for r in self.list_raters() if name_key(r.name) == wanted), None)

    def _check_name_free(self, name: str, own_id: int | None) -> None:
        other = self.rater_like(name)
        if other is not None and other.id != own_id:
            raise InvalidOperationError(
                f"There is already a rater called {quoted(other.name)}; names must be unique "
                "(case and spacing aside)."
            )


def _check_sample(sample: Sample) -> None:
    if not sample.title.strip():
        raise InvalidOperationError("A sample needs a title.")


def _check_rater(rater: Rater) -> None:
    if not rater.name.strip():
        raise InvalidOperationError("A rater needs a name.")


def _sample_values(sample: Sample) -> tuple[object, ...]:
    return (
        sample.key or None,
        sample.title,
        sample.body,
        str(sample.kind),
        sample.student_code,
        sample.grade,
        sample.task,
        json.dumps(list(sample.attachments)),
    )


def same_content_key(sample: Sample) -> tuple[object, ...]:
    """What makes two samples the same piece of work: every field but the key and the id."""
    return (
        sample.title,
        sample.body,
        str(sample.kind),
        sample.student_code,
        sample.grade,
        sample.task,
        tuple(sample.attachments),
    )


def _sample(row: sqlite3.Row) -> Sample:
    return Sample(
        title=row["title"],
        body=row["body"],
        kind=SampleKind(row["kind"]),
        student_code=row["student_code"],
        grade=row["grade"],
        task=row["task"],
        attachments=tuple(str(a) for a in json.loads(row["attachments"])),
        key=row["key"] or "",
        id=row["id"],
    )


def _rater_values(rater: Rater) -> tuple[object, ...]:
    return (rater.name, rater.initials, rater.role, rater.team, int(rater.active))


def _rater(row: sqlite3.Row) -> Rater:
    return Rater(
        name=row["name"],
        initials=row["initials"],
        role=row["role"],
        team=row["team"],
        active=bool(row["active"]),
        id=row["id"],
    )
